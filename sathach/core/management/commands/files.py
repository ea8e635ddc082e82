"""`sathach files import-media`: copy the files an installation kept under MEDIA_ROOT (before
the files moved into the database, or with FILE_STORAGE=filesystem) into the database
storage, under the same names, so that the rows that point to them find them. Files already
there are left alone: running it twice copies nothing the second time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sathach.core.models import StoredFile


class Command(BaseCommand):
    help = (
        "import-media: copy every file under MEDIA_ROOT into the database storage "
        "(FILE_STORAGE=database), keeping its name; files already stored are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import-media"])

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT)
        if not root.is_dir():
            raise CommandError(f"MEDIA_ROOT {root} is not a folder.")
        copied = skipped = 0
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            with transaction.atomic():
                if StoredFile.objects.filter(name=name).exists():
                    skipped += 1
                    continue
                data = path.read_bytes()
                StoredFile.objects.create(name=name, content=data, size=len(data))
                copied += 1
        self.stdout.write(f"{copied} files copied into the database, {skipped} already there.")

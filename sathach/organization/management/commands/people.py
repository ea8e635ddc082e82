"""`sathach people …`: the people of the units from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError, ImportErrors
from sathach.organization.management.commands.units import read_file, write_file
from sathach.organization.models import Person
from sathach.organization.transfer import CLI_ACTOR, error_lines, people_export, people_import


class Command(BaseCommand):
    help = (
        "People of the units. 'import FILE' adds people, or updates those whose number is "
        "given, from an .xlsx file made from the template, all or nothing: on any mistake "
        "nothing is stored, each mistake is printed on stderr with its row and column, and "
        "the exit status is 2. 'export FILE' writes every person, ordered by given name, in "
        "the template's layout, ready to be edited and imported again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        upload = sub.add_parser("import", help="import people from an .xlsx file")
        upload.add_argument("file", help="an .xlsx file made from the template")
        download = sub.add_parser("export", help="export people to an .xlsx file")
        download.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["action"] == "export":
            write_file(path, people_export(CLI_ACTOR, Person.objects.all()))
            self.stdout.write(_("Wrote %(file)s.") % {"file": path})
            return
        content = read_file(path)
        try:
            summary = people_import(actor=CLI_ACTOR, content=content)
        except ImportErrors as error:
            for line in error_lines(error):
                self.stderr.write(line)
            raise SystemExit(2) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(summary.describe())

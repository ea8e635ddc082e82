"""The project's storages: the static files (WhiteNoise), and the files the application
writes (`DatabaseStorage`), kept in the database so that every application server reaches
them and the standby holds them with the rows that point to them (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from typing import IO, Any

from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from whitenoise.storage import CompressedManifestStaticFilesStorage

URL_SALT = "sathach.core.storage.url"


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files once `collectstatic` has run; plain names before it
    (tests, a first start), served then from the apps' folders by WhiteNoise's finders."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name


@deconstructible
class DatabaseStorage(Storage):
    """Files as rows of `core.StoredFile`. A file is saved inside the caller's transaction:
    a rolled-back change leaves no file behind, and a committed one is on the synchronous
    standby as soon as its row is. Reading loads the whole file (the largest are the
    practical uploads, 10 MB, and the certificates' ZIP of a campaign)."""

    def _model(self) -> Any:
        from sathach.core.models import StoredFile

        return StoredFile

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("DatabaseStorage files are written through save(), not open()")
        row = self._model().objects.filter(name=name).values_list("content", flat=True).first()
        if row is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(row), name=name)

    def _save(self, name: str, content: IO[Any] | File[Any]) -> str:
        if hasattr(content, "seek") and hasattr(content, "seekable") and content.seekable():
            content.seek(0)
        if isinstance(content, File) and hasattr(content, "chunks"):
            data = b"".join(
                chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in content.chunks()
            )
        else:
            raw = content.read()
            data = raw if isinstance(raw, bytes) else raw.encode()
        self._model().objects.create(name=name, content=data, size=len(data))
        return name

    def delete(self, name: str) -> None:
        self._model().objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return bool(self._model().objects.filter(name=name).exists())

    def size(self, name: str) -> int:
        size = self._model().objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return int(size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.rstrip("/") + "/" if path else ""
        names = self._model().objects.filter(name__startswith=prefix).values_list("name", flat=True)
        folders, files = set(), []
        for name in names:
            rest = name[len(prefix) :]
            head, sep, _tail = rest.partition("/")
            if sep:
                folders.add(head)
            else:
                files.append(rest)
        return sorted(folders), sorted(files)

    def get_created_time(self, name: str) -> datetime:
        found = self._model().objects.filter(name=name).values_list("created_at", flat=True).first()
        if found is None:
            raise FileNotFoundError(name)
        return found  # type: ignore[no-any-return]

    get_modified_time = get_created_time

    def url(self, name: str | None) -> str:
        """A signed address of the file (`core.views.stored_file`), for a signed-in user
        who holds it: it cannot be guessed or altered, and only a page that checked its
        reader shows it (the question pictures). It does not expire, since an exam page is
        prepared with its pictures' addresses days before the test (`AttemptPage`)."""
        # Without a timestamp: the same file always has the same address.
        token = signing.Signer(salt=URL_SALT).sign_object(name, compress=True)
        return reverse("stored-file", args=[token])


def content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"

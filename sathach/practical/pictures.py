"""An uploaded file as pictures of its pages, for the proctor: LibreOffice draws it as PDF
once (kept by the file's hash, so a file sent twice is drawn once) and pdftoppm draws a page."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from sathach.core.errors import DomainError
from sathach.practical import office
from sathach.practical.models import Upload
from sathach.signatures.pictures import page_count, render_page_png


def _pdf(upload: Upload) -> bytes:
    folder = Path(settings.VAR_DIR) / "practical-pdf"
    folder.mkdir(parents=True, exist_ok=True)
    cached = folder / f"{upload.sha256}.pdf"
    if not cached.exists():
        with upload.file.open("rb") as handle:
            data = handle.read()
        pdf = office.convert_bytes(data, upload.extension, "pdf")
        partial = cached.with_suffix(".part")
        partial.write_bytes(pdf)
        partial.replace(cached)
    return cached.read_bytes()


def upload_page_count(upload: Upload) -> int:
    """How many pages (slides) the file has as drawn; DomainError when it cannot be drawn."""
    return page_count(_pdf(upload))


def upload_page_png(upload: Upload, index: int) -> bytes | None:
    try:
        pdf = _pdf(upload)
    except DomainError:  # a file LibreOffice cannot draw has no picture: a 404, never a 500
        return None
    return render_page_png(pdf, index)

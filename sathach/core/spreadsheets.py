"""Opening an uploaded Excel workbook without letting it take the server's memory.

An .xlsx file is a zip of XML parts. A hostile one is small on the wire and huge once
unpacked (a shared-string bomb took an import job to 6.8 GB; question files of 0.2-0.6 MB
were parsed for 71-87 s and up to 8 GB). Every import therefore opens a workbook through
`open_workbook`: the zip's directory is read first (content types, number of parts, the
unpacked size of each part and of all of them, how much each part is compressed, the size
of the shared strings, which openpyxl keeps whole in memory), then openpyxl opens it in
read-only mode (rows streamed from the zip), and `sheet_rows` stops at a row and column cap
with a message that names the limit.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from sathach.core.errors import DomainError

MAX_PARTS = 500
# A part this large may be compressed this many times; more is a zip bomb (a real
# workbook's XML compresses 5-30 times, a repetitive one rarely past 100).
RATIO_CHECKED_FROM = 1024 * 1024
MAX_RATIO = 200
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
MAX_COLUMNS = 64
# What makes a zip an Excel workbook (ECMA-376 part 2: the content types part, and the
# workbook part's content type).
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)


class SpreadsheetRefused(DomainError):
    """The file is not a workbook, or one too large to open."""


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.0f}"


def not_a_workbook() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "The file is not an Excel workbook (.xlsx). Open it in Excel or LibreOffice and "
            "save it as 'Excel Workbook (.xlsx)'."
        )
    )


def workbook_problem(data: bytes) -> SpreadsheetRefused | None:
    """Why the bytes cannot be opened as a workbook, read from the zip's directory alone
    (nothing is unpacked but the small content-types part), or None."""
    if not data.startswith(b"PK\x03\x04"):
        return not_a_workbook()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return SpreadsheetRefused(
                _("The workbook has more than %(limit)s parts: it is refused unread.")
                % {"limit": MAX_PARTS}
            )
        limit = int(settings.XLSX_MAX_UNPACKED_MB) * 2**20
        total = sum(part.file_size for part in parts)
        bomb = any(
            part.file_size > RATIO_CHECKED_FROM
            and part.file_size > MAX_RATIO * max(part.compress_size, 1)
            for part in parts
        )
        if total > limit or bomb:
            return SpreadsheetRefused(
                _(
                    "The workbook unpacks to more than %(limit)s MB, or one of its parts is "
                    "compressed more than %(ratio)s times: it is refused unread. Keep only "
                    "the rows to import and save it again."
                )
                % {"limit": _megabytes(limit), "ratio": MAX_RATIO}
            )
        names = {part.filename: part for part in parts}
        strings = names.get("xl/sharedStrings.xml")
        if strings is not None and strings.file_size > MAX_SHARED_STRINGS_BYTES:
            return SpreadsheetRefused(
                _("The workbook's text takes more than %(limit)s MB: it is refused unread.")
                % {"limit": _megabytes(MAX_SHARED_STRINGS_BYTES)}
            )
        types = names.get(CONTENT_TYPES)
        if types is None or types.file_size > 1024 * 1024:
            return not_a_workbook()
        declared = archive.read(types)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return not_a_workbook()
    if not any(kind in declared for kind in WORKBOOK_TYPES):
        return not_a_workbook()
    return None


def open_workbook(data: bytes) -> Workbook:
    """The workbook, read-only (rows streamed), values as Excel last computed them.
    Raises SpreadsheetRefused with the reason."""
    problem = workbook_problem(data)
    if problem is not None:
        raise problem
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # openpyxl lets through whatever its zip and XML readers raise on a damaged file; each
    # means the same to the person importing.
    except Exception:
        raise not_a_workbook() from None


def too_many_rows(limit: int, sheet: str) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "The sheet %(sheet)s has more than %(limit)s rows: nothing was imported. Split "
            "it into files of at most %(limit)s rows."
        )
        % {"sheet": sheet, "limit": f"{limit:,}".replace(",", ".")}
    )


def sheet_rows(
    sheet: Any, *, max_rows: int | None = None, max_columns: int = MAX_COLUMNS
) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as tuples of values, at most `max_columns` wide (a row is never
    padded to the 16,384 columns a hostile file declares). Past `max_rows` rows (empty
    ones count: a file can place one cell at row 1,048,576) it raises too_many_rows."""
    limit = max_rows if max_rows is not None else int(settings.XLSX_MAX_ROWS)
    for number, values in enumerate(
        sheet.iter_rows(max_col=max_columns, values_only=True), start=1
    ):
        if number > limit:
            raise too_many_rows(limit, sheet.title)
        yield values


def sheet_column(letter: str, title: str = "") -> str:
    """A column as the person sees the sheet: its letter and its title, "C (Mã đơn vị)";
    either alone when the other is unknown (a column missing from the header row)."""
    if letter and title:
        return _("%(letter)s (%(title)s)") % {"letter": letter, "title": title}
    return letter or title

"""Reading a leader's workbook for the spreadsheet grader: refusing what must not be opened
(not a workbook, a zip bomb, macros), reading the graded sheet twice (the formulas as
written, and the values LibreOffice computes again), and the small helpers on cells,
ranges, values and number formats that the criteria share.

The values cached in the leader's file are never trusted: the workbook is saved again by
openpyxl (which drops every cached result) with, for each `formula` criterion, a copy of the
sheet whose cells hold the author's expected formulas, and LibreOffice computes the whole
workbook in one run. The leader's sheet and each key sheet then come back with values a
real spreadsheet engine computed on the same data.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from sathach.core.errors import DomainError
from sathach.core.spreadsheets import workbook_problem
from sathach.practical import office

logger = logging.getLogger(__name__)

# A practical task's sheet is a table of a few dozen rows; anything far larger is refused.
MAX_ROWS = 5000
MAX_COLUMNS = 200
MAX_RANGE_CELLS = 5000
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CELL_RANGE = re.compile(r"^\$?[A-Z]{1,3}\$?[0-9]{1,7}(:\$?[A-Z]{1,3}\$?[0-9]{1,7})?$")
_KEY_SHEET = "sathach_key_{}"


class BookRefused(Exception):
    """The leader's file cannot be graded; the message is the Vietnamese reason."""


@dataclass
class Book:
    """The leader's workbook: the graded sheet as written (formulas), the same sheet as
    LibreOffice computed it (None when the recalculation failed, with the reason), each
    formula criterion's key sheet computed alike, and the .xlsx bytes (for the charts)."""

    xlsx: bytes
    formulas: Worksheet
    values: Worksheet | None = None
    keys: dict[int, Worksheet] = field(default_factory=dict)
    recalc_error: str = ""


def parse_range(text: Any) -> tuple[int, int, int, int] | None:
    """(min_col, min_row, max_col, max_row) of an A1 range ("F2:F11", "F12"), or None."""
    if not isinstance(text, str) or not _CELL_RANGE.match(text.strip().upper()):
        return None
    min_col, min_row, max_col, max_row = range_boundaries(text.strip().upper())
    if min_col is None or min_row is None or max_col is None or max_row is None:
        return None
    if min_col > max_col or min_row > max_row:
        return None
    if (max_col - min_col + 1) * (max_row - min_row + 1) > MAX_RANGE_CELLS:
        return None
    return min_col, min_row, max_col, max_row


def range_cells(text: str) -> list[str]:
    """The cells of a valid range, row by row ("F2", "F3", ...)."""
    bounds = parse_range(text)
    if bounds is None:
        return []
    min_col, min_row, max_col, max_row = bounds
    return [
        f"{get_column_letter(col)}{row}"
        for row in range(min_row, max_row + 1)
        for col in range(min_col, max_col + 1)
    ]


def formula_text(value: Any) -> str | None:
    """The formula a cell holds ("=SUM(C2:E2)"), or None for a plain value."""
    if isinstance(value, ArrayFormula):
        return value.text if isinstance(value.text, str) else None
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return value
    return None


def normal_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def same_value(got: Any, want: Any, tolerance: float) -> bool:
    """Whether two computed cell values are the same: numbers within the tolerance, text
    in NFC without surrounding spaces, an empty text the same as an empty cell."""
    if got == "":
        got = None
    if want == "":
        want = None
    if isinstance(got, bool) or isinstance(want, bool):
        return got is want
    if isinstance(got, int | float) and isinstance(want, int | float):
        return abs(float(got) - float(want)) <= tolerance + 1e-9
    if isinstance(got, str) and isinstance(want, str):
        return normal_text(got) == normal_text(want)
    return bool(got == want)


def row_key(values: list[Any]) -> tuple[Any, ...]:
    """A row's values in a form that compares equal when the cells read the same (1200
    and 1200.0, text in NFC), for counting rows as a multiset."""
    key: list[Any] = []
    for value in values:
        if value == "":
            value = None
        if isinstance(value, bool):
            key.append(("b", value))
        elif isinstance(value, int | float):
            key.append(("n", round(float(value), 9)))
        elif isinstance(value, str):
            key.append(("s", normal_text(value)))
        elif isinstance(value, datetime | date | time):
            key.append(("d", value.isoformat()))
        elif value is None:
            key.append(("", None))
        else:
            key.append(("?", str(value)))
    return tuple(key)


def vi_number(value: float) -> str:
    """A number as a Vietnamese reads it: 1.234,5 (thousands dot, decimal comma)."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def shown(value: Any) -> str:
    """A computed value in a reason: numbers the Vietnamese way, dates dd/mm/yyyy, an
    empty cell said so."""
    if value is None or value == "":
        return _("empty")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return vi_number(float(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return f"“{normal_text(str(value))[:40]}”"


def _refuse_archive(data: bytes, extension: str) -> None:
    """Raises BookRefused for a file that is not of its kind or carries macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {item.filename for item in archive.infolist()}
        if extension == ".ods":
            if "mimetype" not in names or not archive.read("mimetype").startswith(_ODS_MIMETYPE):
                raise BookRefused(_("The file is not an OpenDocument spreadsheet (.ods)."))
            if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                raise BookRefused(_("The file contains macros: save it again without macros."))
            unpacked = sum(item.file_size for item in archive.infolist())
            if unpacked > int(settings.XLSX_MAX_UNPACKED_MB) * 2**20:
                raise BookRefused(_("The file is far too large once unpacked: it is not graded."))
            return
        types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, KeyError):
        raise BookRefused(_("The file is damaged or is not a spreadsheet.")) from None
    if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
        raise BookRefused(_("The file contains macros: save it again without macros."))


def _as_xlsx(data: bytes, extension: str) -> bytes:
    """The leader's file as .xlsx bytes, refused with the reason when it cannot be read."""
    if not data:
        raise BookRefused(_("The file is empty."))
    if extension not in (".xlsx", ".ods"):
        raise BookRefused(_("Only .xlsx or .ods files are graded."))
    if not data.startswith(b"PK\x03\x04"):
        raise BookRefused(_("The file is damaged or is not a spreadsheet."))
    _refuse_archive(data, extension)
    if extension == ".ods":
        try:
            data = office.convert_bytes(data, ".ods", "xlsx")
        except DomainError as error:
            raise BookRefused(error.message) from None
    problem = workbook_problem(data)
    if problem is not None:
        raise BookRefused(problem.message)
    return data


def _load(xlsx: bytes, *, data_only: bool = False) -> Workbook:
    try:
        return load_workbook(io.BytesIO(xlsx), data_only=data_only, keep_links=False)
    # openpyxl lets through whatever its zip and XML readers raise on a damaged file.
    except Exception as error:
        logger.info("openpyxl could not read a practical spreadsheet: %r", error)
        raise BookRefused(_("The file is damaged or is not a spreadsheet.")) from None


def _sheet(book: Workbook, name: str | None) -> Worksheet:
    """The graded sheet: the starter's sheet by name, else the first worksheet."""
    if name and name in book.sheetnames and isinstance(book[name], Worksheet):
        return book[name]
    for sheet in book.worksheets:
        if isinstance(sheet, Worksheet):
            return sheet
    raise BookRefused(_("The workbook has no worksheet."))


def expected_formula(formula: str, row: int) -> str:
    """The author's expected formula for a row, in the English syntax a file stores:
    {row} replaced, and a formula written the Vietnamese way ("=ROUND(C2/3;2)", with
    semicolons and decimal commas) turned into "=ROUND(C2/3,2)"."""
    parts = re.split(r'("(?:[^"]|"")*")', formula.replace("{row}", str(row)))
    if any(";" in part for part in parts[::2]):
        for index in range(0, len(parts), 2):
            part = re.sub(r"(?<=\d),(?=\d)", ".", parts[index])
            parts[index] = part.replace(";", ",")
    text = "".join(parts).strip()
    return text if text.startswith("=") else f"={text}"


def _recalculated(
    xlsx: bytes, sheet_name: str, keys: Mapping[int, tuple[str, str]]
) -> tuple[Worksheet, dict[int, Worksheet]]:
    """The graded sheet and each key sheet (criterion index -> (cells, expected formula)),
    computed by LibreOffice in one run. Raises DomainError or BookRefused."""
    book = _load(xlsx)
    sheet = _sheet(book, sheet_name)
    for worksheet in book.worksheets:
        # Charts and pictures play no part in the values; openpyxl writing them back is
        # one more way for an odd file to fail.
        if isinstance(worksheet, Worksheet):
            worksheet._charts = []  # type: ignore[attr-defined]
            worksheet._images = []  # type: ignore[attr-defined]
    for index, (cells, formula) in keys.items():
        copy = book.copy_worksheet(sheet)
        copy.title = _KEY_SHEET.format(index)
        for cell in range_cells(cells):
            copy[cell] = expected_formula(formula, copy[cell].row)
    output = io.BytesIO()
    book.save(output)
    computed = _load(office.convert_bytes(output.getvalue(), ".xlsx", "xlsx"), data_only=True)
    values = _sheet(computed, sheet.title)
    found = {index: _sheet(computed, _KEY_SHEET.format(index)) for index in keys}
    if any(key.title != _KEY_SHEET.format(index) for index, key in found.items()):
        raise BookRefused(_("LibreOffice could not open the file."))
    return values, found


def open_book(
    data: bytes, extension: str, sheet_name: str | None, keys: Mapping[int, tuple[str, str]]
) -> Book:
    """The leader's workbook read for grading; raises BookRefused with the reason when it
    cannot be graded at all. A failed recalculation is kept in `recalc_error`, so that what
    needs no value (formulas written, formats, the filter, the chart) is still graded."""
    xlsx = _as_xlsx(data, extension.lower())
    formulas = _sheet(_load(xlsx), sheet_name)
    if formulas.max_row > MAX_ROWS or formulas.max_column > MAX_COLUMNS:
        raise BookRefused(
            _("The sheet is far larger than the task's table (%(rows)s rows): it is not graded.")
            % {"rows": f"{formulas.max_row:,}".replace(",", ".")}
        )
    book = Book(xlsx=xlsx, formulas=formulas)
    try:
        book.values, book.keys = _recalculated(xlsx, formulas.title, keys)
    except DomainError as error:
        book.recalc_error = error.message
    except BookRefused as error:
        book.recalc_error = str(error)
    # Saving or reading back an odd workbook can fail anywhere in openpyxl.
    except Exception as error:
        logger.warning("Recalculating a practical spreadsheet failed: %r", error)
        book.recalc_error = _("LibreOffice could not open the file.")
    return book


def normal_format(code: str | None) -> str:
    """A number format's first section without what does not change how the number
    reads: colours and locale tags ([Red], [$-42A]), padding and fill (_) *), quoted
    text and spaces; lower case (DD/MM/YYYY reads as dd/mm/yyyy)."""
    code = code or "General"
    section = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', code)[0]
    section = re.sub(r'"[^"]*"', "", section)
    section = re.sub(r"\[[^\]]*\]", "", section)
    section = re.sub(r"\\.|_.|\*.", "", section)
    return section.replace(" ", "").lower()


def decimals_of(code: str | None) -> int | None:
    """How many decimals a number format shows (None: General or not a number format)."""
    section = normal_format(code)
    if not re.search(r"[0#?]", section):
        return None
    match = re.search(r"\.([0#?]+)", section)
    return len(match.group(1)) if match else 0

"""What the Excel imports and exports share: the file layout, reading and writing a sheet,
the checks of single cells and the importer's scope."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sathach.core.errors import ImportErrors
from sathach.core.spreadsheets import (
    SpreadsheetRefused,
    open_workbook,
    sheet_column,
    sheet_rows,
    workbook_problem,
)
from sathach.core.text import fold, nfc
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import units_for_user

Problem = tuple[int, str, str]

MAX_ROWS = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
# An .xlsx of MAX_ROWS rows is far smaller; reading stops here so that a file padded with
# empty rows cannot keep the server busy.
MAX_SCANNED_ROWS = MAX_ROWS * 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GUIDE_SHEET = "Hướng dẫn"
# The command line imports with every unit in reach; the audit log records it as "cli".
CLI_ACTOR = "cli"
# Width of the official codes at each level; a code typed as a number loses its leading zeros.
CODE_WIDTH = {1: 2, 2: 3, 3: 5}

DAMAGED = gettext_noop("The file cannot be read as an Excel workbook; it may be damaged.")
_CODE = re.compile(r"[0-9]{1,10}")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    # Stored as text, so that Excel keeps the leading zeros of codes and phone numbers.
    text: bool = False


@dataclass(frozen=True)
class SheetSpec:
    """One data sheet. Column titles are Vietnamese whatever the interface language, so that
    a file exported under one language imports under the other."""

    name: str
    columns: tuple[Column, ...]

    @property
    def titles(self) -> list[str]:
        return [column.title for column in self.columns]


@dataclass(frozen=True)
class SheetRow:
    number: int
    values: dict[str, Any]
    # The column letter of each title in this file ("Mã đơn vị" → "C"), for the messages.
    letters: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    # Extra facts for the audit entry (the era of units, …).
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def describe(self) -> str:
        return (
            _(
                "%(rows)s rows imported: %(created)s added, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % self.as_dict()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            **self.details,
        }


# Reading ---------------------------------------------------------------------------------


def choice_key(value: str) -> str:
    """Compare labels and codes without case, diacritics, dashes or brackets."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(value)).split())


def read_sheet(content: bytes, spec: SheetSpec) -> tuple[list[SheetRow], list[Problem]]:
    """The non-empty data rows of `spec`'s sheet, or the header problems of row 1.

    A file that cannot be read at all raises ImportErrors with a message and no rows.
    """
    if len(content) > MAX_FILE_BYTES:
        raise ImportErrors(
            _("The file is larger than %(size)s MB; split it into several files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)},
            [],
        )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        # An .xlsx is a zip archive: one cut short still starts like one.
        if content.startswith(b"PK"):
            raise ImportErrors(_(DAMAGED), [])
        raise ImportErrors(_("This file is not an Excel workbook (.xlsx)."), [])
    problem = workbook_problem(content)
    if problem is not None:
        raise ImportErrors(problem.message, [])
    sheet_name, raw, truncated = _raw_rows(content, spec.name)
    if sheet_name is None:
        raise ImportErrors(_("The workbook has no sheet “%(sheet)s”.") % {"sheet": spec.name}, [])
    if truncated:
        raise ImportErrors(
            _("The file has more than %(count)s rows; split it into several files.")
            % {"count": MAX_ROWS},
            [],
        )
    header = raw[0][1] if raw and raw[0][0] == 1 else ()
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        positions.setdefault(choice_key(cell_text(value)), index)
    problems: list[Problem] = [
        (1, title, _("This column is missing from row 1 (the column titles)."))
        for title in spec.titles
        if choice_key(title) not in positions
    ]
    if problems:
        return [], problems
    letters = {title: get_column_letter(positions[choice_key(title)] + 1) for title in spec.titles}
    rows = []
    for number, values in raw:
        if number == 1:
            continue
        cells = {
            title: values[positions[choice_key(title)]]
            if positions[choice_key(title)] < len(values)
            else None
            for title in spec.titles
        }
        rows.append(SheetRow(number, cells, letters))
    return rows, []


def _raw_rows(
    content: bytes, wanted: str
) -> tuple[str | None, list[tuple[int, tuple[Any, ...]]], bool]:
    """(sheet name, non-empty rows with their numbers, whether the row cap was passed)."""
    try:
        workbook = open_workbook(content)
    except SpreadsheetRefused:
        raise ImportErrors(_(DAMAGED), []) from None
    try:
        names = {choice_key(name): name for name in workbook.sheetnames}
        name = names.get(choice_key(wanted)) or next(
            (n for n in workbook.sheetnames if choice_key(n) != choice_key(GUIDE_SHEET)), None
        )
        if name is None:
            return None, [], False
        rows: list[tuple[int, tuple[Any, ...]]] = []
        scanned = sheet_rows(workbook[name], max_rows=MAX_SCANNED_ROWS)
        for number, values in enumerate(scanned, start=1):
            if any(cell_text(value) for value in values):
                rows.append((number, tuple(values)))
                if len(rows) > MAX_ROWS + 1:
                    return name, rows, True
        return name, rows, False
    except SpreadsheetRefused:  # past MAX_SCANNED_ROWS
        return name, rows, True
    except Exception:
        raise ImportErrors(_(DAMAGED), []) from None
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A cell as NFC text with single spaces; whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def cell_code(value: Any) -> str | None:
    """The digits of an official code, or None when the cell holds something else."""
    text = cell_text(value)
    return text if _CODE.fullmatch(text) else None


def code_variants(code: str, levels: Iterable[int] = (1, 2, 3)) -> set[str]:
    return {code} | {code.zfill(CODE_WIDTH[level]) for level in levels}


def cell_phone(value: Any) -> str | None:
    """The phone number without separators, or None when it is not 9 to 12 digits."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = cell_text(value)
        # Excel turns 0912345678 typed into a number cell into 912345678.
        if 9 <= len(digits) <= 10 and not digits.startswith("84"):
            digits = "0" + digits
        value = digits
    phone = re.sub(r"[\s.\-()]", "", cell_text(value))
    number = phone.removeprefix("+")
    if not (number.isascii() and number.isdigit() and 9 <= len(number) <= 12):
        return None
    return phone


def cell_email(value: Any) -> str | None:
    email = cell_text(value).lower()
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def choice_lookup(choices: type[models.Choices]) -> dict[str, str]:
    """Map the keys of every code and label (Vietnamese and English) to the stored value."""
    lookup: dict[str, str] = {}
    for value in choices.values:
        lookup[choice_key(str(value))] = str(value)
    for language in ("vi", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(choice_key(str(label)), str(value))
    return lookup


def vi_labels(choices: type[models.Choices]) -> dict[str, str]:
    """The Vietnamese label of each value: files are Vietnamese whatever the interface."""
    with translation.override("vi"):
        return {str(value): str(label) for value, label in choices.choices}


def import_failed(
    problems: list[Problem], spec: SheetSpec, rows: Sequence[SheetRow] = ()
) -> ImportErrors:
    """The refusal of a file, its problems in the order of the rows and columns, with the
    letters of the file's columns (from its rows) to say where each one is."""
    order = {title: index for index, title in enumerate(spec.titles)}
    problems = sorted(problems, key=lambda problem: (problem[0], order.get(problem[1], 0)))
    return ImportErrors(
        ngettext(
            "The file has %(count)s mistake.", "The file has %(count)s mistakes.", len(problems)
        )
        % {"count": len(problems)},
        problems,
        dict(rows[0].letters) if rows else {},
    )


def located_problems(error: ImportErrors) -> list[Problem]:
    """The problems with each column named as the sheet shows it: "C (Mã đơn vị)"."""
    return [
        (row, sheet_column(error.letters.get(column, ""), column), message)
        for row, column, message in error.problems
    ]


def problem_line(row: int, column: str, message: str) -> str:
    return _("Row %(row)s, column %(column)s: %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


def error_lines(error: ImportErrors) -> list[str]:
    """What the command line prints for a refused file: each problem, then the verdict."""
    lines = [problem_line(*problem) for problem in located_problems(error)]
    lines.append(f"{error.message} {_('No row was imported.')}")
    return lines


def nothing_to_import() -> ImportErrors:
    return ImportErrors(_("The file has no rows below the column titles."), [])


# Scope -----------------------------------------------------------------------------------


def is_cli(actor: Any) -> bool:
    return isinstance(actor, str) and actor == CLI_ACTOR


def scope_units(actor: Any, perm: str) -> QuerySet[AdministrativeUnit]:
    """The units `actor` may act on: all of them for the command line."""
    if is_cli(actor):
        return AdministrativeUnit.objects.all()
    return units_for_user(actor, perm)


def is_unrestricted(actor: Any) -> bool:
    return is_cli(actor) or bool(getattr(actor, "is_superuser", False) and actor.is_active)


def default_era(actor: Any, perm: str) -> str:
    """The era of the actor's units when they all share one, else the divisions of 2020."""
    eras = set(scope_units(actor, perm).order_by().values_list("era", flat=True).distinct())
    if len(eras) == 1:
        return eras.pop()
    return AdministrativeUnit.Era.BEFORE_2025


def common_unit(units: Iterable[AdministrativeUnit]) -> AdministrativeUnit | None:
    """The deepest unit containing all of `units`: the audit entry is filed under it."""
    common: list[str] | None = None
    for unit in units:
        ids = unit.path.strip("/").split("/")
        if common is None:
            common = ids
            continue
        length = 0
        while length < min(len(common), len(ids)) and common[length] == ids[length]:
            length += 1
        common = common[:length]
    if not common or not common[-1]:
        return None
    return AdministrativeUnit.objects.filter(pk=int(common[-1])).first()


# Writing ---------------------------------------------------------------------------------


def build_workbook(
    spec: SheetSpec,
    rows: Iterable[Sequence[Any]],
    *,
    guide: Sequence[str],
    choices: Mapping[str, Sequence[str]],
) -> bytes:
    """The data sheet (frozen header, autofilter, drop-down lists) and the guide sheet.

    `choices` maps a column title to its allowed values, listed on the guide sheet, which the
    column's drop-down list refers to. Written in streaming mode, so that an export of a
    whole province stays small in memory.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.name)
    for index, column in enumerate(spec.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.text:
            # Cells typed later into the column are text too.
            dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    header = []
    for title in spec.titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for values in rows:
        cells = []
        for column, value in zip(spec.columns, values, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if column.text:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    last = get_column_letter(len(spec.columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    _write_guide(workbook, spec, sheet, guide, choices, max(count, MAX_ROWS) + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_guide(
    workbook: Workbook,
    spec: SheetSpec,
    sheet: Any,
    guide: Sequence[str],
    choices: Mapping[str, Sequence[str]],
    last_row: int,
) -> None:
    """Instructions in column A; each list of allowed values in its own column from C."""
    page = workbook.create_sheet(GUIDE_SHEET)
    page.column_dimensions["A"].width = 100
    page.column_dimensions["B"].width = 3
    lists = list(choices.items())
    for offset in range(len(lists)):
        page.column_dimensions[get_column_letter(3 + offset)].width = 34
    bold = Font(bold=True)
    height = max([len(guide), *(len(values) + 1 for _title, values in lists)])
    for line in range(height):
        cells: list[Any] = []
        text = guide[line] if line < len(guide) else None
        cell = WriteOnlyCell(page, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if line == 0:
            cell.font = bold
        cells += [cell, None]
        for title, values in lists:
            value = title if line == 0 else (values[line - 1] if line <= len(values) else None)
            item = WriteOnlyCell(page, value=value)
            if line == 0:
                item.font = bold
            cells.append(item)
        page.append(cells)
    for offset, (title, values) in enumerate(lists):
        source = get_column_letter(3 + offset)
        target = get_column_letter(spec.titles.index(title) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{GUIDE_SHEET}'!${source}$2:${source}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=title,
            error=_("Choose one of the values listed on the sheet “%(sheet)s”.")
            % {"sheet": GUIDE_SHEET},
        )
        validation.add(f"{target}2:{target}{last_row}")
        sheet.data_validations.append(validation)

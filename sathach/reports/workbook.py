"""Sheets of a workbook and their rendering to .xlsx (openpyxl).

Each sheet has two title rows (the campaign's code and title, then what the sheet holds), a
header row that stays frozen and carries the auto filter, and typed cells: numbers stay
numbers, rates are fractions shown as percentages, dates are dates shown dd/mm/yyyy.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

PERCENT = "0.00%"
DATE = "dd/mm/yyyy"
INTEGER = "0"
DECIMAL = "General"  # 36, 9.5: no trailing zeros, no trailing point
TEXT = "@"
HEADER_ROW = 4  # rows 1-2: titles, row 3: empty, row 4: the header

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


@dataclass(frozen=True)
class SheetColumn:
    header: str
    width: float
    number_format: str | None = None  # None: General


@dataclass
class Sheet:
    name: str  # at most 31 characters
    subtitle: str
    columns: list[SheetColumn]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local time, naive.
        return value.replace(tzinfo=None)
    return value


def render_xlsx(title: str, sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    workbook.properties.title = unicodedata.normalize("NFC", title)
    workbook.properties.language = "vi-VN"
    for sheet in sheets:
        worksheet = workbook.create_sheet(unicodedata.normalize("NFC", sheet.name)[:31])
        last_column = get_column_letter(len(sheet.columns))
        worksheet["A1"] = _value(title)
        worksheet["A1"].font = Font(bold=True, size=13)
        worksheet["A2"] = _value(sheet.subtitle)
        worksheet["A2"].font = Font(italic=True, size=11)
        worksheet.merge_cells(f"A1:{last_column}1")
        worksheet.merge_cells(f"A2:{last_column}2")
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=HEADER_ROW, column=index, value=_value(column.header))
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        worksheet.row_dimensions[HEADER_ROW].height = 45
        for row_index, row in enumerate(sheet.rows, start=HEADER_ROW + 1):
            for index, (value, column) in enumerate(zip(row, sheet.columns, strict=True), start=1):
                if isinstance(value, Decimal) and column.number_format in (None, DECIMAL):
                    value = float(value)
                cell = worksheet.cell(row=row_index, column=index, value=_value(value))
                cell.border = _BORDER
                if column.number_format and value is not None:
                    cell.number_format = column.number_format
                if isinstance(value, str):
                    cell.alignment = Alignment(vertical="top", wrap_text=True)
        last_row = HEADER_ROW + max(len(sheet.rows), 1)
        worksheet.freeze_panes = f"A{HEADER_ROW + 1}"
        worksheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"
        for offset, note in enumerate(sheet.notes, start=2):
            worksheet.cell(row=last_row + offset, column=1, value=_value(note)).font = Font(
                italic=True
            )
        worksheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        worksheet.page_setup.orientation = "landscape"
        worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

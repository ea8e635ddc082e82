"""Answers to the demo's practical tasks, made the way a leader would make them: a document
laid out in the decree's layout with python-docx, a workbook completed with openpyxl, a
typed passage. Each comes right (what the task asks, built from its own starter and
criteria) or with the mistakes leaders typically make (the starter's font and margins left,
no indent, a formula copied without relative references, no formats, no chart).

The demo's practice round uploads them for a few leaders, so that the proctor's page shows
real files and gradings; the tests use the right ones to prove each task's criteria can be
met."""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from sathach.practical import kinds

# The typed name of the leader's file, by kind.
FILE_NAMES = {"document": "bai-lam.docx", "spreadsheet": "bai-lam.xlsx"}

_KIND_NAMES = ("THÔNG BÁO", "TỜ TRÌNH", "KẾ HOẠCH", "BÁO CÁO", "QUYẾT ĐỊNH")
_PLACE_DATE = re.compile(r"^[^,]{1,60}, ngày .* tháng .* năm", re.IGNORECASE)


def _lines(starter: dict[str, Any]) -> list[str]:
    title = str(starter.get("title") or "").strip()
    text = [line.strip() for line in str(starter.get("text") or "").splitlines()]
    return [line for line in [title, *text] if line]


def _run(paragraph: Any, text: str, *, size: float, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    return run


def _page_number_header(section: Any) -> None:
    """A PAGE field centred in the header of the later pages; none on the first page."""
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    header._p.append(field)


def document_answer(data: dict[str, Any], *, right: bool = True) -> bytes:
    """The task's starter laid out in the layout of Nghị định 30/2020 (Phụ lục I), or, not
    `right`, with the usual mistakes: Arial, the starter's margins, the body in 12 pt,
    left-aligned, without indent or spacing, the date upright, no page numbers."""
    lines = _lines(data.get("starter") or {})
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    if right:
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    doc.styles["Normal"].font.name = "Times New Roman" if right else "Arial"
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    body_size = 14 if right else 12
    index = lines.index("Nơi nhận:") if "Nơi nhận:" in lines else len(lines)
    after_kind = False
    for number, line in enumerate(lines[:index]):
        paragraph = doc.add_paragraph()
        upper = line == line.upper()
        if number == 0 or line.startswith("CỘNG HÒA"):  # the issuing body
            _run(paragraph, line, size=13, bold=True)
            paragraph.alignment = center
        elif line.startswith("Độc lập"):
            _run(paragraph, line, size=14, bold=True)
            paragraph.alignment = center
        elif line.startswith(("Số:", "V/v")):
            _run(paragraph, line, size=13 if line.startswith("Số:") else 12)
            paragraph.alignment = center
        elif _PLACE_DATE.match(line):
            _run(paragraph, line, size=14, italic=right)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif line in _KIND_NAMES or after_kind:
            _run(paragraph, line, size=14, bold=True)
            paragraph.alignment = center
        elif line.startswith("Kính gửi"):
            _run(paragraph, line, size=14)
            paragraph.alignment = center
        else:
            _run(paragraph, line, size=body_size, bold=upper)
            if right:
                paragraph.alignment = justify
                form = paragraph.paragraph_format
                form.first_line_indent = Cm(1.27)
                form.space_before, form.space_after = Pt(0), Pt(6)
                form.line_spacing = 1.15
        after_kind = line in _KIND_NAMES
    _closing(doc, lines[index:])
    if right:
        _page_number_header(section)
    output = io.BytesIO()
    doc.save(output)
    return output.getvalue()


def _closing(doc: Any, lines: list[str]) -> None:
    """Nơi nhận (12 pt bold italic, its list in 11 pt) on the left, the signer on the
    right, in a borderless table as a Công văn's last block is."""
    if not lines:
        return
    recipients = [lines[0]] + [line for line in lines[1:] if line.startswith("-")]
    signer = [line for line in lines[1:] if not line.startswith("-")]
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    _run(first, recipients[0], size=12, bold=True, italic=True)
    for line in recipients[1:]:
        _run(left.add_paragraph(), line, size=11)
    for number, line in enumerate(signer):
        paragraph = right.paragraphs[0] if number == 0 else right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, line, size=14, bold=True)


# Spreadsheets ----------------------------------------------------------------------------


def _file_syntax(formula: str) -> str:
    """A formula written the Vietnamese way (semicolons) in the syntax a file stores."""
    parts = re.split(r'("[^"]*")', formula)
    return "".join(part if part.startswith('"') else part.replace(";", ",") for part in parts)


def _bounds(reference: str) -> tuple[int, int, int, int]:
    """The first column, first row, last column and last row of an A1 range."""
    low_col, low_row, high_col, high_row = range_boundaries(reference.upper())
    return int(low_col or 1), int(low_row or 1), int(high_col or 1), int(high_row or 1)


def _cells(reference: str) -> list[tuple[int, int]]:
    low_col, low_row, high_col, high_row = _bounds(reference)
    return [
        (row, col) for row in range(low_row, high_row + 1) for col in range(low_col, high_col + 1)
    ]


def _sort(sheet: Any, params: dict[str, Any]) -> None:
    low_col, low_row, high_col, high_row = _bounds(str(params["range"]))
    key = column_index_from_string(str(params["column"]).upper())
    rows = [
        [sheet.cell(row, col).value for col in range(low_col, high_col + 1)]
        for row in range(low_row, high_row + 1)
    ]
    rows.sort(key=lambda r: r[key - low_col], reverse=params.get("order") == "desc")
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=low_col):
            sheet.cell(low_row + offset, col).value = value


def spreadsheet_answer(data: dict[str, Any], *, right: bool = True) -> bytes:
    """The task's starter workbook completed as its criteria ask (the rows sorted first,
    then the expected formulas, the formats, the filter and a column chart), or, not
    `right`, with the first formula copied without relative references, no formats, no
    filter and no chart."""
    made = kinds.starter_file("spreadsheet", data)
    if made is None:
        raise ValueError("the task has no starter workbook")
    book = load_workbook(io.BytesIO(made))
    sheet: Any = book[str((data.get("starter") or {}).get("sheet"))]
    specs = [(str(s["key"]), dict(s.get("params") or {})) for s in data["criteria"]]
    for key, params in specs:
        if key == "sorted":
            _sort(sheet, params)
    first_formula = True
    for key, params in specs:
        if key == "formula":
            cells = _cells(params["cells"])
            for row, col in cells:
                fixed = cells[0][0] if first_formula and not right else row
                expected = str(params["expected"]).replace("{row}", str(fixed))
                sheet.cell(row, col).value = _file_syntax(expected)
            first_formula = False
        elif key == "number_format" and right:
            wanted = params.get("format") or "0." + "0" * int(params.get("decimals", 0))
            for row, col in _cells(params["cells"]):
                sheet.cell(row, col).number_format = str(wanted).rstrip(".")
        elif key == "filter" and right:
            sheet.auto_filter.ref = params.get("range") or sheet.dimensions
        elif key == "chart" and right:
            chart = BarChart()
            chart.type = "bar" if params.get("type") == "bar" else "col"
            low_col, low_row, _high_col, high_row = _bounds(str(params["values"]))
            chart.add_data(
                Reference(
                    sheet, min_col=low_col, min_row=low_row, max_col=low_col, max_row=high_row
                )
            )
            if params.get("categories"):
                c_col, c_low, _c_high_col, c_high = _bounds(str(params["categories"]))
                chart.set_categories(
                    Reference(sheet, min_col=c_col, min_row=c_low, max_col=c_col, max_row=c_high)
                )
            sheet.add_chart(chart, "H2")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# Typing ------------------------------------------------------------------------------------


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", kept).replace("đ", "d").replace("Đ", "D")


def typed_answer(data: dict[str, Any], *, right: bool = True) -> dict[str, Any]:
    """The typing box's response: the passage typed at 30 words a minute, or, not `right`,
    at 15, its second half without diacritics, and one paste tried."""
    passage = str((data.get("starter") or {}).get("passage") or "")
    words = len(passage.split())
    if right:
        return {"text": passage, "ms": words * 2000, "pastes": 0}
    half = len(passage) // 2
    text = passage[:half] + _without_marks(passage[half:])
    return {"text": text, "ms": words * 4000, "pastes": 1}


def answer_file(kind: str, data: dict[str, Any], *, right: bool = True) -> bytes:
    """The file a leader uploads for a document or a spreadsheet task."""
    if kind == "document":
        return document_answer(data, right=right)
    if kind == "spreadsheet":
        return spreadsheet_answer(data, right=right)
    raise ValueError(f"no demo answer for {kind}")

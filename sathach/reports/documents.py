"""A small model of an administrative document (Nghị định 30/2020, Phụ lục I) and its two
renderings: Word (.docx, python-docx) and PDF (reportlab, Liberation Serif, which has the
metrics of Times New Roman and every Vietnamese letter).

An exporter builds a `Document` once; both renderings read the same blocks, so the Word file
and the PDF say the same thing in the same layout. Every string is NFC-normalised here, on
its way into either file.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Phụ lục I, Phần I: A4 portrait; margins top and bottom 20-25 mm, left 30-35, right 15-20.
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 20.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 30.0
MARGIN_RIGHT_MM = 15.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
FONT_NAME = "Times New Roman"
# The first-line indent of the body (1 cm or 1.27 cm) and the space between paragraphs.
FIRST_LINE_INDENT_MM = 12.7
PARAGRAPH_SPACE_PT = 6.0
BODY_SIZE = 14.0
PAGE_NUMBER_SIZE = 13.0

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


def text(value: str) -> str:
    return unicodedata.normalize("NFC", value)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass
class Para:
    runs: list[Run]
    size: float = BODY_SIZE
    align: str = "justify"  # justify, center, left, right
    first_indent_mm: float = 0.0
    space_before: float = 0.0
    space_after: float = PARAGRAPH_SPACE_PT
    line_spacing: float = 1.15
    keep_with_next: bool = False


@dataclass
class Rule:
    """A horizontal line under a heading, `width_mm` long, centred in its column."""

    width_mm: float


@dataclass
class Column:
    header: str
    width_mm: float
    align: str = "left"


@dataclass
class Table:
    """A data table with a bold header row, repeated on every page."""

    columns: list[Column]
    rows: list[list[str]]
    size: float = 12.0


@dataclass
class Columns:
    """Borderless side-by-side columns: the header (cơ quan | quốc hiệu) and the end
    (nơi nhận | chữ ký). They never break across pages; a paragraph before them with
    `keep_with_next` goes to their page."""

    widths_mm: list[float]
    cells: list[list[Block]]


@dataclass
class Image:
    """A picture (PNG bytes), centred, `width_mm` wide unless that would make it taller than
    `max_height_mm`; its description is the alternative text."""

    data: bytes
    width_mm: float
    description: str = ""
    max_height_mm: float = 200.0
    keep_with_next: bool = True  # with its caption

    def size_mm(self) -> tuple[float, float]:
        from PIL import Image as Picture

        with Picture.open(io.BytesIO(self.data)) as picture:
            width, height = picture.size
        scale = min(self.width_mm / width, self.max_height_mm / height)
        return width * scale, height * scale


Block = Para | Rule | Table | Columns | Image


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    author: str = ""

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def para(
    value: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    **options: Any,
) -> Para:
    """A paragraph of one run of text."""
    return Para([Run(value, bold, italic, underline)], **options)


def body(value: str, **options: Any) -> Para:
    """A body paragraph: justified, first line indented."""
    options.setdefault("first_indent_mm", FIRST_LINE_INDENT_MM)
    return para(value, **options)


def date_line(place: str, day: datetime.date | None) -> str:
    """ "Cù Lao Dung, ngày 05 tháng 9 năm 2020": days below 10 and months 1 and 2 padded.
    Without a date the line leaves room for the Văn thư to write it by hand."""
    if day is None:
        gap = "\u00a0" * 6  # no-break spaces: a PDF keeps them
        return f"{place}, ngày {gap} tháng {gap} năm 20{gap}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# Word ------------------------------------------------------------------------------------


def render_docx(document: Document) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    word = WordDocument()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    normal = word.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)
    word.core_properties.title = text(document.title)
    word.core_properties.author = text(document.author)
    word.core_properties.language = "vi-VN"
    _docx_page_numbers(section)
    # A new document holds one empty paragraph; it is reused for the first block.
    first = word.paragraphs[0] if word.paragraphs else None
    _docx_blocks(word, document.blocks, TEXT_WIDTH_MM, first)
    if document.blocks and isinstance(document.blocks[-1], Columns):
        # Word wants the body to end with a paragraph, not a table.
        _docx_para(word.add_paragraph(), Para([Run("")], size=1, space_after=0, line_spacing=1.0))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _docx_page_numbers(section: object) -> None:
    """Arabic page numbers centred in the top margin, none on the first page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    paragraph = section.header.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.name = FONT_NAME
    run.font.size = Pt(PAGE_NUMBER_SIZE)
    for kind, instruction in (("begin", None), (None, "PAGE"), ("end", None)):
        if instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), str(kind))
        run._r.append(element)


def _docx_alignment(align: str) -> object:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]


def _docx_blocks(
    container: object, blocks: Sequence[Block], width_mm: float, first: object = None
) -> None:
    """Append the blocks to a document or a table cell; `first` is an empty paragraph
    already there, used for the first paragraph-like block."""
    for block in blocks:
        if isinstance(block, (Para, Rule, Image)):
            paragraph = first if first is not None else container.add_paragraph()  # type: ignore[attr-defined]
            first = None
            if isinstance(block, Para):
                _docx_para(paragraph, block)
            elif isinstance(block, Image):
                _docx_image(paragraph, block)
            else:
                _docx_rule(paragraph, block, width_mm)
        elif isinstance(block, Table):
            _docx_table(container, block)
        else:
            _docx_columns(container, block)
    if first is not None:
        # A cell whose blocks are all tables keeps its empty paragraph; make it tiny.
        _docx_para(first, Para([Run("")], size=1, space_after=0, line_spacing=1.0))  # type: ignore[arg-type]


def _docx_para(paragraph: object, block: Para) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    fmt = paragraph.paragraph_format  # type: ignore[attr-defined]
    paragraph.alignment = _docx_alignment(block.align)  # type: ignore[attr-defined]
    fmt.first_line_indent = Mm(block.first_indent_mm) if block.first_indent_mm else None
    fmt.space_before = Pt(block.space_before)
    fmt.space_after = Pt(block.space_after)
    fmt.line_spacing = block.line_spacing
    fmt.keep_with_next = block.keep_with_next
    for part in block.runs:
        # A line break inside a run becomes a Word line break.
        lines = text(part.text).split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)  # type: ignore[attr-defined]
            run.bold = part.bold
            run.italic = part.italic
            run.underline = part.underline
            run.font.name = FONT_NAME
            run.font.size = Pt(block.size)
            run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)
            if index < len(lines) - 1:
                run.add_break()


def _docx_image(paragraph: object, block: Image) -> None:
    from docx.shared import Mm, Pt

    _docx_para(
        paragraph,
        Para(
            [],
            align="center",
            space_before=6,
            space_after=0,
            line_spacing=1.0,
            keep_with_next=block.keep_with_next,
        ),
    )
    width, height = block.size_mm()
    run = paragraph.add_run()  # type: ignore[attr-defined]
    shape = run.add_picture(io.BytesIO(block.data), width=Mm(width), height=Mm(height))
    shape._inline.docPr.set("descr", text(block.description))
    paragraph.paragraph_format.space_after = Pt(2)  # type: ignore[attr-defined]


# The elements of w:pPr that come after w:pBdr (ECMA-376 CT_PPrBase), which keep their order.
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _docx_rule(paragraph: object, block: Rule, width_mm: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    fmt = paragraph.paragraph_format  # type: ignore[attr-defined]
    side = max((width_mm - block.width_mm) / 2, 0)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(4)
    fmt.line_spacing = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        top.set(qn(f"w:{name}"), value)
    borders.append(top)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _docx_cell_width(cell: object, width_mm: float) -> None:
    from docx.shared import Mm

    cell.width = Mm(width_mm)  # type: ignore[attr-defined]


def _docx_table(container: object, block: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = container.add_table(rows=1 + len(block.rows), cols=len(block.columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    # The header row repeats on every page.
    header_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_pr.append(repeat)
    for index, column in enumerate(block.columns):
        cell = header.cells[index]
        _docx_cell_width(cell, column.width_mm)
        _docx_para(
            cell.paragraphs[0],
            Para(
                [Run(column.header, bold=True)],
                size=block.size,
                align="center",
                space_after=0,
                line_spacing=1.0,
            ),
        )
    for row_index, values in enumerate(block.rows, start=1):
        cells = table.rows[row_index].cells
        for index, column in enumerate(block.columns):
            _docx_cell_width(cells[index], column.width_mm)
            _docx_para(
                cells[index].paragraphs[0],
                Para(
                    [Run(values[index])],
                    size=block.size,
                    align=column.align,
                    space_after=0,
                    line_spacing=1.0,
                ),
            )
    # A paragraph after a table keeps the next table or text from sticking to it.
    if hasattr(container, "add_paragraph"):
        _docx_para(
            container.add_paragraph(),  # type: ignore[attr-defined]
            Para([Run("")], size=6, space_after=0, line_spacing=1.0),
        )


def _docx_columns(container: object, block: Columns) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement

    table = container.add_table(rows=1, cols=len(block.widths_mm))  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # The row never breaks across pages (the PDF's one-row table cannot either): a
    # signature block stays whole, and with the paragraph kept with it.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for index, width in enumerate(block.widths_mm):
        cell = table.rows[0].cells[index]
        _docx_cell_width(cell, width)
        _docx_blocks(cell, block.cells[index], width, cell.paragraphs[0])


# PDF -------------------------------------------------------------------------------------

"""The PDF rendering of an administrative document (reportlab, Liberation Serif, which has
the metrics of Times New Roman and every Vietnamese letter); the model and the Word rendering
are `reports/documents.py`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings

from sathach.reports.documents import (
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    PAGE_HEIGHT_MM,
    PAGE_NUMBER_SIZE,
    TEXT_WIDTH_MM,
    Block,
    Document,
    Image,
    Para,
    Rule,
    Run,
    Table,
    text,
)

PDF_FONTS = {
    "ReportSerif": "LiberationSerif-Regular.ttf",
    "ReportSerif-Bold": "LiberationSerif-Bold.ttf",
    "ReportSerif-Italic": "LiberationSerif-Italic.ttf",
    "ReportSerif-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}


def _pdf_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in PDF_FONTS.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(settings.PDF_FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        "ReportSerif",
        normal="ReportSerif",
        bold="ReportSerif-Bold",
        italic="ReportSerif-Italic",
        boldItalic="ReportSerif-BoldItalic",
    )


def render_pdf(document: Document) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    _pdf_fonts()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT_MM * mm,
        rightMargin=MARGIN_RIGHT_MM * mm,
        topMargin=MARGIN_TOP_MM * mm,
        bottomMargin=MARGIN_BOTTOM_MM * mm,
        title=text(document.title),
        author=text(document.author),
        # The same bytes for the same document: no creation time, no random id.
        invariant=True,
    )

    def page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("ReportSerif", PAGE_NUMBER_SIZE)
        centre = (MARGIN_LEFT_MM + TEXT_WIDTH_MM / 2) * mm
        canvas.drawCentredString(centre, (PAGE_HEIGHT_MM - 12) * mm, str(doc.page))
        canvas.restoreState()

    template.build(
        _pdf_blocks(document.blocks, TEXT_WIDTH_MM),
        onFirstPage=lambda canvas, doc: None,
        onLaterPages=page_number,
    )
    return buffer.getvalue()


def _pdf_markup(block: Para) -> str:
    parts = []
    for run in block.runs:
        value = escape(text(run.text)).replace("\n", "<br/>")
        if run.underline:
            value = f"<u>{value}</u>"
        if run.italic:
            value = f"<i>{value}</i>"
        if run.bold:
            value = f"<b>{value}</b>"
        parts.append(value)
    return "".join(parts) or "&nbsp;"


def _pdf_para(block: Para) -> object:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    alignments: dict[str, Any] = {
        "left": TA_LEFT,
        "center": TA_CENTER,
        "right": TA_RIGHT,
        "justify": TA_JUSTIFY,
    }
    style = ParagraphStyle(
        "block",
        fontName="ReportSerif",
        fontSize=block.size,
        leading=block.size * 1.2 * block.line_spacing,
        alignment=alignments[block.align],
        firstLineIndent=block.first_indent_mm * mm,
        spaceBefore=block.space_before,
        spaceAfter=block.space_after,
        keepWithNext=block.keep_with_next,
    )
    return Paragraph(_pdf_markup(block), style)


def _pdf_blocks(blocks: Sequence[Block], width_mm: float) -> list[Any]:
    from reportlab.lib.colors import black
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable
    from reportlab.platypus import Table as PdfTable

    flowables: list[Any] = []
    for block in blocks:
        if isinstance(block, Para):
            flowables.append(_pdf_para(block))
        elif isinstance(block, Rule):
            flowables.append(
                HRFlowable(
                    width=block.width_mm * mm,
                    thickness=0.5,
                    color=black,
                    hAlign="CENTER",
                    spaceBefore=3,
                    spaceAfter=4,
                )
            )
        elif isinstance(block, Table):
            flowables.extend(_pdf_table(block))
        elif isinstance(block, Image):
            flowables.append(_pdf_image(block))
        else:
            data = [
                [
                    _pdf_blocks(cell, width)
                    for cell, width in zip(block.cells, block.widths_mm, strict=True)
                ]
            ]
            table = PdfTable(data, colWidths=[w * mm for w in block.widths_mm])
            table.setStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    # Centres the short rules; paragraphs align themselves.
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 1),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
            flowables.append(table)
    return flowables


def _pdf_image(block: Image) -> object:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image as PdfImage

    width, height = block.size_mm()
    image = PdfImage(io.BytesIO(block.data), width=width * mm, height=height * mm)
    image.hAlign = "CENTER"
    image.spaceBefore = 6
    image.keepWithNext = block.keep_with_next
    return image


def _pdf_table(block: Table) -> list[Any]:
    from reportlab.lib.colors import black
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table as PdfTable

    def cell(value: str, align: str, bold: bool = False) -> object:
        return _pdf_para(
            Para(
                [Run(value, bold=bold)],
                size=block.size,
                align=align,
                space_after=0,
                line_spacing=1.0,
            )
        )

    data = [[cell(column.header, "center", bold=True) for column in block.columns]]
    data += [
        [cell(value, column.align) for value, column in zip(row, block.columns, strict=True)]
        for row in block.rows
    ]
    table = PdfTable(data, colWidths=[c.width_mm * mm for c in block.columns], repeatRows=1)
    table.setStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )
    return [table, Spacer(1, 6)]

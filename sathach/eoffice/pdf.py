"""Documents of the sandbox as PDFs in the layout of Nghị định 30/2020, Phụ lục I: quốc hiệu
and tiêu ngữ, cơ quan ban hành, số and ký hiệu, địa danh and date, tên loại and trích yếu,
body, nơi nhận, and the signer's block with the place of the signature between chức vụ and
họ tên. reportlab with Liberation Serif (metric-compatible with Times New Roman, every
Vietnamese letter), all text NFC.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import black, red
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from sathach.core.text import nfc

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONTS = {
    "Serif": "LiberationSerif-Regular.ttf",
    "Serif-Bold": "LiberationSerif-Bold.ttf",
    "Serif-Italic": "LiberationSerif-Italic.ttf",
    "Serif-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}
MM = 72 / 25.4
WIDTH, HEIGHT = A4
LEFT = 30 * MM
RIGHT = WIDTH - 20 * MM
TOP = HEIGHT - 20 * MM
BOTTOM = 20 * MM
LEFT_CENTRE = LEFT + 88
RIGHT_CENTRE = 410.0
LEFT_WIDTH = 176.0
SIGN_CENTRE = 420.0
SIGN_WIDTH = 160.0
SIGN_HEIGHT = 70.0


def _register_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in FONTS.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        "Serif",
        normal="Serif",
        bold="Serif-Bold",
        italic="Serif-Italic",
        boldItalic="Serif-BoldItalic",
    )


def vn_date_line(place: str, day: datetime.date) -> str:
    """ "Cù Lao Dung, ngày 05 tháng 8 năm 2020": days below 10 and months 1 and 2 padded."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_upper(text: str) -> str:
    return nfc(text).upper()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    sign_page: int
    sign_box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Layout:
    """What a document prints, with the placeholders already filled in."""

    doc_type_title: str
    number: str
    issuer_parent: str
    issuer: str
    date_line: str
    subject: str
    urgency_stamp: str
    recipient_line: str
    body: list[str]
    recipients: list[str]
    signer_title: list[str]
    signer_name: str
    signed_mark: bool  # an incoming document shows "(Đã ký)" in the signer's place


def _style(
    size: float, font: str = "Serif", align: Any = TA_JUSTIFY, **extra: Any
) -> ParagraphStyle:
    extra.setdefault("leading", size * 1.3)
    return ParagraphStyle(
        name=f"{font}-{size}-{align}", fontName=font, fontSize=size, alignment=align, **extra
    )


def _centred(page: canvas.Canvas, text: str, x: float, y: float, font: str, size: float) -> float:
    page.setFont(font, size)
    page.drawCentredString(x, y, text)
    return pdfmetrics.stringWidth(text, font, size)


def _underline(page: canvas.Canvas, x: float, y: float, width: float) -> None:
    page.setLineWidth(0.6)
    page.line(x - width / 2, y, x + width / 2, y)


def render(layout: Layout) -> Rendered:
    """Draw the document; return it with the signer's place (page from 0, box in points)."""
    _register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(nfc(f"{layout.number} {layout.subject}"))
    page.setAuthor(nfc(layout.issuer))
    page.setFillColor(black)

    # Box 2: governing body and issuing body, top left; box 1: quốc hiệu, tiêu ngữ, top right.
    y = TOP + 10
    for text, font in ((layout.issuer_parent, "Serif"), (layout.issuer, "Serif-Bold")):
        if not text:
            continue
        lines = "<br/>".join(escape(vn_upper(line)) for line in text.split("\n"))
        para = Paragraph(lines, _style(12, font, TA_CENTER, leading=14.5))
        _w, h = para.wrap(LEFT_WIDTH, 200)
        para.drawOn(page, LEFT_CENTRE - LEFT_WIDTH / 2, y - h)
        y -= h
    _underline(page, LEFT_CENTRE, y - 3, 70)
    _centred(page, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", RIGHT_CENTRE, TOP, "Serif-Bold", 12)
    motto = _centred(page, "Độc lập - Tự do - Hạnh phúc", RIGHT_CENTRE, TOP - 15, "Serif-Bold", 13)
    _underline(page, RIGHT_CENTRE, TOP - 19, motto)
    y = min(y - 3, TOP - 19) - 20
    _centred(page, f"Số: {layout.number}", LEFT_CENTRE, y, "Serif", 13)
    _centred(page, layout.date_line, RIGHT_CENTRE, y, "Serif-Italic", 13)
    y -= 8
    if not layout.doc_type_title:  # công văn: "V/v …" under the number
        para = Paragraph(escape(f"V/v {layout.subject}"), _style(12, align=TA_CENTER))
        _w, h = para.wrap(210, 200)
        para.drawOn(page, LEFT_CENTRE - 105, y - h)
        y -= h + 4
    if layout.urgency_stamp:
        page.setStrokeColor(red)
        page.setFillColor(red)
        page.setLineWidth(1.2)
        stamp_w = pdfmetrics.stringWidth(layout.urgency_stamp, "Serif-Bold", 13) + 16
        page.rect(LEFT + 10, y - 24, stamp_w, 20)
        page.setFont("Serif-Bold", 13)
        page.drawString(LEFT + 18, y - 19, layout.urgency_stamp)
        page.setStrokeColor(black)
        page.setFillColor(black)
        y -= 28
    y -= 14
    if layout.doc_type_title:
        _centred(page, layout.doc_type_title, WIDTH / 2 + 15, y, "Serif-Bold", 14)
        y -= 4
        para = Paragraph(f"<b>{escape(layout.subject)}</b>", _style(13, align=TA_CENTER))
        _w, h = para.wrap(RIGHT - LEFT - 40, 300)
        para.drawOn(page, LEFT + 20, y - h)
        y -= h + 4
        _underline(page, WIDTH / 2 + 15, y, 100)
        y -= 18
    if layout.recipient_line:
        para = Paragraph(f"Kính gửi: {escape(layout.recipient_line)}", _style(13, align=TA_CENTER))
        _w, h = para.wrap(RIGHT - LEFT - 60, 200)
        para.drawOn(page, LEFT + 30, y - h)
        y -= h + 12

    page_index = 0
    body_style = _style(13, firstLineIndent=1 * 28.35, spaceAfter=6)

    def new_page() -> float:
        nonlocal page_index
        page.showPage()
        page_index += 1
        page.setFont("Serif", 13)
        page.drawCentredString(WIDTH / 2, HEIGHT - 12 * MM, str(page_index + 1))
        return TOP

    for text in layout.body:
        para = Paragraph(escape(text), body_style)
        _w, h = para.wrap(RIGHT - LEFT, HEIGHT)
        if y - h < BOTTOM:
            y = new_page()
        para.drawOn(page, LEFT, y - h)
        y -= h + 6

    # The signer's block and nơi nhận side by side; together they need about 150 points.
    title_lines = layout.signer_title
    block = 16 * len(title_lines) + SIGN_HEIGHT + 30
    recipients_height = 14 + 13 * len(layout.recipients)
    if y - max(block, recipients_height) - 10 < BOTTOM:
        y = new_page()
    y -= 10
    top = y
    page.setFont("Serif-BoldItalic", 12)
    page.drawString(LEFT, y, "Nơi nhận:")
    page.setFont("Serif", 11)
    ry = y - 14
    for line in layout.recipients:
        page.drawString(LEFT, ry, line)
        ry -= 13
    sy = top
    for line in title_lines:
        _centred(page, line, SIGN_CENTRE, sy, "Serif-Bold", 13)
        sy -= 16
    box = (
        SIGN_CENTRE - SIGN_WIDTH / 2,
        sy - SIGN_HEIGHT + 8,
        SIGN_CENTRE + SIGN_WIDTH / 2,
        sy + 8,
    )
    if layout.signed_mark:
        _centred(page, "(Đã ký)", SIGN_CENTRE, sy - SIGN_HEIGHT / 2 + 8, "Serif-Italic", 13)
    _centred(page, layout.signer_name, SIGN_CENTRE, sy - SIGN_HEIGHT - 6, "Serif-Bold", 13)
    page.showPage()
    page.save()
    return Rendered(
        pdf=buffer.getvalue(),
        sign_page=page_index,
        sign_box=tuple(round(v, 1) for v in box),  # type: ignore[arg-type]
    )

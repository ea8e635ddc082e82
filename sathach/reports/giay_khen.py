"""The Giấy khen and the Bằng khen: one A4 landscape page each, in the layout of Nghị
định 98/2023, Điều 104 (the Giấy khen; NĐ 152/2025 keeps the same lines, docs/REPORTS.md).

Top down, centred: the emblem, the Quốc hiệu and Tiêu ngữ (bold, black), the title of who
awards it (upper case, bold, red), "TẶNG" (black), "GIẤY KHEN" (upper case, bold, red),
then the recipient, its address and the achievement (black). At the bottom left the
decision's number and date and the gold-book number (bold italic); at the bottom right
the place and date (bold italic), the signer's title (upper case, bold), the space where
the digital signature goes, and the signer's name. A decorative border frames the page.

The page is drawn with reportlab in Liberation Serif (Times New Roman metrics, every
Vietnamese letter); the Quốc huy itself is not reproduced: a print shop's pre-printed
sheet carries it, and the page marks its place with a plain emblem of the same size.

A Bằng khen of a province Chairman reads the same lines with "BẰNG KHEN" on the fifth, and
has what Điều 104 denies the Giấy khen: an ornament at each corner outside the border and
a band between the emblem and the border.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from sathach.core.text import nfc

RED = Color(0.78, 0.05, 0.05)
GOLD = Color(0.78, 0.6, 0.16)
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
Box = tuple[float, float, float, float]
ACHIEVEMENT_LINES = 4  # what fits between the recipient and the signature block

FONTS = {
    "Serif": "LiberationSerif-Regular.ttf",
    "Serif-Bold": "LiberationSerif-Bold.ttf",
    "Serif-Italic": "LiberationSerif-Italic.ttf",
    "Serif-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}


@dataclass(frozen=True)
class GiayKhen:
    """What one certificate says; every field is printed as given (NFC)."""

    authority_title: str  # "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CÙ LAO DUNG"
    recipient: str  # "Ủy ban nhân dân xã An Thạnh 1"
    address: str  # "Huyện Cù Lao Dung, tỉnh Sóc Trăng"
    achievement: str  # "Đã có thành tích xuất sắc trong …"
    decision: str  # "Quyết định số 125/QĐ-UBND ngày 15/12/2020"
    gold_book: str  # "Số sổ vàng: 01/GK"
    place_date: str  # "Cù Lao Dung, ngày 15 tháng 12 năm 2020"
    signer_title: str  # "CHỦ TỊCH"
    signer_name: str  # "Nguyễn Văn A"
    award: str = "GIẤY KHEN"  # or "BẰNG KHEN"

    @property
    def is_bang_khen(self) -> bool:
        return self.award == "BẰNG KHEN"


@dataclass(frozen=True)
class RenderedGiayKhen:
    pdf: bytes
    signature_box: Box  # where the signer's digital signature goes, in points, page 0


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    folder = Path(settings.PDF_FONT_DIR)
    for name, file in FONTS.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))


def _centred(canvas: Canvas, text: str, y: float, font: str, size: float, color: Color) -> None:
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, nfc(text))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in nfc(text).split():
        candidate = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit(text: str, font: str, width: float, most: int) -> tuple[float, list[str]]:
    """The largest size from 15 pt down to 11 pt at which the text takes at most `most`
    lines, so that a long achievement never runs into the signature block."""
    _register_fonts()
    size = 15.0
    lines = _wrap(text, font, size, width)
    while len(lines) > most and size > 11:
        size -= 0.5
        lines = _wrap(text, font, size, width)
    return size, lines


def _border(canvas: Canvas) -> None:
    """Two frames in red and gold with a band of small diamonds between them."""
    outer, inner = 16.0, 34.0
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(3.5)
    canvas.rect(outer, outer, PAGE_WIDTH - 2 * outer, PAGE_HEIGHT - 2 * outer)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.rect(inner, inner, PAGE_WIDTH - 2 * inner, PAGE_HEIGHT - 2 * inner)
    canvas.rect(inner + 4, inner + 4, PAGE_WIDTH - 2 * inner - 8, PAGE_HEIGHT - 2 * inner - 8)
    middle = (outer + inner) / 2
    step, half = 14.0, 4.0

    def diamond(x: float, y: float) -> None:
        path = canvas.beginPath()
        path.moveTo(x, y + half)
        path.lineTo(x + half, y)
        path.lineTo(x, y - half)
        path.lineTo(x - half, y)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)

    canvas.setFillColor(GOLD)
    x = middle
    while x <= PAGE_WIDTH - middle + 0.1:
        diamond(x, middle)
        diamond(x, PAGE_HEIGHT - middle)
        x += step
    y = middle + step
    while y <= PAGE_HEIGHT - middle - step + 0.1:
        diamond(middle, y)
        diamond(PAGE_WIDTH - middle, y)
        y += step
    canvas.setFillColor(RED)
    for cx in (inner + 14, PAGE_WIDTH - inner - 14):
        for cy in (inner + 14, PAGE_HEIGHT - inner - 14):
            canvas.circle(cx, cy, 5, stroke=0, fill=1)


def _emblem(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    """The emblem's place: a gold ring around a red disc with a gold five-pointed star."""
    canvas.setFillColor(GOLD)
    canvas.circle(cx, cy, radius, stroke=0, fill=1)
    canvas.setFillColor(RED)
    canvas.circle(cx, cy, radius * 0.78, stroke=0, fill=1)
    canvas.setFillColor(GOLD)
    outer, inner = radius * 0.55, radius * 0.22
    path = canvas.beginPath()
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        point = (cx + r * math.cos(angle), cy + r * math.sin(angle))
        if i == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _bang_khen_ornaments(canvas: Canvas, emblem_y: float) -> None:
    """The Bằng khen's own marks: a gold fan in each corner outside the inner frame, and a
    red band under the emblem that joins it to the top border."""
    canvas.setFillColor(GOLD)
    for cx, cy, start in (
        (0, 0, 0),
        (PAGE_WIDTH, 0, 90),
        (PAGE_WIDTH, PAGE_HEIGHT, 180),
        (0, PAGE_HEIGHT, 270),
    ):
        for radius in (44.0, 36.0, 28.0):
            canvas.setFillColor(GOLD if radius != 36.0 else RED)
            canvas.wedge(
                cx - radius, cy - radius, cx + radius, cy + radius, start, 90, stroke=0, fill=1
            )
    canvas.setFillColor(RED)
    canvas.rect(PAGE_WIDTH / 2 - 16, emblem_y, 32, PAGE_HEIGHT - 34 - emblem_y, stroke=0, fill=1)
    canvas.setFillColor(GOLD)
    canvas.rect(PAGE_WIDTH / 2 - 8, emblem_y, 16, PAGE_HEIGHT - 34 - emblem_y, stroke=0, fill=1)


def render_giay_khen(certificate: GiayKhen) -> RenderedGiayKhen:
    """One Giấy khen (or Bằng khen) as a PDF page, with the box its signer's signature goes
    in."""
    _register_fonts()
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    name = "Bằng khen" if certificate.is_bang_khen else "Giấy khen"
    canvas.setTitle(nfc(f"{name} - {certificate.recipient}"))
    canvas.setAuthor(nfc(certificate.authority_title))
    _border(canvas)
    top = PAGE_HEIGHT - 52
    if certificate.is_bang_khen:
        _bang_khen_ornaments(canvas, top - 26)
    _emblem(canvas, PAGE_WIDTH / 2, top - 26, 26)
    y = top - 72
    _centred(canvas, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", y, "Serif-Bold", 14, black)
    y -= 18
    motto = nfc("Độc lập - Tự do - Hạnh phúc")
    _centred(canvas, motto, y, "Serif-Bold", 14, black)
    width = pdfmetrics.stringWidth(motto, "Serif-Bold", 14)
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.7)
    canvas.line((PAGE_WIDTH - width) / 2, y - 4, (PAGE_WIDTH + width) / 2, y - 4)
    y -= 34
    for line in _wrap(certificate.authority_title.upper(), "Serif-Bold", 16, 620):
        _centred(canvas, line, y, "Serif-Bold", 16, RED)
        y -= 20
    y -= 6
    _centred(canvas, "TẶNG", y, "Serif", 15, black)
    y -= 44
    _centred(canvas, certificate.award, y, "Serif-Bold", 38, RED)
    y -= 38
    _centred(canvas, certificate.recipient, y, "Serif-Bold", 20, black)
    y -= 22
    _centred(canvas, certificate.address, y, "Serif-Italic", 14, black)
    y -= 24
    size, lines = _fit(certificate.achievement, "Serif", 600, ACHIEVEMENT_LINES)
    for line in lines:
        _centred(canvas, line, y, "Serif", size, black)
        y -= size * 1.27

    bottom = 58.0
    canvas.setFillColor(black)
    canvas.setFont("Serif-BoldItalic", 12.5)
    canvas.drawString(72, bottom + 40, nfc(certificate.decision))
    canvas.drawString(72, bottom + 22, nfc(certificate.gold_book))

    right_centre = PAGE_WIDTH - 215
    canvas.setFont("Serif-BoldItalic", 13)
    title_y = bottom + 118
    canvas.drawCentredString(right_centre, title_y + 20, nfc(certificate.place_date))
    canvas.setFont("Serif-Bold", 13)
    canvas.drawCentredString(right_centre, title_y, nfc(certificate.signer_title.upper()))
    canvas.drawCentredString(right_centre, bottom + 22, nfc(certificate.signer_name))
    box = (right_centre - 80, bottom + 40, right_centre + 80, title_y - 8)
    canvas.showPage()
    canvas.save()
    return RenderedGiayKhen(pdf=output.getvalue(), signature_box=box)

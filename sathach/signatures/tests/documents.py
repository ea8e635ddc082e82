"""PDFs for the signature tests, made with reportlab in Liberation Serif (every Vietnamese
letter): an outgoing draft with the signer's place marked."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
SIGNER_BOX = (340.0, 170.0, 500.0, 240.0)


def draft_pdf(title: str = "BÁO CÁO Kết quả thực hiện cải cách hành chính năm 2020") -> bytes:
    if "LiberationSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("LiberationSerif", FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("LiberationSerif", 13)
    page.drawString(72, 760, "ỦY BAN NHÂN DÂN XÃ ĐẠI ÂN 1")
    page.drawString(72, 700, title)
    page.drawString(72, 670, "Ủy ban nhân dân xã báo cáo kết quả như sau: …")
    page.drawCentredString(420, 250, "CHỦ TỊCH")
    page.drawCentredString(420, 150, "Trần Thị Ngân")
    page.showPage()
    page.save()
    return buffer.getvalue()

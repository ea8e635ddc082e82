"""The printed exam cards of a session: one A6 card per leader, four to an A4 sheet.

A card tells a leader where and when to sit the test and how to sign in. Like the credentials
sheet (organization.credentials), it is a Vietnamese administrative paper: its wording is
fixed Vietnamese whatever the interface language of whoever prints it, and it shares that
sheet's fonts (Liberation 2, with every Vietnamese letter).

A leader's photo (`Person.photo`, added on the person's form) is printed at the card's top
right, 3x4; a card without one leaves no empty frame.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from sathach.core.errors import DomainError
from sathach.core.text import fold
from sathach.exams.models import Attempt, ExamSession
from sathach.organization.credentials import TIME_ZONE, _fit, _register_fonts, _text
from sathach.organization.models import Person
from sathach.organization.services import IssuedCredential, examinees_credentials_issue

TITLE = "THẺ DỰ KIỂM TRA"
SUBTITLE = "Kiểm tra kỹ năng tin học"
PASSWORD_ELSEWHERE = "Mật khẩu đã cấp riêng"
NO_ACCOUNT = "Chưa có tài khoản"
QR_CAPTION = "Quét mã để mở trang đăng nhập"
PASSWORD_NOTE = "Lần đăng nhập đầu tiên phải đặt mật khẩu mới; không đưa thẻ cho người khác."

PAGE_WIDTH, PAGE_HEIGHT = A4
CARD_WIDTH = PAGE_WIDTH / 2  # 105 mm: an A6 card
CARD_HEIGHT = PAGE_HEIGHT / 2  # 148.5 mm
CARDS_PER_PAGE = 4
PADDING = 7 * mm
LABEL_WIDTH = 27 * mm
QR_SIZE = 30 * mm
PHOTO_WIDTH = 21 * mm
PHOTO_HEIGHT = 28 * mm
# The rows beside the photo: name, position, unit, session, date.
ROWS_BESIDE_PHOTO = 5
MUTED = Color(0.35, 0.4, 0.45)
SHADE = Color(0.93, 0.94, 0.96)
CUT_MARK = 5 * mm


@dataclass(frozen=True)
class Card:
    """What one card says, gathered before drawing so that the order is decided once."""

    person: Person
    username: str
    password: str


def _card_origin(slot: int) -> tuple[float, float]:
    """The bottom-left corner of the card in `slot` (0 top-left, 1 top-right, 2, 3 below)."""
    column, row = slot % 2, slot // 2
    return column * CARD_WIDTH, PAGE_HEIGHT - (row + 1) * CARD_HEIGHT


def card_qr_area(slot: int) -> tuple[float, float, float, float]:
    """The QR code's box (x, y, width, height in points, from the page's bottom-left) on the
    card in `slot`: the drawing and the tests agree on it."""
    x, y = _card_origin(slot)
    return x + CARD_WIDTH - PADDING - QR_SIZE, y + PADDING + 4 * mm, QR_SIZE, QR_SIZE


def _cut_marks(canvas: Canvas) -> None:
    """Short marks at the page's middle edges and a cross at its centre, outside any text."""
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    cx, cy = PAGE_WIDTH / 2, PAGE_HEIGHT / 2
    canvas.line(cx, PAGE_HEIGHT, cx, PAGE_HEIGHT - CUT_MARK)
    canvas.line(cx, 0, cx, CUT_MARK)
    canvas.line(0, cy, CUT_MARK, cy)
    canvas.line(PAGE_WIDTH, cy, PAGE_WIDTH - CUT_MARK, cy)
    canvas.line(cx - CUT_MARK, cy, cx + CUT_MARK, cy)
    canvas.line(cx, cy - CUT_MARK, cx, cy + CUT_MARK)
    canvas.restoreState()


def _qr(canvas: Canvas, value: str, box: tuple[float, float, float, float]) -> None:
    widget = QrCodeWidget(value, barLevel="M", barBorder=0)
    left, bottom, right, top = widget.getBounds()
    x, y, width, height = box
    drawing = Drawing(
        width, height, transform=[width / (right - left), 0, 0, height / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def _wrap_chars(value: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `value` cut anywhere: an address has no spaces for simpleSplit to break at."""
    lines = [""]
    for ch in value:
        if lines[-1] and pdfmetrics.stringWidth(lines[-1] + ch, font, size) > width:
            lines.append("")
        lines[-1] += ch
    return lines


def card_photo_area(slot: int) -> tuple[float, float, float, float]:
    """The photo's box (x, y, width, height in points) on the card in `slot`: at the right,
    just below the heading's rule. The drawing and the tests agree on it."""
    x, y = _card_origin(slot)
    top = y + CARD_HEIGHT - PADDING - 5 * mm - 5 * mm - 3 * mm - 2 * mm
    return x + CARD_WIDTH - PADDING - PHOTO_WIDTH, top - PHOTO_HEIGHT, PHOTO_WIDTH, PHOTO_HEIGHT


def _photo(canvas: Canvas, person: Person, box: tuple[float, float, float, float]) -> bool:
    """Draw the person's photo (cropped to 3x4) with a thin frame; False when none or
    when its file cannot be read (the card is printed without it)."""
    if not person.photo:
        return False
    try:
        with person.photo.open("rb") as file, Image.open(file) as image:
            picture = ImageOps.fit(image.convert("RGB"), (300, 400))
    except (OSError, ValueError):
        return False
    x, y, width, height = box
    canvas.drawImage(ImageReader(picture), x, y, width, height)
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, width, height)
    return True


def _row(
    canvas: Canvas,
    x: float,
    y: float,
    label: str,
    value: str,
    font: str,
    size: float,
    narrower: float = 0,
) -> None:
    canvas.setFillColor(MUTED)
    canvas.setFont("Sans", 8)
    canvas.drawString(x, y, label)
    canvas.setFillColor(black)
    width = CARD_WIDTH - 2 * PADDING - LABEL_WIDTH - narrower
    canvas.setFont(font, _fit(value, font, size, width, smallest=6))
    canvas.drawString(x + LABEL_WIDTH, y, value)


def _draw_card(
    canvas: Canvas,
    slot: int,
    card: Card,
    session: ExamSession,
    login_url: str,
    number: int,
    total: int,
) -> None:
    x0, y0 = _card_origin(slot)
    left = x0 + PADDING
    right = x0 + CARD_WIDTH - PADDING
    y = y0 + CARD_HEIGHT - PADDING - 5 * mm
    canvas.setFillColor(black)
    canvas.setFont("Serif-Bold", 15)
    canvas.drawCentredString(x0 + CARD_WIDTH / 2, y, TITLE)
    y -= 5 * mm
    canvas.setFont("Serif-Italic", 9.5)
    heading = f"{SUBTITLE} — Kế hoạch số {_text(session.campaign.code)}"
    canvas.setFont("Serif-Italic", _fit(heading, "Serif-Italic", 9.5, right - left, smallest=6))
    canvas.drawCentredString(x0 + CARD_WIDTH / 2, y, heading)
    y -= 3 * mm
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.line(left, y, right, y)

    person = card.person
    with translation.override("vi"):
        position = str(person.get_position_display())
    opens = timezone.localtime(session.opens_at, TIME_ZONE)
    closes = timezone.localtime(session.closes_at, TIME_ZONE)
    rows = [
        ("Họ và tên:", _text(person.full_name), "Serif-Bold", 13, 7 * mm),
        ("Chức vụ:", _text(position), "Serif", 10.5, 5.5 * mm),
        ("Đơn vị:", _text(person.unit.name), "Serif", 10.5, 5.5 * mm),
        ("Ca kiểm tra:", _text(session.name), "Serif", 10.5, 7 * mm),
        ("Ngày:", opens.strftime("%d/%m/%Y"), "Serif-Bold", 11, 5.5 * mm),
        ("Giờ mở ca:", opens.strftime("%H:%M"), "Serif-Bold", 11, 5.5 * mm),
        ("Bắt đầu muộn nhất:", closes.strftime("%H:%M"), "Serif", 10.5, 5.5 * mm),
        ("Phòng:", _text(session.room) or "—", "Serif", 10.5, 5.5 * mm),
        ("Tên đăng nhập:", card.username or NO_ACCOUNT, "Mono-Bold", 11.5, 7 * mm),
    ]
    has_photo = _photo(canvas, person, card_photo_area(slot))
    for index, (label, value, font, size, height) in enumerate(rows):
        y -= height
        beside = has_photo and index < ROWS_BESIDE_PHOTO
        narrower = PHOTO_WIDTH + 2 * mm if beside else 0
        _row(canvas, left, y, label, value, font, size, narrower)

    y -= 7 * mm
    canvas.setFillColor(MUTED)
    canvas.setFont("Sans", 8)
    canvas.drawString(left, y, "Mật khẩu:")
    if card.password:
        canvas.setFont("Mono-Bold", 12)
        width = pdfmetrics.stringWidth(card.password, "Mono-Bold", 12) + 4 * mm
        canvas.setFillColor(SHADE)
        canvas.setStrokeColor(black)
        canvas.rect(left + LABEL_WIDTH - 2 * mm, y - 2 * mm, width, 6.5 * mm, fill=1)
        canvas.setFillColor(black)
        canvas.drawString(left + LABEL_WIDTH, y, card.password)
    else:
        canvas.setFillColor(black)
        canvas.setFont("Serif-Italic", 10.5)
        canvas.drawString(left + LABEL_WIDTH, y, PASSWORD_ELSEWHERE)

    qr_box = card_qr_area(slot)
    if login_url:
        _qr(canvas, login_url, qr_box)
        text_width = qr_box[0] - left - 3 * mm
        canvas.setFillColor(MUTED)
        canvas.setFont("Sans", 8)
        line_y = qr_box[1] + QR_SIZE - 3 * mm
        canvas.drawString(left, line_y, QR_CAPTION)
        canvas.setFont("Mono", 7.5)
        for line in _wrap_chars(login_url, "Mono", 7.5, text_width)[:3]:
            line_y -= 3.8 * mm
            canvas.drawString(left, line_y, line)
    canvas.setFillColor(MUTED)
    canvas.setFont("Serif-Italic", 8)
    note_y = qr_box[1] + 9 * mm
    for line in simpleSplit(PASSWORD_NOTE, "Serif-Italic", 8, qr_box[0] - left - 3 * mm):
        canvas.drawString(left, note_y, line)
        note_y -= 3.5 * mm
    canvas.setFont("Sans", 7.5)
    canvas.drawString(left, y0 + PADDING, f"Thẻ {number}/{total}")


def _cards(session: ExamSession, credentials: Iterable[IssuedCredential] | None) -> list[Card]:
    """The session's examinees sorted by commune, then Vietnamese given name (the roster's
    sort key), each with the account of their attempt (or of their person record)."""
    passwords = {item.person.pk: item.password for item in credentials or []}
    usernames = {
        attempt.person_id: attempt.user.username
        for attempt in Attempt.objects.filter(session=session).select_related("user")
    }
    people = sorted(
        session.examinees.select_related("unit", "user"),
        key=lambda p: (fold(p.unit.name), p.unit.pk, p.sort_key, p.pk),
    )
    return [
        Card(
            person,
            usernames.get(person.pk) or (person.user.username if person.user else ""),
            passwords.get(person.pk, ""),
        )
        for person in people
    ]


def session_cards_pdf(
    session: ExamSession,
    credentials: Iterable[IssuedCredential] | None = None,
    login_url: str = "",
) -> bytes:
    """The session's exam cards as A4 pages of four A6 cards (2 by 2, with cut marks).

    `credentials` are one-time passwords the caller has just issued: a card whose leader is
    among them prints the password, the others say it was given separately. `login_url` is
    the sign-in page's full address, printed and encoded as the card's QR code (the site's
    BASE_URL setting when not given). The sign-in page does not prefill a user name from its
    address, so the code holds the address alone.
    """
    cards = _cards(session, credentials)
    if not cards:
        raise DomainError(_("This session has no examinees yet."))
    _register_fonts(Path(settings.PDF_FONT_DIR))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{TITLE} — {_text(session.name)}")
    canvas.setAuthor("sathach")
    canvas.setSubject(SUBTITLE)
    login_url = _text(login_url or settings.BASE_URL + reverse("login"))
    for start in range(0, len(cards), CARDS_PER_PAGE):
        _cut_marks(canvas)
        for slot, card in enumerate(cards[start : start + CARDS_PER_PAGE]):
            number = start + slot + 1
            _draw_card(canvas, slot, card, session, login_url, number, len(cards))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def session_cards_with_passwords(
    *, actor: Any, session: ExamSession, reset_existing: bool, login_url: str = ""
) -> bytes:
    """The session's cards with one-time passwords: an examinee account for each leader
    without one and, with `reset_existing`, a new password for examinee-only accounts
    (`organization.services.examinees_credentials_issue`, audited). The passwords exist
    only in the PDF returned: issuing and drawing are one transaction, so a card that could
    not be drawn leaves no account with a password nobody saw."""
    if session.status == ExamSession.Status.CLOSED:
        raise DomainError(_("The session is closed."))
    with transaction.atomic():
        issued = examinees_credentials_issue(
            actor=actor,
            people=list(session.examinees.select_related("user", "unit")),
            obj=session,
            unit=session.campaign.issuing_unit,
            reset_existing=reset_existing,
        )
        return session_cards_pdf(session, issued, login_url=login_url)

"""The printed sheet of one-time examinee credentials: one cut-out slip per leader.

The sheet is a Vietnamese administrative paper handed to commune leaders, so its wording is
fixed Vietnamese and does not follow the interface language of whoever prints it; the
position labels come from the model's choices, rendered in Vietnamese.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from sathach.organization.models import AdministrativeUnit
from sathach.organization.services import IssuedCredential

# Font name -> file in settings.PDF_FONT_DIR (Debian fonts-liberation2, which has every
# Vietnamese letter; fonts-liberation 1.x lacks ơ, ư and most tone marks on them).
FONTS = {
    "Serif": "LiberationSerif-Regular.ttf",
    "Serif-Bold": "LiberationSerif-Bold.ttf",
    "Serif-Italic": "LiberationSerif-Italic.ttf",
    "Sans": "LiberationSans-Regular.ttf",
    "Sans-Bold": "LiberationSans-Bold.ttf",
    "Mono": "LiberationMono-Regular.ttf",
    "Mono-Bold": "LiberationMono-Bold.ttf",
}
TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

TITLE = "PHIẾU TÀI KHOẢN DỰ KIỂM TRA"
SUBTITLE = "Kiểm tra kỹ năng tin học và ứng dụng công nghệ thông tin trong xử lý công việc"
HANDLING_NOTE = (
    "Cắt theo đường kẻ đứt và trao tận tay từng người có tên trên phiếu. Mật khẩu chỉ được in "
    "một lần, hệ thống không lưu lại; giữ kín các phiếu cho đến khi trao."
)
SLIP_HEADING = "TÀI KHOẢN DỰ KIỂM TRA"
FIRST_LOGIN_NOTE = (
    "Lần đăng nhập đầu tiên, hệ thống yêu cầu ông/bà đặt mật khẩu mới của riêng mình; sau đó "
    "mật khẩu trên phiếu này không dùng được nữa. Không đưa phiếu hoặc mật khẩu cho người khác."
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 12 * mm
MARGIN_BOTTOM = 13 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
SLIP_PADDING = 4.5 * mm
LABEL_WIDTH = 46 * mm
MUTED = Color(0.35, 0.4, 0.45)
SHADE = Color(0.93, 0.94, 0.96)
SLIP_HEADING_HEIGHT = 5.5 * mm
NOTE_GAP = 1.5 * mm
NOTE_LEADING = 4.2 * mm


@lru_cache(maxsize=4)
def _register_fonts(font_dir: Path) -> None:
    """Register the TrueType fonts once per folder; reportlab's built-in fonts have no
    Vietnamese letters, so a missing file is a configuration error, not a fallback."""
    missing = [name for name in FONTS.values() if not (font_dir / name).is_file()]
    if missing:
        raise ImproperlyConfigured(
            f"PDF fonts missing from PDF_FONT_DIR={font_dir}: {', '.join(missing)}. "
            "Install Debian's fonts-liberation2 (make system) or point PDF_FONT_DIR at a "
            "folder holding the Liberation 2 fonts."
        )
    for name, filename in FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(font_dir / filename)))


def _text(value: str) -> str:
    # reportlab places the tone marks of decomposed (NFD) text wrongly.
    return unicodedata.normalize("NFC", value)


def _fit(value: str, font: str, size: float, width: float, smallest: float = 7) -> float:
    """The largest size up to `size` at which `value` fits in `width`."""
    while size > smallest and pdfmetrics.stringWidth(value, font, size) > width:
        size -= 0.5
    return size


@dataclass(frozen=True)
class _Row:
    label: str
    value: str
    font: str
    size: float
    height: float
    boxed: bool = False


def _slip_rows(
    item: IssuedCredential, unit_name: str, login_url: str
) -> tuple[list[_Row], list[str]]:
    with translation.override("vi"):
        position = str(item.person.get_position_display())
    rows = [
        _Row("Họ và tên:", _text(item.person.full_name), "Serif-Bold", 13, 7 * mm),
        _Row("Chức vụ:", _text(position), "Serif", 11.5, 6 * mm),
        _Row("Đơn vị:", unit_name, "Serif", 11.5, 6 * mm),
    ]
    if login_url:
        rows.append(_Row("Địa chỉ đăng nhập:", login_url, "Mono", 10.5, 6 * mm))
    rows += [
        _Row("Tên đăng nhập:", item.username, "Mono-Bold", 14, 7 * mm),
        _Row("Mật khẩu dùng một lần:", item.password, "Mono-Bold", 15, 9 * mm, boxed=True),
    ]
    note = simpleSplit(FIRST_LOGIN_NOTE, "Serif-Italic", 10, CONTENT_WIDTH - 2 * SLIP_PADDING)
    return rows, note


def _slip_height(rows: list[_Row], note: list[str]) -> float:
    return (
        2 * SLIP_PADDING
        + SLIP_HEADING_HEIGHT
        + sum(row.height for row in rows)
        + NOTE_GAP
        + len(note) * NOTE_LEADING
    )


def _cut_line(canvas: Canvas, y: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.6)
    canvas.setDash(4, 3)
    canvas.line(MARGIN_X - 8 * mm, y, PAGE_WIDTH - MARGIN_X + 8 * mm, y)
    canvas.restoreState()


def _draw_slip(
    canvas: Canvas, top: float, number: int, total: int, rows: list[_Row], note: list[str]
) -> None:
    left = MARGIN_X + SLIP_PADDING
    value_x = left + LABEL_WIDTH
    value_width = CONTENT_WIDTH - 2 * SLIP_PADDING - LABEL_WIDTH
    y = top - SLIP_PADDING - SLIP_HEADING_HEIGHT + 1.5 * mm
    canvas.setFillColor(black)
    canvas.setFont("Sans-Bold", 10)
    canvas.drawString(left, y, SLIP_HEADING)
    canvas.setFont("Sans", 9)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X - SLIP_PADDING, y, f"Phiếu {number}/{total}")
    y -= 1.5 * mm
    for row in rows:
        y -= row.height
        baseline = y + 0.3 * row.height
        size = _fit(row.value, row.font, row.size, value_width - 4 * mm)
        if row.boxed:
            canvas.setFillColor(SHADE)
            canvas.setStrokeColor(black)
            canvas.setLineWidth(0.8)
            width = pdfmetrics.stringWidth(row.value, row.font, size) + 6 * mm
            canvas.rect(value_x - 3 * mm, y + 0.5 * mm, width, row.height - 1 * mm, fill=1)
        canvas.setFillColor(MUTED)
        canvas.setFont("Sans", 9.5)
        canvas.drawString(left, baseline, row.label)
        canvas.setFillColor(black)
        canvas.setFont(row.font, size)
        canvas.drawString(value_x, baseline, row.value)
    y -= NOTE_GAP
    canvas.setFont("Serif-Italic", 10)
    for line in note:
        y -= NOTE_LEADING
        canvas.drawString(left, y + 1.2 * mm, line)


def _draw_header(canvas: Canvas, unit_label: str, date: str) -> float:
    """Draw the sheet's title block and return the y where the slips start."""
    y = PAGE_HEIGHT - MARGIN_TOP - 6 * mm
    canvas.setFillColor(black)
    canvas.setFont("Serif-Bold", 16)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, TITLE)
    y -= 6 * mm
    canvas.setFont("Serif-Italic", 11)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, SUBTITLE)
    y -= 9 * mm
    label = f"Đơn vị: {unit_label}"
    canvas.setFont("Serif", _fit(label, "Serif", 12, CONTENT_WIDTH))
    canvas.drawString(MARGIN_X, y, label)
    y -= 6 * mm
    canvas.setFont("Serif", 12)
    canvas.drawString(MARGIN_X, y, f"Ngày lập: {date}")
    canvas.setFont("Serif-Italic", 10)
    canvas.setFillColor(MUTED)
    for line in simpleSplit(HANDLING_NOTE, "Serif-Italic", 10, CONTENT_WIDTH):
        y -= 5 * mm
        canvas.drawString(MARGIN_X, y, line)
    return y - 6 * mm


def _draw_continuation_header(canvas: Canvas, unit_name: str) -> float:
    y = PAGE_HEIGHT - MARGIN_TOP - 4 * mm
    canvas.setFillColor(MUTED)
    canvas.setFont("Sans", 9)
    canvas.drawString(MARGIN_X, y, f"{TITLE} — {unit_name} (tiếp theo)")
    return y - 3 * mm


def _draw_footer(canvas: Canvas, page: int, pages: int) -> None:
    canvas.setFillColor(MUTED)
    canvas.setFont("Sans", 8.5)
    canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN_BOTTOM - 6 * mm, f"Trang {page}/{pages}")


def credentials_pdf(
    unit: AdministrativeUnit, issued: list[IssuedCredential], login_url: str = ""
) -> bytes:
    """Render the credentials just issued to `unit`'s leaders as an A4 sheet of slips.

    The passwords exist in clear only here and in the returned bytes: the caller sends them
    to the printer and keeps nothing.
    """
    _register_fonts(Path(settings.PDF_FONT_DIR))
    unit_name = _text(unit.name)
    unit_label = ", ".join(_text(u.name) for u in [unit, *reversed(unit.ancestors())])
    date = timezone.localtime(timezone.now(), TIME_ZONE).strftime("%d/%m/%Y")
    login_url = _text(login_url)
    slips = [_slip_rows(item, unit_name, login_url) for item in issued]

    # Lay the slips out first, so that every page can say "page n of N".
    pages: list[list[tuple[float, int]]] = [[]]
    top = _header_bottom(first=True)
    for index, (rows, note) in enumerate(slips):
        height = _slip_height(rows, note)
        if top - height < MARGIN_BOTTOM and pages[-1]:
            pages.append([])
            top = _header_bottom(first=False)
        pages[-1].append((top, index))
        top -= height

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{TITLE} — {unit_name}")
    canvas.setAuthor("sathach")
    canvas.setSubject(SUBTITLE)
    for page_number, placed in enumerate(pages, start=1):
        if page_number == 1:
            _draw_header(canvas, unit_label, date)
        else:
            _draw_continuation_header(canvas, unit_name)
        for top, index in placed:
            rows, note = slips[index]
            _cut_line(canvas, top)
            _draw_slip(canvas, top, index + 1, len(slips), rows, note)
            _cut_line(canvas, top - _slip_height(rows, note))
        _draw_footer(canvas, page_number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _header_bottom(*, first: bool) -> float:
    """Where the slips start on a page, measured on a throw-away canvas so that the layout
    pass and the drawing pass cannot disagree."""
    scratch = Canvas(io.BytesIO(), pagesize=A4)
    if first:
        return _draw_header(scratch, "", "")
    return _draw_continuation_header(scratch, "")

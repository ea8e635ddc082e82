"""The words and numbers of a document's text: the Vietnamese way of writing numbers in a
reason (25,4 mm), text compared as the leader means it (NFC, case, dashes), the lines of
the decree's layout found by their words, and which paragraphs are the body.

Which paragraphs are the body ("nội dung", box 6 of Phụ lục I): the paragraphs outside
tables, before the "Nơi nhận:" block, that hold text and are not one of the heading lines:
not centred or right-aligned (Quốc hiệu, tên loại, trích yếu, chữ ký), not written all in
capitals (tên cơ quan, chức vụ), not "Số: …", "V/v …", the place and date line, nor the
"Kính gửi:" line and the "- …" lines of its list just after it. The header block of a
Công văn is usually a borderless table; a leader who typed it as plain paragraphs gets the
same body, since those lines are centred or in capitals.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sathach.practical.graders.document_read import Docx, Para


def number(value: float) -> str:
    """A number as Vietnamese writes it: 25,4 or 1,27 (two decimals at most, none when whole)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def span(bounds: Iterable[float]) -> str:
    low, high = list(bounds)
    return number(low) if low == high else f"{number(low)}\u2013{number(high)}"


def sentence(parts: Iterable[str]) -> str:
    """Parts joined into one sentence: "; " between them, a capital first, a full stop."""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def within(value: float, bounds: Iterable[float], tolerance: float = 0.01) -> bool:
    low, high = list(bounds)
    return float(low) - tolerance <= value <= float(high) + tolerance


def normalized(text: str) -> str:
    """NFC, lower case, one space between words; "hoà" and "hòa" alike."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("oà", "òa").replace("oá", "óa").replace("oả", "ỏa")
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return " ".join(text.split())


# The whole line is a place and a date, the numbers possibly left blank for the signer.
PLACE_DATE = re.compile(r"^[^,]{1,60},\s*ngày\b[\s\d…._]*tháng\b[\s\d…._]*năm\b[\s\d…._]*$")
NUMBER = re.compile(r"^số\s*:")
NUMBER_FULL = re.compile(r"^số\s*:\s*[\d.…_ ]*/\s*[^\s/]+")
QUOC_HIEU = "cộng hòa xã hội chủ nghĩa việt nam"
TIEU_NGU = "độc lập - tự do - hạnh phúc"


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def recipients_index(doc: Docx) -> int | None:
    for index, para in enumerate(doc.paragraphs):
        if normalized(para.text).startswith("nơi nhận"):
            return index
    return None


def body(doc: Docx) -> list[Para]:
    """The body paragraphs (see the module's docstring)."""
    end = recipients_index(doc)
    found: list[Para] = []
    after_kinh_gui = False
    for para in doc.paragraphs[:end]:
        text = normalized(para.text)
        if not text:
            continue
        if text.startswith("kính gửi"):
            after_kinh_gui = True
            continue
        if after_kinh_gui and text[0] in "-+•":
            continue
        after_kinh_gui = False
        heading = (
            para.in_table
            or para.align in ("center", "right")
            or is_upper(para.shown)
            or NUMBER.match(text)
            or text.startswith("v/v")
            or PLACE_DATE.match(text)
        )
        if not heading:
            found.append(para)
    return found

"""The groundwork of the figures: colours and sizes, the drawing primitives a chart is laid
out into, and text measured with Liberation Sans (so that the SVG and the PNG lay out
alike)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from sathach.campaigns.ranking import percent_text

if TYPE_CHECKING:
    pass

INK = "#1d2733"
MUTED = "#5b6876"
GRID = "#d6dde4"
ACCENT = "#0b5cad"
GOOD = "#1e7a34"
WARN = "#8a5a00"
BAD = "#b3261e"
PALE = "#b8c4cf"
WIDTH = 720.0
PAD = 12.0
TITLE_SIZE = 15.0
LABEL_SIZE = 13.0
SMALL_SIZE = 11.0
PNG_SCALE = 2  # PNG pixels per figure pixel: 1440 px wide, sharp at 165 mm in print
FONT_FAMILY = "Liberation Sans, Arial, sans-serif"


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


# Figures: what both renderings draw ---------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    fill: str
    tip: str = ""


@dataclass(frozen=True)
class Text:
    """A line of text; `y` is its baseline, `anchor` start, middle or end."""

    x: float
    y: float
    text: str
    size: float = LABEL_SIZE
    anchor: str = "start"
    bold: bool = False
    fill: str = INK


Shape = Rect | Line | Dot | Text


@dataclass
class Figure:
    title: str
    description: str
    width: float = WIDTH
    height: float = 0.0
    shapes: list[Shape] = field(default_factory=list)

    def add(self, *shapes: Shape) -> None:
        self.shapes.extend(shapes)


@lru_cache(maxsize=16)
def font(size: float, bold: bool) -> Any:
    from PIL import ImageFont

    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return ImageFont.truetype(str(settings.PDF_FONT_DIR / name), size=max(1, round(size)))


def text_width(value: str, size: float = LABEL_SIZE, bold: bool = False) -> float:
    # Measured at ten times the size, so that rounding the font size costs nothing.
    return float(font(size * 10, bold).getlength(nfc(value))) / 10


def fit(value: str, width: float, size: float = LABEL_SIZE) -> str:
    """The text cut with an ellipsis so that it fits `width` pixels."""
    value = nfc(value)
    if text_width(value, size) <= width:
        return value
    while value and text_width(value + "…", size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def draw_legend(figure: Figure, y: float, entries: Sequence[tuple[str, str, str]]) -> float:
    """Legend entries (kind, colour, label) on as many lines as they need, from baseline y;
    kind is box, dash, dot or square. Returns the baseline of the last line."""
    x = PAD
    for kind, colour, label in entries:
        needed = 22 + text_width(label, SMALL_SIZE) + 18
        if x > PAD and x + needed > figure.width - PAD:
            x, y = PAD, y + 18
        if kind == "dash":
            figure.add(Line(x, y - 4, x + 16, y - 4, colour, 2, dashed=True))
        elif kind == "dot":
            figure.add(Dot(x + 8, y - 4, 5, colour))
        else:
            figure.add(Rect(x + 2, y - 10, 12, 12, colour))
        figure.add(Text(x + 22, y, label, SMALL_SIZE))
        x += needed
    return y


def draw_title(figure: Figure) -> float:
    figure.add(
        Text(
            PAD,
            PAD + TITLE_SIZE,
            fit(figure.title, figure.width - 2 * PAD, TITLE_SIZE),
            TITLE_SIZE,
            bold=True,
        )
    )
    return PAD + TITLE_SIZE


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5, 5 times a power of ten) giving at most `ticks` steps."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def number_text(value: float | Fraction | Decimal, decimals: int = 2) -> str:
    """A number the Vietnamese way: decimal comma, no trailing zeros (2,5; 0,15; 100)."""
    text = f"{float(value):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def percent_label(value: Fraction) -> str:
    """A percentage (0-100) with two decimals rounded half up: 85,00%."""
    return percent_text(Fraction(value) / 100).replace(".", ",") + "%"


# Charts --------------------------------------------------------------------------------

"""Figures without a charting library: the machinery behind the dashboards' and the
report's charts.

A chart (`BarChart`, `Histogram`, `Scatter`) is laid out once into a `Figure`: a list of
rectangles, lines, dots and texts in pixels. The figure is then written either as inline SVG
for the web page (a title and a description for screen readers, every value as text, no
script) or drawn with Pillow as a PNG for the Word and PDF report. Text is measured with the
same Liberation Sans the pages and the images use, so both renderings lay out alike. The
campaign's own charts are in `reports/charts.py`.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    pass

from sathach.reports.figure_base import (
    ACCENT,
    BAD,
    FONT_FAMILY,
    GRID,
    INK,
    LABEL_SIZE,
    MUTED,
    PAD,
    PNG_SCALE,
    SMALL_SIZE,
    WARN,
    WIDTH,
    Dot,
    Figure,
    Line,
    Rect,
    Text,
    draw_legend,
    draw_title,
    fit,
    font,
    nfc,
    nice_step,
    number_text,
    percent_label,
    text_width,
)


@dataclass
class Target:
    value: Fraction
    label: str
    colour: str = BAD


@dataclass
class Series:
    label: str
    values: list[Fraction | None]
    colour: str
    labels: list[str] | None = None  # the value texts; percentages by default
    target: Target | None = None  # a value below it is written in bold red


@dataclass
class BarChart:
    """Horizontal bars, one row per category (a commune): the series side by side, or
    stacked when `stacked`; dashed lines at the targets."""

    ident: str
    title: str
    description: str
    categories: list[str]
    series: list[Series]
    maximum: Fraction = Fraction(100)
    percent: bool = True
    stacked: bool = False
    whole: bool = False  # counts: ticks on whole numbers only

    @property
    def empty(self) -> bool:
        return not self.categories

    @property
    def targets(self) -> list[Target]:
        return [series.target for series in self.series if series.target is not None]

    def value_text(self, series: Series, index: int) -> str:
        if series.labels is not None:
            return series.labels[index]
        value = series.values[index]
        if value is None:
            return "—"
        return percent_label(value) if self.percent else number_text(value)

    def table(self) -> tuple[list[str], list[list[str]]]:
        headers = [_("Unit"), *(series.label for series in self.series)]
        rows = [
            [category, *(self.value_text(series, index) for series in self.series)]
            for index, category in enumerate(self.categories)
        ]
        return headers, rows

    def figure(self) -> Figure:
        figure = Figure(self.title, self.description)
        y = draw_title(figure) + 22
        legend: list[tuple[str, str, str]] = [("box", s.colour, s.label) for s in self.series]
        legend += [("dash", t.colour, t.label) for t in self.targets]
        top = draw_legend(figure, y, legend) + 16
        label_width = min(
            max((text_width(c) for c in self.categories), default=40) + 10, WIDTH * 0.36
        )
        x0 = PAD + label_width
        x1 = WIDTH - PAD - 70
        bar = 18.0 if self.stacked else 13.0
        row = (bar if self.stacked else bar * len(self.series)) + 12
        scale = (x1 - x0) / float(self.maximum or 1)
        bottom = top + row * len(self.categories)
        step = 25.0 if self.percent else nice_step(float(self.maximum))
        if self.whole:
            step = max(1.0, math.ceil(step))
        tick = 0.0
        while tick <= float(self.maximum) + 1e-9:
            x = x0 + tick * scale
            figure.add(Line(x, top - 4, x, bottom, GRID))
            label = number_text(tick) + ("%" if self.percent else "")
            figure.add(Text(x, bottom + 15, label, SMALL_SIZE, "middle", fill=MUTED))
            tick += step
        for index, category in enumerate(self.categories):
            y = top + index * row + 6
            figure.add(
                Text(
                    x0 - 8,
                    y + (row - 12) / 2 + 4.5,
                    fit(category, label_width - 10),
                    LABEL_SIZE,
                    "end",
                )
            )
            start = x0
            for number, series in enumerate(self.series):
                value = series.values[index]
                shown = self.value_text(series, index)
                width = float(value or 0) * scale
                tip = f"{category} — {series.label}: {shown}"
                if self.stacked:
                    if width > 0:
                        figure.add(Rect(start, y, width, bar, series.colour, tip))
                        if width >= text_width(shown, SMALL_SIZE) + 6:
                            figure.add(
                                Text(
                                    start + width / 2,
                                    y + bar - 5,
                                    shown,
                                    SMALL_SIZE,
                                    "middle",
                                    fill="#ffffff",
                                )
                            )
                    start += width
                else:
                    bar_y = y + number * bar
                    if width > 0:
                        figure.add(Rect(x0, bar_y, width, bar - 2, series.colour, tip))
                    below = (
                        series.target is not None
                        and value is not None
                        and value < series.target.value
                    )
                    figure.add(
                        Text(
                            x0 + width + 4,
                            bar_y + bar - 4,
                            shown,
                            SMALL_SIZE,
                            bold=below,
                            fill=BAD if below else INK,
                        )
                    )
            if self.stacked:
                total = sum((v or 0 for s in self.series for v in [s.values[index]]), Fraction(0))
                figure.add(Text(start + 4, y + bar - 5, number_text(total), SMALL_SIZE, bold=True))
        figure.add(Line(x0, top - 4, x0, bottom, MUTED))
        for target in self.targets:
            x = x0 + float(target.value) * scale
            figure.add(Line(x, top - 6, x, bottom + 2, target.colour, 2, dashed=True))
        figure.height = bottom + 15 + PAD + 4
        return figure


@dataclass
class Histogram:
    """Counts in bins of equal width over [low, high], with a dashed marker (the pass
    mark)."""

    ident: str
    title: str
    description: str
    edges: list[Fraction]
    counts: list[int]
    marker: Fraction | None = None
    marker_label: str = ""
    x_title: str = ""
    y_title: str = ""

    @property
    def empty(self) -> bool:
        return not any(self.counts)

    def bin_labels(self) -> list[str]:
        last = len(self.counts) - 1
        return [
            f"[{number_text(low)}; {number_text(high)}{']' if index == last else ')'}"
            for index, (low, high) in enumerate(zip(self.edges, self.edges[1:], strict=False))
        ]

    def table(self) -> tuple[list[str], list[list[str]]]:
        return [self.x_title, self.y_title], [
            [label, str(count)] for label, count in zip(self.bin_labels(), self.counts, strict=True)
        ]

    def figure(self) -> Figure:
        figure = Figure(self.title, self.description)
        y = draw_title(figure) + 22
        if self.marker is not None:
            y = draw_legend(figure, y, [("dash", BAD, self.marker_label)])
        top = y + 34
        figure.add(Text(PAD, top - 12, self.y_title, SMALL_SIZE, fill=MUTED))
        x0, x1 = PAD + 34, WIDTH - PAD
        height = 220.0
        bottom = top + height
        step = max(1.0, nice_step(max(self.counts, default=1) or 1, 5))
        ceiling = step * math.ceil((max(self.counts, default=1) or 1) / step)
        tick = 0.0
        while tick <= ceiling + 1e-9:
            y = bottom - tick / ceiling * height
            figure.add(Line(x0, y, x1, y, GRID))
            figure.add(Text(x0 - 6, y + 4, number_text(tick), SMALL_SIZE, "end", fill=MUTED))
            tick += step
        column = (x1 - x0) / max(len(self.counts), 1)
        for index, (label, count) in enumerate(zip(self.bin_labels(), self.counts, strict=True)):
            left = x0 + index * column
            bar_height = count / ceiling * height
            if count:
                figure.add(
                    Rect(
                        left + column * 0.1,
                        bottom - bar_height,
                        column * 0.8,
                        bar_height,
                        ACCENT,
                        f"{label}: {count}",
                    )
                )
                figure.add(
                    Text(
                        left + column / 2,
                        bottom - bar_height - 4,
                        str(count),
                        SMALL_SIZE,
                        "middle",
                        bold=True,
                    )
                )
            figure.add(
                Text(left + column / 2, bottom + 15, label, SMALL_SIZE, "middle", fill=MUTED)
            )
        figure.add(Line(x0, bottom, x1, bottom, MUTED))
        if self.marker is not None and self.edges:
            low, high = float(self.edges[0]), float(self.edges[-1])
            x = x0 + (float(self.marker) - low) / ((high - low) or 1) * (x1 - x0)
            figure.add(Line(x, top - 4, x, bottom + 2, BAD, 2, dashed=True))
        figure.add(Text((x0 + x1) / 2, bottom + 34, self.x_title, SMALL_SIZE, "middle", fill=MUTED))
        figure.height = bottom + 34 + PAD + 4
        return figure


@dataclass
class Point:
    label: str
    x: float | None
    y: float | None
    flagged: bool
    tip: str = ""


@dataclass
class Scatter:
    """Points over x in [0, 1] and y in [y_min, 1], with dashed threshold lines; flagged
    points are red squares, the others blue dots, so that colour is not the only sign."""

    ident: str
    title: str
    description: str
    points: list[Point]
    x_title: str
    y_title: str
    x_lines: list[float] = field(default_factory=list)
    y_lines: list[float] = field(default_factory=list)
    ok_label: str = ""
    flagged_label: str = ""
    lines_label: str = ""

    @property
    def empty(self) -> bool:
        return not self.plotted

    @property
    def plotted(self) -> list[Point]:
        return [p for p in self.points if p.x is not None and p.y is not None]

    def table(self) -> tuple[list[str], list[list[str]]]:
        def show(value: float | None) -> str:
            return "—" if value is None else number_text(value)

        return [_("Question"), self.x_title, self.y_title], [
            [p.label, show(p.x), show(p.y)] for p in self.points
        ]

    def figure(self) -> Figure:
        figure = Figure(self.title, self.description)
        y = draw_title(figure) + 22
        y = draw_legend(
            figure,
            y,
            [
                ("dot", ACCENT, self.ok_label),
                ("box", BAD, self.flagged_label),
                ("dash", WARN, self.lines_label),
            ],
        )
        top = y + 34
        figure.add(Text(PAD, top - 12, self.y_title, SMALL_SIZE, fill=MUTED))
        x0, x1 = PAD + 40, WIDTH - PAD - 10
        height = 320.0
        bottom = top + height
        lowest = min((p.y for p in self.plotted if p.y is not None), default=0.0)
        y_min = min(-0.2, math.floor(lowest * 5) / 5)

        def px(value: float) -> float:
            return x0 + value * (x1 - x0)

        def py(value: float) -> float:
            return bottom - (value - y_min) / (1 - y_min) * height

        for step in range(6):
            value = step / 5
            figure.add(Line(px(value), top, px(value), bottom, GRID))
            figure.add(
                Text(px(value), bottom + 15, number_text(value), SMALL_SIZE, "middle", fill=MUTED)
            )
        value = y_min
        while value <= 1 + 1e-9:
            figure.add(Line(x0, py(value), x1, py(value), MUTED if abs(value) < 1e-9 else GRID))
            figure.add(
                Text(x0 - 6, py(value) + 4, number_text(value), SMALL_SIZE, "end", fill=MUTED)
            )
            value = round(value + 0.2, 6)
        for line in self.x_lines:
            figure.add(Line(px(line), top, px(line), bottom, WARN, 1.5, dashed=True))
        for line in self.y_lines:
            figure.add(Line(x0, py(line), x1, py(line), WARN, 1.5, dashed=True))
        for point in self.plotted:
            assert point.x is not None and point.y is not None
            x, y = px(min(max(point.x, 0), 1)), py(min(max(point.y, y_min), 1))
            if point.flagged:
                figure.add(Rect(x - 5, y - 5, 10, 10, BAD, point.tip))
            else:
                figure.add(Dot(x, y, 5, ACCENT, point.tip))
            figure.add(Text(x + 7, y - 6, point.label, 10, fill=INK))
        figure.add(Text((x0 + x1) / 2, bottom + 34, self.x_title, SMALL_SIZE, "middle", fill=MUTED))
        figure.height = bottom + 34 + PAD + 4
        return figure


Chart = BarChart | Histogram | Scatter


# SVG -----------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg(chart: Chart) -> str:
    """The chart as an inline <svg> element: labelled by its title and description, the
    values drawn as text, a hover title on every bar."""
    figure = chart.figure()
    ident = re.sub(r"[^a-z0-9-]", "-", chart.ident.lower())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {_n(figure.width)} {_n(figure.height)}" width="{_n(figure.width)}" '
        f'height="{_n(figure.height)}" aria-labelledby="{ident}-title {ident}-desc" '
        f"font-family={quoteattr(FONT_FAMILY)}>",
        f'<title id="{ident}-title">{escape(nfc(figure.title))}</title>',
        f'<desc id="{ident}-desc">{escape(nfc(figure.description))}</desc>',
    ]
    for shape in figure.shapes:
        if isinstance(shape, Rect):
            tip = f"<title>{escape(nfc(shape.tip))}</title>" if shape.tip else ""
            parts.append(
                f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
                f'height="{_n(shape.h)}" fill="{shape.fill}">{tip}</rect>'
            )
        elif isinstance(shape, Dot):
            tip = f"<title>{escape(nfc(shape.tip))}</title>" if shape.tip else ""
            parts.append(
                f'<circle cx="{_n(shape.x)}" cy="{_n(shape.y)}" r="{_n(shape.r)}" '
                f'fill="{shape.fill}">{tip}</circle>'
            )
        elif isinstance(shape, Line):
            dash = ' stroke-dasharray="6 4"' if shape.dashed else ""
            parts.append(
                f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
                f'y2="{_n(shape.y2)}" stroke="{shape.stroke}" '
                f'stroke-width="{_n(shape.width)}"{dash}/>'
            )
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            parts.append(
                f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
                f'text-anchor="{shape.anchor}" fill="{shape.fill}"{weight}>'
                f"{escape(nfc(shape.text))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


# PNG -----------------------------------------------------------------------------------

_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def _dashed(draw: Any, start: tuple[float, float], end: tuple[float, float], **style: Any) -> None:
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1)
    if not length:
        return
    dash, gap = 6 * PNG_SCALE, 4 * PNG_SCALE
    position = 0.0
    while position < length:
        stop = min(position + dash, length)
        draw.line(
            [
                (x1 + (x2 - x1) * position / length, y1 + (y2 - y1) * position / length),
                (x1 + (x2 - x1) * stop / length, y1 + (y2 - y1) * stop / length),
            ],
            **style,
        )
        position += dash + gap


def png(chart: Chart, scale: int = PNG_SCALE) -> bytes:
    """The chart as a PNG, `scale` pixels per figure pixel, white background."""
    from PIL import Image, ImageDraw

    figure = chart.figure()
    size = (round(figure.width * scale), round(figure.height * scale))
    image = Image.new("RGB", size, "#ffffff")
    draw = ImageDraw.Draw(image)
    for shape in figure.shapes:
        if isinstance(shape, Rect):
            draw.rectangle(
                [
                    shape.x * scale,
                    shape.y * scale,
                    (shape.x + shape.w) * scale,
                    (shape.y + shape.h) * scale,
                ],
                fill=shape.fill,
            )
        elif isinstance(shape, Dot):
            draw.ellipse(
                [
                    (shape.x - shape.r) * scale,
                    (shape.y - shape.r) * scale,
                    (shape.x + shape.r) * scale,
                    (shape.y + shape.r) * scale,
                ],
                fill=shape.fill,
            )
        elif isinstance(shape, Line):
            points = ((shape.x1 * scale, shape.y1 * scale), (shape.x2 * scale, shape.y2 * scale))
            width = max(1, round(shape.width * scale))
            if shape.dashed:
                _dashed(draw, *points, fill=shape.stroke, width=width)
            else:
                draw.line(list(points), fill=shape.stroke, width=width)
        else:
            draw.text(
                (shape.x * scale, shape.y * scale),
                nfc(shape.text),
                fill=shape.fill,
                font=font(shape.size * scale, shape.bold),
                anchor=_ANCHORS[shape.anchor],
            )
    buffer = io.BytesIO()
    # A few dozen colours are enough for flat bars and anti-aliased text: a palette image
    # is a third of the bytes and quicker to encode.
    image = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    image.save(buffer, "PNG", dpi=(96 * scale, 96 * scale))
    return buffer.getvalue()

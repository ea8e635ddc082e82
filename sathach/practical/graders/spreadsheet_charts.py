"""The charts of a workbook, read from its chart parts (DrawingML) rather than through
openpyxl: openpyxl 3.1 reads charts back only as far as its own chart classes go, and
what the grader needs is small and stable in the format itself — each plot's kind (bar,
column, line, pie…) and each series' references (its values and categories).

A chart part is reached through a drawing's relationships, whether the drawing sits on a
worksheet or on a chart sheet of its own; a series names its sheet in its references, so
that a chart counts for the graded sheet wherever it is placed.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_MAX_PART = 4 * 1024 * 1024
_MAX_CHARTS = 50
# A plot's element in c:plotArea -> the kind an author names ("col" and "bar" both come
# from c:barChart, told apart by c:barDir).
_PLOTS = {
    "barChart": "bar",
    "bar3DChart": "bar",
    "lineChart": "line",
    "line3DChart": "line",
    "stockChart": "line",
    "pieChart": "pie",
    "pie3DChart": "pie",
    "ofPieChart": "pie",
    "doughnutChart": "doughnut",
    "areaChart": "area",
    "area3DChart": "area",
    "scatterChart": "scatter",
    "radarChart": "radar",
    "bubbleChart": "bubble",
}
KINDS = ("col", "bar", "line", "pie", "doughnut", "area", "scatter", "radar", "bubble")


@dataclass(frozen=True)
class Series:
    kind: str
    sheet: str  # the sheet its values are on ("" when the reference names none)
    values: str  # "F2:F11", without $ ("" when the series has no reference)
    categories: str


def split_reference(formula: str) -> tuple[str, str]:
    """("Sheet 1", "F2:F11") from "'Sheet 1'!$F$2:$F$11"."""
    formula = formula.strip().lstrip("=")
    sheet, _bang, cells = formula.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cells.replace("$", "").upper()


def _reference(series: ElementTree.Element, tag: str) -> tuple[str, str]:
    holder = series.find(f"{_C}{tag}")
    if holder is None:
        return "", ""
    for ref in ("numRef", "strRef", "multiLvlStrRef"):
        formula = holder.find(f"{_C}{ref}/{_C}f")
        if formula is not None and formula.text:
            return split_reference(formula.text)
    return "", ""


def _chart_series(xml: bytes) -> list[Series]:
    root = ElementTree.fromstring(xml)  # noqa: S314 (expat refuses entity expansion bombs)
    area = root.find(f"{_C}chart/{_C}plotArea")
    if area is None:
        return []
    found: list[Series] = []
    for plot in area:
        name = plot.tag.removeprefix(_C)
        kind = _PLOTS.get(name)
        if kind is None:
            continue
        if kind == "bar":
            direction = plot.find(f"{_C}barDir")
            kind = "bar" if direction is not None and direction.get("val") == "bar" else "col"
        for series in plot.findall(f"{_C}ser"):
            values_tag = "yVal" if kind in ("scatter", "bubble") else "val"
            categories_tag = "xVal" if kind in ("scatter", "bubble") else "cat"
            sheet, values = _reference(series, values_tag)
            _sheet, categories = _reference(series, categories_tag)
            found.append(Series(kind, sheet, values, categories))
        if not plot.findall(f"{_C}ser"):
            found.append(Series(kind, "", "", ""))
    return found


def charts(xlsx: bytes) -> list[list[Series]]:
    """Each chart of the workbook as its series (a chart without series: one empty
    series of its kind). A part that cannot be read is skipped."""
    found: list[list[Series]] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(xlsx))
        parts = {item.filename: item for item in archive.infolist()}
        targets: list[str] = []
        for name, item in parts.items():
            if not name.startswith("xl/drawings/_rels/") or not name.endswith(".rels"):
                continue
            if item.file_size > _MAX_PART:
                continue
            folder = posixpath.dirname(posixpath.dirname(name))
            relations = ElementTree.fromstring(archive.read(item))  # noqa: S314
            for relation in relations.iter(f"{_REL}Relationship"):
                if relation.get("Type") == _CHART_REL and relation.get("TargetMode") != "External":
                    target = relation.get("Target", "")
                    if target.startswith("/"):
                        path = target.lstrip("/")
                    else:
                        path = posixpath.normpath(posixpath.join(folder, target))
                    if path not in targets:
                        targets.append(path)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, ElementTree.ParseError):
        return found
    for path in targets[:_MAX_CHARTS]:
        part = parts.get(path)
        if part is None or part.file_size > _MAX_PART:
            continue
        try:
            found.append(_chart_series(archive.read(part)))
        except (zipfile.BadZipFile, OSError, ValueError, ElementTree.ParseError):
            continue
    return found

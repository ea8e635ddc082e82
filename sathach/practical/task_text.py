"""A practical task's criteria and starter as text, the same in the editor and in a cell of
the Excel workbook (docs/QUESTIONS.md, "Bài thực hành").

Criteria, one per line: `<criterion> | <weight> | <param>=<value>; <param>=<value>`. A
criterion is written by its name as the editor shows it ("Lề trang"); its key is read too,
with hyphens or underscores (`contains-text`). A value takes the shape of the criterion's
default: a range `30-35`, a number `1,5`, `có`/`không`, words separated by commas; a
parameter the catalogue has no default for is a number, a range or text (a list in JSON).
Starters: a document's paragraphs one per line; a spreadsheet's rows one per line, cells
separated by tabs or `|`, an optional first line `Trang tính: <name>`; slides separated by
an empty line, each its title then its lines; the passage to type.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from sathach.core.text import fold, nfc_text
from sathach.practical import kinds

NUMBER = r"-?\d+(?:[.,]\d+)?"
_NUMBER = re.compile(rf"^\s*({NUMBER})\s*$")
_RANGE = re.compile(rf"^\s*({NUMBER})\s*(?:-|\u2013|\u2014|\.\.)\s*({NUMBER})\s*$")
# Parameters are separated by ";" only before another "name=": a value may hold ";".
_PARAM_SPLIT = re.compile(r";\s*(?=[A-Za-z][A-Za-z0-9_-]*\s*=)")
_SHEET_LINE = re.compile(r"^\s*trang tinh\s*:\s*(.*)$")
YES = {"co", "c", "x", "yes", "true", "1"}
NO = {"khong", "k", "no", "false", "0"}


def shape(default: Any) -> str:
    """What kind of field a parameter is, from its default: range, number, bool, list,
    text or other (no default, or one of another shape)."""
    if isinstance(default, bool):
        return "bool"
    if default is None or isinstance(default, int | float):
        return "number"
    if isinstance(default, list | tuple):
        if len(default) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in default
        ):
            return "range"
        if all(isinstance(v, str) for v in default):
            return "list"
    if isinstance(default, str):
        return "text"
    return "other"


def number(text: str) -> int | float | None:
    """A number written with a dot or a comma, as an int when it is whole."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def number_text(value: Any) -> str:
    """A number as a Vietnamese reads it: decimal comma, no trailing zeros."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def key_text(key: str) -> str:
    return key.replace("_", "-")


def _key_of(kind: str, written: str) -> str | None:
    """The criterion a written key or label (Vietnamese or English) names."""
    wanted = re.sub(r"[\s_-]+", "_", fold(written).strip())
    for key, criterion in kinds.criteria(kind).items():
        labels = set()
        for language in ("vi", "en"):
            with translation.override(language):
                labels.add(fold(str(criterion.label)).strip())
        if wanted == key.lower() or fold(written).strip() in labels:
            return key
    return None


def value_text(value: Any, default: Any = None) -> str:
    kind = shape(default)
    if isinstance(value, bool):
        return "có" if value else "không"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, list | tuple) and shape(list(value)) == "range":
        return f"{number_text(value[0])}-{number_text(value[1])}"
    if isinstance(value, list | tuple) and kind == "list":
        return ", ".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def parse_value(text: str, default: Any, *, known: bool) -> tuple[Any, str | None]:
    """A parameter's value from its text, in the shape of its default; (value, problem)."""
    text = nfc_text(text).strip()
    kind = shape(default) if known else "other"
    if kind == "bool":
        folded = fold(text)
        if folded in YES or folded in NO:
            return folded in YES, None
        return None, _("write có or không")
    if kind == "number":
        if not text and default is None:
            return None, None
        value = number(text) if _NUMBER.match(text) else None
        return (value, None) if value is not None else (None, _("write a number"))
    if kind == "range":
        match = _RANGE.match(text)
        if match is None and _NUMBER.match(text):
            single = number(text)
            return [single, single], None
        if match is None:
            return None, _("write a range such as 30-35")
        low, high = number(match.group(1)), number(match.group(2))
        if low is None or high is None or low > high:
            return None, _("write a range such as 30-35, the smaller number first")
        return [low, high], None
    if kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()], None
    if kind == "text":
        return text, None
    # No default to follow: JSON, a range, a number, or text.
    if text[:1] in "[{":
        try:
            return json.loads(text), None
        except ValueError:
            return text, None
    if _RANGE.match(text):
        return parse_value(text, [0, 0], known=True)
    if _NUMBER.match(text):
        return number(text), None
    return text, None


def params_text(params: dict[str, Any], defaults: dict[str, Any]) -> str:
    return "; ".join(
        f"{name}={value_text(value, defaults.get(name))}" for name, value in params.items()
    )


def parse_params(text: str, defaults: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`name=value; name=value` as parameters, with the problems found."""
    params: dict[str, Any] = {}
    problems: list[str] = []
    for part in _PARAM_SPLIT.split(text.strip().rstrip(";")):
        if not part.strip():
            continue
        name, equals, raw = part.partition("=")
        name = name.strip().replace("-", "_")
        if not equals or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            problems.append(
                _("'%(part)s' is not a parameter: write name=value.") % {"part": part.strip()}
            )
            continue
        known = name in defaults
        value, problem = parse_value(raw, defaults.get(name), known=known)
        if problem:
            problems.append(
                _("The parameter %(name)s: %(problem)s.") % {"name": name, "problem": problem}
            )
        else:
            params[name] = value
    return params, problems


def weight_text(weight: Any) -> str:
    return str(weight).replace(".", ",")


def parse_weight(text: str) -> tuple[str | None, str | None]:
    """A weight as a decimal string ("1.5"), or the problem."""
    text = text.strip() or "1"
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = Decimal(0)
    if not value.is_finite() or value <= 0 or value > 1000:
        return None, _("the weight '%(value)s' is not a number above 0") % {"value": text}
    normal = format(value.normalize(), "f")
    return normal, None


def criteria_text(kind: str, criteria: list[dict[str, Any]]) -> str:
    """The criteria as lines of the workbook's cell."""
    catalogue = kinds.criteria(kind)
    lines = []
    for spec in criteria:
        key = str(spec.get("key", ""))
        criterion = catalogue.get(key)
        defaults = dict(criterion.defaults) if criterion else {}
        # The criterion by its name, as the editor shows it (the key is read too).
        name = str(criterion.label) if criterion else key_text(key)
        line = f"{name} | {weight_text(spec.get('weight', '1'))}"
        params = spec.get("params") or {}
        if params:
            line += " | " + params_text(params, defaults)
        lines.append(line)
    return "\n".join(lines)


def parse_criteria(kind: str, text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The criteria of the workbook's cell, with the problems found, each naming its line."""
    criteria: list[dict[str, Any]] = []
    problems: list[str] = []
    catalogue = kinds.criteria(kind)
    seen: set[str] = set()
    for number_, line in enumerate(nfc_text(text).splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|", 2)]
        key = _key_of(kind, parts[0])
        where = _("criterion %(line)s") % {"line": number_}
        if key is None:
            problems.append(
                _("%(where)s: unknown criterion '%(key)s'; use one of: %(keys)s.")
                % {
                    "where": where,
                    "key": parts[0],
                    "keys": ", ".join(key_text(k) for k in catalogue),
                }
            )
            continue
        if key in seen:
            problems.append(
                _("%(where)s: the criterion '%(key)s' is given twice.")
                % {"where": where, "key": parts[0]}
            )
            continue
        seen.add(key)
        weight, problem = parse_weight(parts[1] if len(parts) > 1 else "")
        if problem:
            problems.append(f"{where}: {problem}.")
            continue
        params, found = parse_params(
            parts[2] if len(parts) > 2 else "", dict(catalogue[key].defaults)
        )
        problems += [f"{where}: {p}" for p in found]
        criteria.append({"key": key, "weight": weight, "params": params})
    if not criteria and not problems:
        problems.append(_("Choose at least one criterion."))
    return criteria, problems


def _cell(text: str) -> Any:
    """A spreadsheet starter's cell: a number when it reads as one (not a code such as
    "0123"), else its text."""
    stripped = text.strip()
    if re.fullmatch(r"-?(?:0|[1-9]\d*)(?:[.,]\d+)?", stripped):
        return number(stripped)
    return stripped


def starter_text(kind: str, starter: dict[str, Any]) -> str:
    """The starter as the editor's textarea and the workbook's cell write it."""
    if kind == "document":
        return str(starter.get("text") or "")
    if kind == "typing":
        return str(starter.get("passage") or "")
    if kind == "spreadsheet":
        rows = starter.get("rows") or []
        if not rows:
            return ""
        cells = [value_text(v) if v is not None else "" for row in rows for v in row]
        separator = "\t" if any("|" in c for c in cells) else " | "
        lines = [
            separator.join(value_text(v) if v is not None else "" for v in row) for row in rows
        ]
        sheet = str(starter.get("sheet") or "")
        return "\n".join(([f"Trang tính: {sheet}"] if sheet else []) + lines)
    slides = starter.get("slides") or []
    return "\n\n".join(
        "\n".join([str(slide.get("title", "")), *[str(line) for line in slide.get("lines", [])]])
        for slide in slides
    )


def parse_starter(kind: str, text: str) -> tuple[dict[str, Any], list[str]]:
    """The starter of its text ({} when empty: the leader starts from nothing)."""
    text = nfc_text(text).replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        if kind == "typing":
            return {}, [_("Write the passage the leader types.")]
        return {}, []
    if kind == "document":
        return {"text": "\n".join(line.rstrip() for line in text.split("\n"))}, []
    if kind == "typing":
        return {"passage": text.strip()}, []
    if kind == "spreadsheet":
        lines = text.split("\n")
        sheet = ""
        match = _SHEET_LINE.match(fold(lines[0]))
        if match:
            sheet = lines[0].split(":", 1)[1].strip()
            lines = lines[1:]
        lines = [line for line in lines if line.strip()]
        separator = "\t" if any("\t" in line for line in lines) else "|"
        rows = [[_cell(cell) for cell in line.split(separator)] for line in lines]
        if not rows:
            return {}, [_("Write the table's rows, its headers first.")]
        starter: dict[str, Any] = {"rows": rows}
        if sheet:
            starter["sheet"] = sheet[:31]
        return starter, []
    slides = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            slides.append({"title": lines[0], "lines": lines[1:]})
    return {"slides": slides}, []

"""The spreadsheet task (IU04, Bảng tính): the leader downloads an .xlsx of data and
uploads it with what the task asks — formulas (SUM, AVERAGE, COUNTIF, IF, VLOOKUP, ROUND…),
number formats, the rows sorted, a filter, a chart over a given range.

Each formula is graded twice: it must be written (with the functions asked), and its value,
computed again by LibreOffice, must equal the value of the author's expected formula
computed by LibreOffice on the leader's own data (spreadsheet_book). The values cached in
the leader's file play no part. Details in docs/practical/spreadsheet.md.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.cell import get_column_letter

from sathach.practical.graders.base import ZERO, Criterion, Verdict, all_zero, params_of
from sathach.practical.graders.spreadsheet_book import (
    Book,
    BookRefused,
    decimals_of,
    open_book,
    parse_range,
)
from sathach.practical.graders.spreadsheet_charts import KINDS
from sathach.practical.graders.spreadsheet_checks import (
    check_chart,
    check_data_kept,
    check_filter,
    check_formula,
    check_number_format,
    check_sorted,
    functions_in,
)

logger = logging.getLogger(__name__)

KIND = "spreadsheet"
EXTENSIONS = (".xlsx", ".ods")

# The functions an author may ask for: those of the IT-skills standard's spreadsheet
# module and their close kin.
FUNCTIONS = frozenset(
    {
        *("SUM", "AVERAGE", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIF", "COUNTIFS", "SUMIF"),
        *("SUMIFS", "AVERAGEIF", "AVERAGEIFS", "IF", "IFERROR", "AND", "OR", "NOT", "VLOOKUP"),
        *("HLOOKUP", "INDEX", "MATCH", "ROUND", "ROUNDUP", "ROUNDDOWN", "INT", "MOD", "ABS"),
        *("MAX", "MIN", "RANK", "LARGE", "SMALL", "SUMPRODUCT", "LEFT", "RIGHT", "MID", "LEN"),
        *("UPPER", "LOWER", "PROPER", "TRIM", "CONCATENATE", "TEXT", "VALUE", "TODAY", "NOW"),
        *("DATE", "YEAR", "MONTH", "DAY"),
    }
)


def _range_problem(params: Mapping[str, Any], name: str, required: bool = True) -> list[str]:
    value = params.get(name)
    if value in (None, "") and not required:
        return []
    if parse_range(value) is None:
        return [_("“%(value)s” is not a range of cells such as F2:F11.") % {"value": value}]
    return []


def _column_problem(params: Mapping[str, Any]) -> list[str]:
    column = params.get("column")
    if not isinstance(column, str) or parse_range(f"{column}1") is None:
        return [_("“%(value)s” is not a column letter such as F.") % {"value": column}]
    return []


def _validate_formula(params: Mapping[str, Any]) -> list[str]:
    problems = _range_problem(params, "cells")
    functions = params.get("functions") or []
    if not isinstance(functions, list) or not all(isinstance(f, str) for f in functions):
        return [*problems, _("The functions must be a list of names such as SUM.")]
    unknown = [f for f in functions if f.upper() not in FUNCTIONS]
    if unknown:
        problems.append(_("Unknown functions: %(names)s.") % {"names": ", ".join(unknown)})
    expected = params.get("expected") or ""
    if not isinstance(expected, str):
        problems.append(_("The expected formula must be text such as =SUM(C{row}:E{row})."))
    elif expected:
        if not expected.startswith("="):
            problems.append(_("The expected formula must begin with =."))
        used = functions_in(expected)
        absent = [f for f in functions if f.upper() not in used]
        if absent:
            problems.append(
                _("The expected formula does not use %(names)s.") % {"names": ", ".join(absent)}
            )
    try:
        if float(params.get("tolerance", 0.005)) < 0:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(_("The tolerance must be a number of at least 0."))
    if not functions and not expected:
        problems.append(_("Give the functions asked, the expected formula, or both."))
    return problems


def _validate_number_format(params: Mapping[str, Any]) -> list[str]:
    problems = _range_problem(params, "cells")
    if params.get("format"):
        if decimals_of(str(params["format"])) is None and not any(
            letter in str(params["format"]).lower() for letter in "dmy"
        ):
            problems.append(_("“%(value)s” is not a number format.") % {"value": params["format"]})
    elif not isinstance(params.get("decimals"), int) or not 0 <= params["decimals"] <= 10:
        problems.append(_("Give a number format (such as #,##0) or a number of decimals."))
    return problems


def _validate_sorted(params: Mapping[str, Any]) -> list[str]:
    problems = _range_problem(params, "range") + _column_problem(params)
    if params.get("order", "asc") not in ("asc", "desc"):
        problems.append(_("The order must be asc or desc."))
    return problems


def _validate_filter(params: Mapping[str, Any]) -> list[str]:
    problems = _range_problem(params, "range", required=False)
    if params.get("column") or params.get("values"):
        problems += _column_problem(params)
        if not isinstance(params.get("values"), list) or not params["values"]:
            problems.append(_("Give the values the filter must show."))
    return problems


def _validate_chart(params: Mapping[str, Any]) -> list[str]:
    problems = _range_problem(params, "values") + _range_problem(
        params, "categories", required=False
    )
    if params.get("type") not in KINDS:
        problems.append(
            _("Unknown chart type “%(value)s” (one of %(kinds)s).")
            % {"value": params.get("type"), "kinds": ", ".join(KINDS)}
        )
    return problems


CRITERIA: dict[str, Criterion] = {
    criterion.key: criterion
    for criterion in (
        Criterion("formula", gettext_lazy("Formulas and their values"), {}, _validate_formula),
        Criterion("number_format", gettext_lazy("Number format"), {}, _validate_number_format),
        Criterion("sorted", gettext_lazy("Sorted rows"), {"order": "asc"}, _validate_sorted),
        Criterion("filter", gettext_lazy("Filter"), {}, _validate_filter),
        Criterion("chart", gettext_lazy("Chart"), {}, _validate_chart),
        Criterion("data_kept", gettext_lazy("Data kept unchanged"), {}, None),
    )
}


def validate_specs(specs: Any) -> list[str]:
    """The problems of a task's criteria, in Vietnamese, each naming its criterion."""
    if not isinstance(specs, list) or not specs:
        return [_("The task has no criteria.")]
    problems: list[str] = []
    for number, spec in enumerate(specs, start=1):
        if not isinstance(spec, Mapping) or spec.get("key") not in CRITERIA:
            key = spec.get("key") if isinstance(spec, Mapping) else spec
            problems.append(
                _("Criterion %(number)s: unknown key “%(key)s”.") % {"number": number, "key": key}
            )
            continue
        criterion = CRITERIA[spec["key"]]
        label = f"{number} ({criterion.label})"
        try:
            weight = Decimal(str(spec.get("weight")))
            if not weight.is_finite() or weight <= 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                _("Criterion %(number)s: the weight must be a positive number.") % {"number": label}
            )
        params = spec.get("params", {})
        if not isinstance(params, Mapping):
            problems.append(
                _("Criterion %(number)s: the parameters must be an object.") % {"number": label}
            )
            continue
        if criterion.validate is not None:
            problems += [
                _("Criterion %(number)s: %(problem)s") % {"number": label, "problem": problem}
                for problem in criterion.validate(params_of(spec, criterion))
            ]
    return problems


def _starter_rows(starter: Mapping[str, Any] | None) -> list[list[Any]] | None:
    rows = (starter or {}).get("rows")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        return None
    return [
        [unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in row] for row in rows
    ]


def make_starter(starter: Mapping[str, Any] | None) -> bytes | None:
    """The workbook the leader downloads: the starter's rows on its sheet, the header in
    bold, each column wide enough for its longest text."""
    rows = _starter_rows(starter)
    if rows is None:
        return None
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str((starter or {}).get("sheet") or "Sheet1")[:31]
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(1, max(len(row) for row in rows) + 1):
        longest = max(len(str(row[index - 1] or "")) for row in rows if len(row) >= index)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 3, 10), 50)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _check(
    key: str, book: Book, params: dict[str, Any], index: int, rows: list[list[Any]] | None
) -> tuple[Decimal, str]:
    checks: dict[str, Callable[[], tuple[Decimal, str]]] = {
        "formula": lambda: check_formula(book, params, index),
        "number_format": lambda: check_number_format(book, params),
        "sorted": lambda: check_sorted(book, params, rows),
        "filter": lambda: check_filter(book, params),
        "chart": lambda: check_chart(book, params),
        "data_kept": lambda: check_data_kept(book, rows),
    }
    return checks[key]()


def grade(
    data: bytes,
    extension: str,
    specs: Sequence[Mapping[str, Any]],
    *,
    starter: Mapping[str, Any] | None,
) -> list[Verdict]:
    """One verdict per criterion, in order. Never raises on the leader's file."""
    problems = validate_specs(specs)
    if problems:
        return all_zero(
            list(specs), _("The task is misconfigured: %(problem)s") % {"problem": problems[0]}
        )
    rows = _starter_rows(starter)
    keys: dict[int, tuple[str, str]] = {}
    for index, spec in enumerate(specs):
        params = params_of(spec, CRITERIA[spec["key"]])
        if spec["key"] == "formula" and params.get("expected"):
            keys[index] = (str(params["cells"]).upper(), str(params["expected"]))
    try:
        book = open_book(data, extension, (starter or {}).get("sheet"), keys)
    except BookRefused as refused:
        return all_zero(list(specs), str(refused))
    verdicts = []
    for index, spec in enumerate(specs):
        params = params_of(spec, CRITERIA[spec["key"]])
        try:
            earned, reason = _check(spec["key"], book, params, index, rows)
        # A hostile file can make openpyxl fail on any cell; the leader still gets a reason.
        except Exception as error:
            logger.warning("Grading %s of a spreadsheet failed: %r", spec["key"], error)
            earned, reason = ZERO, _("This criterion could not be graded on this file.")
        verdicts.append(Verdict(spec["key"], earned, reason))
    return verdicts


# What the task editor and the bank's page call each parameter.
PARAM_LABELS = {
    "cells": gettext_lazy("cells"),
    "functions": gettext_lazy("functions to use"),
    "expected": gettext_lazy("the right formula ({row}: the row's number)"),
    "tolerance": gettext_lazy("tolerance"),
    "format": gettext_lazy("number format"),
    "decimals": gettext_lazy("decimal places"),
    "range": gettext_lazy("range"),
    "column": gettext_lazy("column"),
    "order": gettext_lazy("order (asc: ascending, desc: descending)"),
    "values": gettext_lazy("values"),
    "type": gettext_lazy("kind of chart (bar, col, line, pie)"),
    "categories": gettext_lazy("categories"),
}

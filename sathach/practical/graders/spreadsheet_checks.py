"""The spreadsheet grader's criteria, one function each: the share earned and the reason
the leader reads, from the workbook as `spreadsheet_book` read it.

Values always come from LibreOffice's recalculation (the leader's cached results are
never read); what needs no value (a formula written, a number format, a filter, a chart)
is graded even when the recalculation failed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils.cell import column_index_from_string

from sathach.practical.graders.base import ONE, ZERO, share
from sathach.practical.graders.spreadsheet_book import (
    Book,
    decimals_of,
    formula_text,
    normal_format,
    normal_text,
    parse_range,
    range_cells,
    row_key,
    same_value,
    shown,
)
from sathach.practical.graders.spreadsheet_charts import Series, charts

HALF = Decimal("0.5")
_SHOWN_PROBLEMS = 3
_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
# Excel's short date (built-in format 14, which openpyxl spells mm-dd-yy) shows as
# dd/mm/yyyy on a computer set to Vietnamese.
_SHORT_DATE = "mm-dd-yy"


def functions_in(formula: str) -> set[str]:
    """The functions a formula calls, in upper case, without Excel's _xlfn. prefixes;
    text in quotes and quoted sheet names do not count."""
    bare = re.sub(r'"(?:[^"]|"")*"', '""', formula)
    bare = re.sub(r"'(?:[^']|'')*'", "''", bare)
    names = {name.upper() for name in _FUNCTION.findall(bare)}
    return {re.sub(r"^(_XLFN\.|_XLWS\.)+", "", name) for name in names}


def _problems(counted: int, total: int, cells: str, problems: list[str], what: str) -> str:
    head = _("%(right)s of %(total)s cells %(cells)s %(what)s") % {
        "right": counted,
        "total": total,
        "cells": cells,
        "what": what,
    }
    if not problems:
        return head
    more = len(problems) - _SHOWN_PROBLEMS
    tail = "; ".join(problems[:_SHOWN_PROBLEMS])
    if more > 0:
        tail += "; " + _("and %(count)s more") % {"count": more}
    return f"{head}; {tail}"


def check_formula(book: Book, params: Mapping[str, Any], index: int) -> tuple[Decimal, str]:
    cells = str(params["cells"]).upper()
    wanted = [str(name).upper() for name in params.get("functions") or []]
    expected = params.get("expected") or ""
    tolerance = float(params.get("tolerance", 0.005))
    names = range_cells(cells)
    right = 0
    written = 0
    problems: list[str] = []
    key = book.keys.get(index)
    for name in names:
        formula = formula_text(book.formulas[name].value)
        if formula is None:
            problems.append(_("%(cell)s: no formula") % {"cell": name})
            continue
        missing = [fn for fn in wanted if fn not in functions_in(formula)]
        if missing:
            problems.append(
                _("%(cell)s: does not use %(functions)s")
                % {"cell": name, "functions": ", ".join(missing)}
            )
            continue
        written += 1
        if not expected:
            right += 1
            continue
        if book.values is None or key is None:
            continue
        got, want = book.values[name].value, key[name].value
        if same_value(got, want, tolerance):
            right += 1
        else:
            problems.append(
                _("%(cell)s: %(got)s (should be %(want)s)")
                % {"cell": name, "got": shown(got), "want": shown(want)}
            )
    if expected and (book.values is None or key is None):
        reason = _problems(written, len(names), cells, problems, _("have the formula asked"))
        return ZERO, _("The values could not be computed again (%(error)s). %(reason)s") % {
            "error": book.recalc_error or _("LibreOffice could not open the file."),
            "reason": reason,
        }
    return share(right, len(names)), _problems(right, len(names), cells, problems, _("right"))


def _format_matches(code: str | None, params: Mapping[str, Any]) -> bool:
    if params.get("format"):
        want = normal_format(str(params["format"]))
        got = normal_format(code)
        if got == _SHORT_DATE and want in ("dd/mm/yyyy", "d/m/yyyy"):
            return True
        return got == want
    return decimals_of(code) == int(params["decimals"])


def check_number_format(book: Book, params: Mapping[str, Any]) -> tuple[Decimal, str]:
    cells = str(params["cells"]).upper()
    right = 0
    counted = 0
    problems: list[str] = []
    for name in range_cells(cells):
        cell = book.formulas[name]
        if cell.value is None:
            continue
        counted += 1
        if _format_matches(cell.number_format, params):
            right += 1
        else:
            problems.append(
                _("%(cell)s: %(format)s") % {"cell": name, "format": cell.number_format}
            )
    if params.get("format"):
        what = _("formatted %(format)s") % {"format": params["format"]}
    else:
        what = _("with %(count)s decimals") % {"count": params["decimals"]}
    if counted == 0:
        return ZERO, _("The cells %(cells)s are empty.") % {"cells": cells}
    return share(right, counted), _problems(right, counted, cells, problems, what)


def _value(book: Book, name: str) -> tuple[bool, Any]:
    """(known, value) of a cell: a plain value as written, a formula's value as
    recalculated (unknown when the recalculation failed)."""
    written = book.formulas[name].value
    if formula_text(written) is None:
        return True, written
    if book.values is None:
        return False, None
    return True, book.values[name].value


def _order_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return 2, int(value)
    if isinstance(value, int | float):
        return 0, float(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFD", normal_text(value).casefold())
        return 1, ("".join(ch for ch in text if not unicodedata.combining(ch)), text)
    return 3, str(value)


def _row_label(values: list[Any], row: int) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return _("row %(row)s") % {"row": f"“{normal_text(value)[:30]}”"}
    return _("row %(row)s") % {"row": row}


def _lost_rows(
    starter_rows: list[list[Any]], sheet_rows: list[list[Any]], first_row: int
) -> list[str]:
    """The starter's rows that the sheet no longer has (matched as a multiset)."""
    available = Counter(row_key(row) for row in sheet_rows)
    lost: list[str] = []
    for offset, row in enumerate(starter_rows):
        key = row_key(row)
        if available[key] > 0:
            available[key] -= 1
        else:
            lost.append(_row_label(row, first_row + offset))
    return lost


def check_sorted(
    book: Book, params: Mapping[str, Any], starter_rows: list[list[Any]] | None
) -> tuple[Decimal, str]:
    min_col, min_row, max_col, max_row = parse_range(str(params["range"])) or (1, 1, 1, 1)
    column = str(params["column"]).upper()
    descending = str(params.get("order", "asc")) == "desc"
    keys: list[tuple[int, Any]] = []
    for row in range(min_row, max_row + 1):
        known, value = _value(book, f"{column}{row}")
        if not known:
            return ZERO, _("The values of column %(column)s could not be computed (%(error)s).") % {
                "column": column,
                "error": book.recalc_error,
            }
        keys.append(value)
    for offset in range(len(keys) - 1):
        this, after = keys[offset], keys[offset + 1]
        if after is None or after == "":
            continue
        if this is None or this == "":
            wrong = True
        else:
            this_key, after_key = _order_key(this), _order_key(after)
            wrong = after_key > this_key if descending else after_key < this_key
        if wrong:
            return ZERO, _(
                "%(cell)s (%(value)s) comes before %(next_cell)s (%(next_value)s): the rows "
                "are not sorted %(order)s by column %(column)s."
            ) % {
                "cell": f"{column}{min_row + offset}",
                "value": shown(this),
                "next_cell": f"{column}{min_row + offset + 1}",
                "next_value": shown(after),
                "order": _("descending") if descending else _("ascending"),
                "column": column,
            }
    if starter_rows:
        last = min(max_col, max(len(row) for row in starter_rows))
        # The starter's row r (header first) is the sheet's row r + 1.
        chosen = starter_rows[min_row - 1 : max_row]
        starter = [list(row[min_col - 1 : last]) for row in chosen]
        starter = [row + [None] * (last - min_col + 1 - len(row)) for row in starter]
        sheet = [
            [book.formulas.cell(row, col).value for col in range(min_col, last + 1)]
            for row in range(min_row, max_row + 1)
        ]
        lost = _lost_rows(starter, sheet, min_row)
        if lost:
            return ZERO, _(
                "The rows are sorted, but %(count)s rows of the data were lost or changed: "
                "%(rows)s."
            ) % {"count": len(lost), "rows": ", ".join(lost[:_SHOWN_PROBLEMS])}
    return ONE, _("The rows %(range)s are sorted %(order)s by column %(column)s.") % {
        "range": str(params["range"]).upper(),
        "order": _("descending") if descending else _("ascending"),
        "column": column,
    }


def _filters(book: Book) -> list[tuple[str, Any]]:
    """(ref, AutoFilter) of the sheet's filter and of each table's."""
    found: list[tuple[str, Any]] = []
    if book.formulas.auto_filter.ref:
        found.append((book.formulas.auto_filter.ref, book.formulas.auto_filter))
    for table in book.formulas.tables.values():
        if table.autoFilter is not None:
            found.append((table.autoFilter.ref or table.ref, table.autoFilter))
    return found


def _covers(outer: str, inner: tuple[int, int, int, int]) -> bool:
    bounds = parse_range(outer.replace("$", ""))
    if bounds is None:
        return False
    return (
        bounds[0] <= inner[0]
        and bounds[1] <= inner[1]
        and bounds[2] >= inner[2]
        and bounds[3] >= inner[3]
    )


def _criterion_values(auto_filter: Any, column: int, first_col: int) -> set[str] | None:
    for filter_column in auto_filter.filterColumn or []:
        if filter_column.colId == column - first_col and filter_column.filters is not None:
            return {normal_text(str(v)).casefold() for v in filter_column.filters.filter or []}
    return None


def check_filter(book: Book, params: Mapping[str, Any]) -> tuple[Decimal, str]:
    found = _filters(book)
    if not found:
        return ZERO, _("The sheet has no filter (AutoFilter).")
    if params.get("range"):
        wanted = parse_range(str(params["range"])) or (1, 1, 1, 1)
        found = [(ref, item) for ref, item in found if _covers(ref, wanted)]
        if not found:
            return ZERO, _("A filter is set, but it does not cover %(range)s.") % {
                "range": str(params["range"]).upper()
            }
    ref, auto_filter = found[0]
    if not params.get("column"):
        return ONE, _("A filter is set on %(range)s.") % {"range": ref}
    column = str(params["column"]).upper()
    first_col = (parse_range(ref.replace("$", "")) or (1, 1, 1, 1))[0]
    wanted_values = {normal_text(_plain(v)).casefold() for v in params.get("values") or []}
    for candidate_ref, candidate in found:
        start = (parse_range(candidate_ref.replace("$", "")) or (1, 1, 1, 1))[0]
        chosen = _criterion_values(candidate, column_index_from_string(column), start)
        if chosen is not None and chosen == wanted_values:
            return ONE, _("A filter is set on %(range)s, column %(column)s shows %(values)s.") % {
                "range": candidate_ref,
                "column": column,
                "values": ", ".join(sorted(chosen)),
            }
    chosen = _criterion_values(auto_filter, column_index_from_string(column), first_col)
    if chosen is None:
        return HALF, _(
            "A filter is set on %(range)s, but nothing is chosen in column %(column)s."
        ) % {
            "range": ref,
            "column": column,
        }
    return HALF, _(
        "A filter is set on %(range)s, but column %(column)s shows %(values)s "
        "instead of %(wanted)s."
    ) % {
        "range": ref,
        "column": column,
        "values": ", ".join(sorted(chosen)) or _("nothing"),
        "wanted": ", ".join(sorted(wanted_values)),
    }


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def kind_label(kind: str) -> str:
    labels = {
        "col": _("a column chart"),
        "bar": _("a bar chart"),
        "line": _("a line chart"),
        "pie": _("a pie chart"),
        "doughnut": _("a doughnut chart"),
        "area": _("an area chart"),
        "scatter": _("a scatter chart"),
        "radar": _("a radar chart"),
        "bubble": _("a bubble chart"),
    }
    return labels.get(kind, kind)


def _on_sheet(series: Series, sheet: str) -> bool:
    return not series.sheet or series.sheet == sheet


def check_chart(book: Book, params: Mapping[str, Any]) -> tuple[Decimal, str]:
    kind = str(params["type"])
    values = str(params["values"]).upper().replace("$", "")
    categories = str(params.get("categories") or "").upper().replace("$", "")
    sheet = book.formulas.title
    found = charts(book.xlsx)
    if not found:
        return ZERO, _("The workbook has no chart.")
    described: list[str] = []
    best = ZERO
    for chart in found:
        kinds = {series.kind for series in chart}
        for series in chart:
            if series.kind != kind or not _on_sheet(series, sheet):
                continue
            if series.values == values and (not categories or series.categories == categories):
                return ONE, _("Found %(chart)s of %(values)s.") % {
                    "chart": kind_label(kind),
                    "values": values,
                }
        if kind in kinds:
            best = HALF
        refs = ", ".join(
            (s.values or "?") + (f" ({s.categories})" if s.categories else "") for s in chart
        )
        described.append(
            _("%(chart)s of %(ranges)s")
            % {"chart": " + ".join(kind_label(k) for k in sorted(kinds)), "ranges": refs}
        )
    return best, _("Found %(found)s; needed %(chart)s of %(values)s%(categories)s.") % {
        "found": "; ".join(described[:_SHOWN_PROBLEMS]),
        "chart": kind_label(kind),
        "values": values,
        "categories": _(" by %(range)s") % {"range": categories} if categories else "",
    }


def check_data_kept(book: Book, starter_rows: list[list[Any]] | None) -> tuple[Decimal, str]:
    if not starter_rows:
        return ONE, _("The task gives no data to keep.")
    width = max(len(row) for row in starter_rows)
    header = starter_rows[0]
    sheet_header = [book.formulas.cell(1, col).value for col in range(1, width + 1)]
    header_kept = row_key(sheet_header) == row_key(header + [None] * (width - len(header)))
    padded = [row + [None] * (width - len(row)) for row in starter_rows[1:]]
    # Only the columns the starter's data fill: a header may name a column the leader is
    # to fill ("Tổng số"), whose cells then hold the leader's formulas.
    columns = [c for c in range(width) if any(row[c] not in (None, "") for row in padded)]
    data = [[row[c] for c in columns] for row in padded]
    last = min(book.formulas.max_row, len(data) + 1 + 1000)
    sheet = [
        [book.formulas.cell(row, col + 1).value for col in columns] for row in range(2, last + 1)
    ]
    lost = _lost_rows(data, sheet, 2)
    right = len(data) - len(lost) + (1 if header_kept else 0)
    problems = ([] if header_kept else [_("the header row was changed")]) + [
        _("%(row)s was changed or lost") % {"row": label} for label in lost
    ]
    reason = _("%(right)s of %(total)s rows of the data kept") % {
        "right": right,
        "total": len(data) + 1,
    }
    if problems:
        reason += "; " + "; ".join(problems[:_SHOWN_PROBLEMS])
    return share(right, len(data) + 1), reason


__all__ = [
    "check_chart",
    "check_data_kept",
    "check_filter",
    "check_formula",
    "check_number_format",
    "check_sorted",
    "functions_in",
]

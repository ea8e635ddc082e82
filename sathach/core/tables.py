"""Long tables on the server: sorting, filtering and paging by plain links and forms.

A page of the whole country's 3,321 communes stays readable and light: the rows are sorted
and cut here, and each link keeps the other choices of the query string, so the pages work
without script.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.http import QueryDict

Row = TypeVar("Row")

PAGE_SIZE = 40
# A bar chart of communes grows one row per commune up to this many, then pages.
CHART_BARS = PAGE_SIZE


@dataclass(frozen=True)
class Column(Generic[Row]):
    key: str
    label: str
    sort: Callable[[Row], Any] | None = None
    numeric: bool = False


@dataclass
class SortedPage(Generic[Row]):
    page: Page[Row]
    sort: str  # the key, "-" in front when descending
    columns: list[dict[str, Any]]  # label, key, the link that sorts by it, its current arrow
    query: str  # the other choices, to append to a page link

    @property
    def rows(self) -> list[Row]:
        return list(self.page.object_list)


def _number(value: str | None, default: int = 1) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else default


def sorted_page(
    rows: Sequence[Row],
    columns: Sequence[Column[Row]],
    params: QueryDict,
    *,
    default_sort: str,
    page_size: int = PAGE_SIZE,
    page_param: str = "page",
) -> SortedPage[Row]:
    """The asked page of `rows` in the asked order (`?sort=key` or `-key`); an unknown key
    or page falls back to the default order or the nearest page rather than an error."""
    sortable = {column.key: column for column in columns if column.sort is not None}
    sort = params.get("sort", default_sort)
    if sort.lstrip("-") not in sortable:
        sort = default_sort
    column = sortable[sort.lstrip("-")]
    assert column.sort is not None
    ordered = sorted(rows, key=column.sort, reverse=sort.startswith("-"))
    paginator: Paginator[Row] = Paginator(ordered, page_size)
    page = paginator.get_page(_number(params.get(page_param)))
    others = params.copy()
    for key in ("sort", page_param):
        others.pop(key, None)
    base = others.urlencode()
    headers = []
    for each in columns:
        entry: dict[str, Any] = {"key": each.key, "label": each.label, "numeric": each.numeric}
        if each.sort is not None:
            # A number column reads best largest first; a name column A to Z.
            ascending = sort == each.key or (each.numeric and sort != f"-{each.key}")
            target = f"-{each.key}" if ascending else each.key
            entry["href"] = "?" + "&".join(part for part in (base, f"sort={target}") if part)
            entry["arrow"] = "▲" if sort == each.key else "▼" if sort == f"-{each.key}" else ""
        headers.append(entry)
    query = "&".join(part for part in (base, f"sort={sort}") if part)
    return SortedPage(page=page, sort=sort, columns=headers, query=query)


def chart_slice(count: int, params: QueryDict, param: str = "bars") -> tuple[int, int, int, int]:
    """(start, end, this chart page, chart pages) of a per-commune bar chart: at most
    `CHART_BARS` bars a chart, so it grows in height up to a cap and pages beyond."""
    pages = max(1, -(-count // CHART_BARS))
    current = min(_number(params.get(param)), pages)
    start = (current - 1) * CHART_BARS
    return start, min(start + CHART_BARS, count), current, pages

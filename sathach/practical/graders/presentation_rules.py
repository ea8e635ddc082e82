"""The parameters of a presentation task's criteria: the layout kinds an author may ask for
and the checks of what the author wrote (in Vietnamese, for the task's form)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The kinds of layout, decided by the placeholders a layout holds (presentation.layout_kind).
LAYOUT_KINDS: dict[str, str | Promise] = {
    "title": gettext_lazy("Title slide"),
    "title_and_content": gettext_lazy("Title and content"),
    "two_content": gettext_lazy("Title and two contents"),
    "many_content": gettext_lazy("Title and several contents"),
    "title_only": gettext_lazy("Title only"),
    "content_only": gettext_lazy("Content without a title"),
    "blank": gettext_lazy("Blank"),
}
_MAX_COUNT = 200


def layout_label(kind: str) -> str:
    return str(LAYOUT_KINDS.get(kind, kind))


def as_count(value: Any, default: int) -> int:
    """A whole number from the author's parameter (None and "" give the default)."""
    if value is None or value == "" or isinstance(value, bool):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number == value or isinstance(value, str) else default


def _count_problem(params: Mapping[str, Any], name: str, required: bool) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return _("“%(name)s” is required.") % {"name": name} if required else None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return _("“%(name)s” must be a whole number.") % {"name": name}
    try:
        number = int(value)
    except ValueError:
        return _("“%(name)s” must be a whole number.") % {"name": name}
    if not 0 <= number <= _MAX_COUNT:
        return _("“%(name)s” must be between 0 and %(max)s.") % {"name": name, "max": _MAX_COUNT}
    return None


def validate_range(params: Mapping[str, Any]) -> list[str]:
    """min (and for the slides, an optional max at least min)."""
    problems = [p for p in (_count_problem(params, "min", True),) if p]
    if "max" in params:
        problem = _count_problem(params, "max", False)
        if problem:
            problems.append(problem)
        elif (
            not problems
            and params.get("max") not in (None, "", 0, "0")
            and int(params["max"]) < int(params["min"])
        ):
            problems.append(_("“max” must not be less than “min”."))
    return problems


def validate_contains(params: Mapping[str, Any]) -> list[str]:
    value = params.get("contains")
    if value is not None and not isinstance(value, str):
        return [_("“contains” must be a text.")]
    return []


def validate_layout(params: Mapping[str, Any]) -> list[str]:
    problems = [p for p in (_count_problem(params, "min", True),) if p]
    if params.get("layout") not in LAYOUT_KINDS:
        problems.append(
            _("“layout” must be one of: %(kinds)s.") % {"kinds": ", ".join(LAYOUT_KINDS)}
        )
    return problems


def validate_transition(params: Mapping[str, Any]) -> list[str]:
    problems = [p for p in (_count_problem(params, "min", False),) if p]
    if not isinstance(params.get("all"), bool):
        problems.append(_("“all” must be true or false."))
    return problems


def validate_phrases(params: Mapping[str, Any]) -> list[str]:
    phrases = params.get("phrases")
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        return [_("“phrases” must be a list of texts.")]
    if not any(p.strip() for p in phrases):
        return [_("“phrases” needs at least one phrase.")]
    return []

"""The grader of a typing task (Gõ tiếng Việt, IU01/IU03): the leader types a given
Vietnamese passage in the browser, with Telex or VNI through their input method.

The page stores {"text": what was typed, "ms": active typing time in milliseconds,
"pastes": how many times a paste was attempted}; the passage is the task's starter
{"passage": "..."}. Nothing is downloaded. The comparison itself is in typing_text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.practical.graders.base import (
    ONE,
    ZERO,
    Criterion,
    Verdict,
    all_zero,
    params_of,
    validate_against,
)
from sathach.practical.graders.typing_text import (
    Comparison,
    compare,
    is_decomposed,
    legacy_signs,
    normalise,
)

KIND = "typing"
MAX_TEXT = 20_000


def _number(value: Any) -> float | None:
    """A finite number from a parameter or the page's response (not a boolean)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _validate_bounds(params: Mapping[str, Any], top: float) -> list[str]:
    full, zero = _number(params.get("full")), _number(params.get("zero"))
    if full is None or zero is None:
        return [_("“full” and “zero” must be numbers.")]
    if not 0 <= zero < full <= top:
        return [_("It must hold that 0 ≤ “zero” < “full” ≤ %(top)s.") % {"top": _decimal(top)}]
    return []


def _validate_accuracy(params: Mapping[str, Any]) -> list[str]:
    return _validate_bounds(params, 100)


def _validate_speed(params: Mapping[str, Any]) -> list[str]:
    problems = _validate_bounds(params, 1000)
    ceiling, full = _number(params.get("max")), _number(params.get("full"))
    if ceiling is None or (full is not None and ceiling <= full):
        problems.append(_("“max” must be a number above “full”."))
    return problems


CRITERIA: dict[str, Criterion] = {
    # 98 %: a handful of slips in a paragraph; 80 %: one character in five wrong is no
    # longer a typed copy of the passage.
    "accuracy": Criterion(
        "accuracy", gettext_lazy("Accuracy"), {"full": 98, "zero": 80}, _validate_accuracy
    ),
    "unicode": Criterion("unicode", gettext_lazy("Precomposed Unicode")),
    # Words per minute: 25 is an office typist's pace with Telex, 10 a beginner's; above
    # `max` nobody types (a text pasted or injected past the page's counter).
    "speed": Criterion(
        "speed",
        gettext_lazy("Typing speed"),
        {"full": 25, "zero": 10, "max": 150},
        _validate_speed,
    ),
    "no_paste": Criterion("no_paste", gettext_lazy("Typed, not pasted")),
}


def make_starter(starter: Any) -> bytes | None:
    """Nothing to download: the passage is shown on the page."""
    return None


def _decimal(value: float) -> str:
    """A number with at most one decimal, with the active language's decimal separator
    (the comma in Vietnamese: 96,4)."""
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


def _ramp(value: float, full: float, zero: float) -> Decimal:
    """1 at or above `full`, 0 at or below `zero`, in a straight line between."""
    if value >= full:
        return ONE
    if value <= zero:
        return ZERO
    return (Decimal(str(value - zero)) / Decimal(str(full - zero))).quantize(Decimal("0.0001"))


def _response(response: Any) -> tuple[str, float | None, Any, bool]:
    """The typed text (capped), the typing time, the paste count and whether the text
    arrived decomposed, as the page sent them, or empty ones for anything else. The exam
    stores the text in NFC and keeps "decomposed": true beside it when it came in NFD
    (exams.services.answers)."""
    if not isinstance(response, Mapping):
        return "", None, None, False
    text = response.get("text")
    text = text[:MAX_TEXT] if isinstance(text, str) else ""
    decomposed = response.get("decomposed") is True or is_decomposed(text)
    return text, _number(response.get("ms")), response.get("pastes"), decomposed


def grade_typed(response: Any, specs: Sequence[Any], *, starter: Any) -> list[Verdict]:
    """One verdict per criterion of `specs`, in order; never raises on the response."""
    # A criterion that is not an object (a broken task) is graded as an unknown one.
    rows = [spec if isinstance(spec, Mapping) else {} for spec in specs]
    passage = starter.get("passage") if isinstance(starter, Mapping) else None
    if not isinstance(passage, str) or not normalise(passage):
        return all_zero(rows, _("The task has no passage to type."))
    text, ms, pastes, decomposed = _response(response)
    if not normalise(text):
        return all_zero(rows, _("Nothing was typed."))
    expected = normalise(passage)
    comparison = compare(normalise(text), expected)
    verdicts = []
    for spec in rows:
        key = str(spec.get("key", "")) if isinstance(spec, Mapping) else ""
        criterion = CRITERIA.get(key)
        if criterion is None or not isinstance(spec, Mapping):
            verdicts.append(Verdict(key, ZERO, _("This criterion is not known to the grader.")))
            continue
        params = params_of(spec, criterion)
        problems = criterion.validate(params) if criterion.validate else []
        if problems:
            verdicts.append(Verdict(key, ZERO, problems[0]))
        elif key == "accuracy":
            verdicts.append(_accuracy(params, comparison))
        elif key == "unicode":
            verdicts.append(_unicode(text, expected, decomposed=decomposed))
        elif key == "speed":
            verdicts.append(_speed(params, comparison, ms))
        else:
            verdicts.append(_no_paste(pastes))
    return verdicts


def _accuracy(params: Mapping[str, Any], comparison: Comparison) -> Verdict:
    percent = round(comparison.accuracy, 1)
    earned = _ramp(percent, _number(params["full"]) or 0, _number(params["zero"]) or 0)
    if comparison.errors == 0:
        reason = _("Accuracy %(percent)s %%: no character wrong.") % {"percent": "100"}
        return Verdict("accuracy", earned, reason)
    details = {"percent": _decimal(percent), "errors": comparison.errors}
    if comparison.example is None:
        return Verdict(
            "accuracy",
            earned,
            _("Accuracy %(percent)s %%: %(errors)s characters wrong.") % details,
        )
    typed, expected = comparison.example
    if not typed:
        example = _("'%(expected)s' left out") % {"expected": expected}
    elif not expected:
        example = _("'%(typed)s' added") % {"typed": typed}
    else:
        example = _("'%(typed)s' instead of '%(expected)s'") % {
            "typed": typed,
            "expected": expected,
        }
    reason = _("Accuracy %(percent)s %%: %(errors)s characters wrong (e.g. %(example)s).") % {
        **details,
        "example": example,
    }
    return Verdict("accuracy", earned, reason)


def _unicode(text: str, passage: str, *, decomposed: bool) -> Verdict:
    if decomposed:
        return Verdict(
            "unicode",
            ZERO,
            _(
                "The text is in decomposed Unicode (letters and marks typed apart): "
                "choose the character set “Unicode” (precomposed) in Unikey."
            ),
        )
    signs = legacy_signs(text, passage)
    if signs:
        return Verdict(
            "unicode",
            ZERO,
            _(
                "The text holds characters of an old Vietnamese encoding (%(signs)s): "
                "choose the character set “Unicode” (precomposed) in Unikey."
            )
            % {"signs": " ".join(dict.fromkeys(signs[:20]))},
        )
    return Verdict("unicode", ONE, _("The text is in precomposed Unicode."))


def _speed(params: Mapping[str, Any], comparison: Comparison, ms: float | None) -> Verdict:
    if ms is None or ms <= 0:
        return Verdict("speed", ZERO, _("The typing time was not recorded."))
    wpm = comparison.correct_words * 60_000 / ms
    ceiling = _number(params["max"]) or 0
    if wpm > ceiling:
        return Verdict(
            "speed",
            ZERO,
            _("%(wpm)s words per minute is beyond any typing: the text was not typed here.")
            % {"wpm": _decimal(wpm)},
        )
    full, zero = _number(params["full"]) or 0, _number(params["zero"]) or 0
    reason = _("%(wpm)s correct words per minute, %(full)s wanted.") % {
        "wpm": _decimal(wpm),
        "full": _decimal(full),
    }
    return Verdict("speed", _ramp(round(wpm, 1), full, zero), reason)


def _no_paste(pastes: Any) -> Verdict:
    if isinstance(pastes, bool) or not isinstance(pastes, int) or pastes < 0:
        return Verdict("no_paste", ZERO, _("The page did not record the pastes."))
    if pastes:
        return Verdict(
            "no_paste",
            ZERO,
            _("Pasting was tried %(count)s times: the passage must be typed by hand.")
            % {"count": pastes},
        )
    return Verdict("no_paste", ONE, _("Typed without pasting."))


def validate_specs(specs: Any) -> list[str]:
    """The problems of a task's criteria, in Vietnamese, each naming its criterion (the
    rules every kind shares: graders.base.validate_against)."""
    return validate_against(
        specs,
        CRITERIA,
        lambda number, key: (
            _("Criterion %(n)s: “%(key)s” is not a criterion of a typing task.")
            % {"n": number, "key": key}
        ),
    )


# What the task editor and the bank's page call each parameter.
PARAM_LABELS = {
    "full": gettext_lazy("full points from"),
    "zero": gettext_lazy("no points at or below"),
    "max": gettext_lazy("fastest believable speed (words a minute)"),
}

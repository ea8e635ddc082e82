"""What every grader of a practical task shares.

A practical task is a question version whose `data` holds its criteria:

    {"criteria": [{"key": "margins", "weight": "2", "params": {"top": [20, 25]}}, ...],
     "starter": {...}}           # what the leader downloads (see each kind's starter)

A grader reads the leader's file (or, for typing, the typed text) and gives one `Verdict`
per criterion, in the order of the criteria: the share of the criterion's points earned
(0 to 1) and a reason in the leader's words ("Lề trái 25 mm, cần 30-35 mm"). A grader never
raises on a leader's file: a file it cannot read gives every criterion 0 with the reason.
The points are the criterion's weight times its share (sathach.practical.scoring).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class Criterion:
    """A criterion of a kind's catalogue: its key in the task's data, its label for the
    author and the leader, and the parameters it takes with their defaults (the rule in
    force: Nghị định 30/2020 for a document's layout)."""

    key: str
    label: str | Promise
    defaults: Mapping[str, Any] = field(default_factory=dict)
    # Checks the author's parameters; returns the problems in Vietnamese (empty: fine).
    validate: Callable[[Mapping[str, Any]], list[str]] | None = None


@dataclass(frozen=True)
class Verdict:
    key: str
    earned: Decimal  # the share of the criterion's points, 0 to 1
    reason: str  # Vietnamese, for the leader's review

    def __post_init__(self) -> None:
        if not ZERO <= self.earned <= ONE:
            raise ValueError(f"earned {self.earned} outside 0..1")


def params_of(spec: Mapping[str, Any], criterion: Criterion) -> dict[str, Any]:
    """The criterion's parameters: its defaults overridden by those the task gives."""
    given = spec.get("params") or {}
    return {**criterion.defaults, **(given if isinstance(given, Mapping) else {})}


def all_zero(specs: list[Mapping[str, Any]], reason: str) -> list[Verdict]:
    """Every criterion earns nothing, for the same reason (a file that cannot be read)."""
    return [Verdict(str(spec.get("key", "")), ZERO, reason) for spec in specs]


def share(right: int, total: int) -> Decimal:
    """right / total as a share between 0 and 1 (0 when there is nothing to count)."""
    if total <= 0:
        return ZERO
    return (Decimal(right) / Decimal(total)).quantize(Decimal("0.0001"))


def validate_against(
    specs: Any, catalogue: Mapping[str, Criterion], unknown: Callable[[int, str], str]
) -> list[str]:
    """The problems of a task's criteria against a kind's catalogue, in Vietnamese, each
    naming its criterion: at least one criterion, each a known key (`unknown(n, key)` says
    it is not), a positive weight, known parameters, and the criterion's own checks."""
    if not isinstance(specs, list) or not specs:
        return [_("The task must have at least one criterion.")]
    problems: list[str] = []
    for number, spec in enumerate(specs, 1):
        if not isinstance(spec, Mapping):
            problems.append(_("Criterion %(n)s is not a key with a weight.") % {"n": number})
            continue
        key = str(spec.get("key", ""))
        criterion = catalogue.get(key)
        if criterion is None:
            problems.append(unknown(number, key))
            continue
        try:
            weight = Decimal(str(spec.get("weight", "")))
            weight_ok = weight.is_finite() and weight > 0
        except InvalidOperation:
            weight_ok = False
        if not weight_ok:
            problems.append(
                _("%(criterion)s: the weight must be a positive number.")
                % {"criterion": criterion.label}
            )
        given = spec.get("params", {})
        if given is not None and not isinstance(given, Mapping):
            problems.append(
                _("%(criterion)s: the parameters must be a set of names and values.")
                % {"criterion": criterion.label}
            )
            continue
        unknown_names = sorted(set(given or {}) - set(criterion.defaults))
        if unknown_names:
            problems.append(
                _("%(criterion)s: unknown parameter %(names)s.")
                % {
                    "criterion": criterion.label,
                    "names": ", ".join(f"“{n}”" for n in unknown_names),
                }
            )
        if criterion.validate:
            problems += [
                f"{criterion.label}: {problem}"
                for problem in criterion.validate(params_of(spec, criterion))
            ]
    return problems

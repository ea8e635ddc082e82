"""From verdicts to points: each criterion earns its weight times its share, a proctor's
points replace the grader's for that criterion, and the slot's fraction is the points
earned over the weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sathach.practical.graders.base import Verdict

ZERO = Decimal(0)
ONE = Decimal(1)


def weight_of(spec: Mapping[str, Any]) -> Decimal:
    try:
        weight = Decimal(str(spec.get("weight", "1")))
    except InvalidOperation:
        return ZERO
    return weight if weight.is_finite() and weight > 0 else ZERO


@dataclass(frozen=True)
class Row:
    """One criterion of a graded slot, as the review and the proctor read it."""

    key: str
    label: str
    weight: Decimal
    points: Decimal
    reason: str
    # The proctor's change, when there is one: their reason (the grader's is kept above).
    override_reason: str = ""
    grader_points: Decimal | None = None

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


def verdicts_as_json(
    specs: list[Mapping[str, Any]], verdicts: list[Verdict], labels: Mapping[str, str]
) -> list[dict[str, str]]:
    """What a Grading stores: each verdict with its criterion's weight and label."""
    rows = []
    for spec, verdict in zip(specs, verdicts, strict=False):
        rows.append(
            {
                "key": verdict.key,
                "label": labels.get(verdict.key, verdict.key),
                "weight": str(weight_of(spec)),
                "earned": str(verdict.earned),
                "reason": verdict.reason,
            }
        )
    return rows


def rows_of(stored: Iterable[Mapping[str, Any]], overrides: Mapping[str, Any]) -> list[Row]:
    """The review's rows from a Grading's verdicts and the slot's overrides (key → object
    with `points` and `reason`)."""
    rows = []
    for verdict in stored:
        key = str(verdict.get("key", ""))
        weight = Decimal(str(verdict.get("weight", "0")))
        earned = Decimal(str(verdict.get("earned", "0")))
        points = (weight * earned).quantize(Decimal("0.01"))
        override = overrides.get(key)
        if override is not None:
            rows.append(
                Row(
                    key,
                    str(verdict.get("label", key)),
                    weight,
                    min(weight, max(ZERO, Decimal(override.points))),
                    str(verdict.get("reason", "")),
                    override_reason=str(override.reason),
                    grader_points=points,
                )
            )
        else:
            rows.append(
                Row(
                    key,
                    str(verdict.get("label", key)),
                    weight,
                    points,
                    str(verdict.get("reason", "")),
                )
            )
    return rows


def fraction_of(rows: list[Row]) -> Decimal:
    """The share of the slot's mark the rows earn (0 when nothing was graded)."""
    total = sum((row.weight for row in rows), ZERO)
    if total <= 0:
        return ZERO
    earned = sum((row.points for row in rows), ZERO)
    return max(ZERO, min(ONE, (earned / total).quantize(Decimal("0.0000001"))))

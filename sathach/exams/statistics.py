"""Item and test statistics of a session, as Moodle's quiz statistics define them.

- Facility index: the mean share of the mark that examinees earned on the item (0 to 1).
- Discrimination index: the correlation between the item's score and the score on the rest of
  the test; a good item is answered well by those who do well elsewhere.
- Cronbach's alpha: the internal consistency of the test, over the slots of the form (each
  examinee's form is drawn at random, so slot i holds different questions of the same rule).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from statistics import fmean, median, pstdev, pvariance
from typing import Any

from django.utils.translation import gettext_lazy as _

from sathach.exams.models import Attempt, AttemptItem, ExamSession

MIN_ANSWERS = 5  # below this an item's figures say little; it is not flagged
TOO_HARD = 0.2
TOO_EASY = 0.95
POOR_DISCRIMINATION = 0.15

FLAG_LABELS = {
    "too_hard": _("Very hard: few examinees got it right"),
    "too_easy": _("Very easy: almost everybody got it right"),
    "poor": _("Tells good and weak examinees apart poorly"),
    "negative": _("Weak examinees do better than good ones: check the key"),
}


@dataclass
class ItemStatistics:
    question_id: int
    version_id: int
    title: str
    category: str
    answers: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    flags: list[str] = field(default_factory=list)

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]


@dataclass
class TestStatistics:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    alpha: float | None
    items: list[ItemStatistics]

    @property
    def flagged(self) -> list[ItemStatistics]:
        return [item for item in self.items if item.flags]


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when either side does not vary."""
    if len(xs) < 2:
        return None
    mx, my = fmean(xs), fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def cronbach_alpha(rows: list[list[float]]) -> float | None:
    """Alpha of a score matrix, one row per examinee and one column per slot."""
    if len(rows) < 2 or not rows[0] or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    totals = [sum(row) for row in rows]
    total_variance = pvariance(totals)
    if total_variance == 0:
        return None
    slot_variances = sum(pvariance([row[i] for row in rows]) for i in range(k))
    return k / (k - 1) * (1 - slot_variances / total_variance)


def _flags(facility: float | None, discrimination: float | None, answers: int) -> list[str]:
    if answers < MIN_ANSWERS or facility is None:
        return []
    flags = []
    if facility < TOO_HARD:
        flags.append("too_hard")
    elif facility > TOO_EASY:
        flags.append("too_easy")
    if discrimination is not None:
        if discrimination < 0:
            flags.append("negative")
        elif discrimination < POOR_DISCRIMINATION:
            flags.append("poor")
    return flags


def session_statistics(session: ExamSession) -> TestStatistics:
    """Figures over the session's submitted attempts (scores in percent)."""
    attempts = list(
        session.attempts.filter(status=Attempt.Status.SUBMITTED).values_list("pk", "percent")
    )
    items = (
        AttemptItem.objects.filter(attempt__in=[pk for pk, _p in attempts])
        .select_related("version__question__category")
        .order_by("attempt_id", "position")
    )
    by_attempt: dict[int, list[AttemptItem]] = defaultdict(list)
    for item in items:
        by_attempt[item.attempt_id].append(item)
    totals = {pk: sum(float(i.fraction or 0) for i in rows) for pk, rows in by_attempt.items()}

    per_question: dict[int, list[tuple[float, float]]] = defaultdict(list)
    versions: dict[int, AttemptItem] = {}
    for pk, rows in by_attempt.items():
        for item in rows:
            score = float(item.fraction or 0)
            per_question[item.version.question_id].append((score, totals[pk] - score))
            versions.setdefault(item.version.question_id, item)
    item_stats = []
    for question_id, pairs in per_question.items():
        scores = [s for s, _rest in pairs]
        facility = fmean(scores) if scores else None
        discrimination = correlation(scores, [rest for _s, rest in pairs])
        version = versions[question_id].version
        item_stats.append(
            ItemStatistics(
                question_id=question_id,
                version_id=version.pk,
                title=version.title or version.text[:80],
                category=version.question.category.path,
                answers=len(scores),
                facility=facility,
                sd=pstdev(scores) if len(scores) > 1 else None,
                discrimination=discrimination,
                flags=_flags(facility, discrimination, len(scores)),
            )
        )
    item_stats.sort(key=lambda s: (not s.flags, s.category, s.title))

    percents = [float(p) for _pk, p in attempts if p is not None]
    width = max((len(rows) for rows in by_attempt.values()), default=0)
    matrix = [
        [float(i.fraction or 0) for i in rows] for rows in by_attempt.values() if len(rows) == width
    ]
    return TestStatistics(
        attempts=len(attempts),
        mean=fmean(percents) if percents else None,
        median=median(percents) if percents else None,
        sd=pstdev(percents) if len(percents) > 1 else None,
        alpha=cronbach_alpha(matrix),
        items=item_stats,
    )


def statistics_as_json(stats: TestStatistics) -> dict[str, Any]:
    """The figures as stored on the session by the statistics job."""
    return asdict(stats)


def statistics_from_json(data: dict[str, Any]) -> TestStatistics:
    items = [ItemStatistics(**item) for item in data.get("items", [])]
    return TestStatistics(**{**data, "items": items})

"""The ranking engine of a campaign (contracts/ranking.md): one pure function, used by the
`rank` commands, the ranking page and the approval snapshot.

Every rate is an exact `Fraction`; targets are exact too. Strings with two decimals exist
only for display (`ranking_to_json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from typing import Any

PARTICIPANTS = "participants"
FACILITIES = "facilities"
MEAN_SCORE = "mean_score"
WOMEN = "women"
TIE_BREAKERS = (PARTICIPANTS, FACILITIES, MEAN_SCORE, WOMEN)
POSITIONS = ("chu_tich", "pho_chu_tich")
OUTCOMES = ("passed", "failed", "absent")
FEMALE = "female"
GENDERS = (FEMALE, "male")
PARTICIPATION_BELOW = "participation_below_target"
PASS_RATE_BELOW = "pass_rate_below_target"


@dataclass(frozen=True)
class RankingRules:
    code: str = ""
    participation_target: Fraction = Fraction(100)
    pass_target: Fraction = Fraction(85)
    awards: int = 3
    tie_breakers: tuple[str, ...] = (PARTICIPANTS, FACILITIES)


@dataclass(frozen=True)
class LeaderResult:
    id: str
    name: str
    position: str
    content1: str
    content2: str
    # Needed only by the tie-breakers that read them: "female", "male" or "" (not given),
    # and each content's score as an exact share of its maximum (0 to 1), None when not given.
    gender: str = ""
    score1: Fraction | None = None
    score2: Fraction | None = None

    @property
    def tested(self) -> bool:
        return self.content1 != "absent" and self.content2 != "absent"

    @property
    def passed_both(self) -> bool:
        return self.content1 == "passed" and self.content2 == "passed"


@dataclass(frozen=True)
class UnitInput:
    code: str
    name: str
    facility_score: Decimal
    leaders: tuple[LeaderResult, ...]


@dataclass
class UnitRanking:
    code: str
    name: str
    leaders: int
    tested: int
    passed_both: int
    participation: Fraction
    pass_rate: Fraction
    facility_score: Decimal
    meets_targets: bool
    reasons: list[str] = field(default_factory=list)
    rank: int | None = None
    award: str = "no"
    mean_score: Fraction = Fraction(0)
    women: int = 0
    women_rate: Fraction = Fraction(0)


@dataclass
class Ranking:
    campaign_code: str
    units: list[UnitRanking]
    undecided: list[str]
    tie_breakers: tuple[str, ...] = (PARTICIPANTS, FACILITIES)


def _below(rate: Fraction, target: Fraction) -> bool:
    """100 * rate < target, exactly, in integers."""
    return rate.numerator * 100 * target.denominator < target.numerator * rate.denominator


def _measure(unit: UnitInput, rules: RankingRules) -> UnitRanking:
    leaders = len(unit.leaders)
    tested_leaders = [leader for leader in unit.leaders if leader.tested]
    tested = len(tested_leaders)
    passed = sum(1 for leader in tested_leaders if leader.passed_both)
    participation = Fraction(tested, leaders) if leaders else Fraction(0)
    pass_rate = Fraction(passed, tested) if tested else Fraction(0)
    reasons = []
    # Targets are percentages: compare 100 times the rate with them, exactly.
    if _below(participation, rules.participation_target):
        reasons.append(PARTICIPATION_BELOW)
    if _below(pass_rate, rules.pass_target):
        reasons.append(PASS_RATE_BELOW)
    measured = UnitRanking(
        code=unit.code,
        name=unit.name,
        leaders=leaders,
        tested=tested,
        passed_both=passed,
        participation=participation,
        pass_rate=pass_rate,
        facility_score=unit.facility_score,
        meets_targets=not reasons,
        reasons=reasons,
    )
    if MEAN_SCORE in rules.tie_breakers and tested:
        scores = [(leader.score1, leader.score2) for leader in tested_leaders]
        if any(score is None for pair in scores for score in pair):
            raise ValueError(f"{unit.code}: a tested leader has no score for {MEAN_SCORE}")
        measured.mean_score = sum((s1 + s2 for s1, s2 in scores), Fraction(0)) / (2 * tested)  # type: ignore[operator]
    if WOMEN in rules.tie_breakers and leaders:
        measured.women = sum(1 for leader in unit.leaders if leader.gender == FEMALE)
        measured.women_rate = Fraction(measured.women, leaders)
    return measured


def _value(unit: UnitRanking, breaker: str) -> Any:
    if breaker == PARTICIPANTS:
        return unit.tested
    if breaker == FACILITIES:
        return unit.facility_score
    if breaker == MEAN_SCORE:
        return unit.mean_score
    return unit.women_rate


def _keys(units: list[UnitRanking], tie_breakers: tuple[str, ...]) -> list[tuple[int, ...]]:
    """Ascending sort keys: higher pass rate first, then each tie-breaker, best first.

    Each value becomes its place among the distinct values of its column (best = 0), so
    the sort compares small integers and never an exact fraction twice; the order is the
    order of the exact values.
    """
    columns = [[unit.pass_rate for unit in units]]
    columns += [[_value(unit, breaker) for unit in units] for breaker in tie_breakers]
    places = []
    for column in columns:
        place = {value: index for index, value in enumerate(sorted(set(column), reverse=True))}
        places.append([place[value] for value in column])
    return list(zip(*places, strict=True)) if places else []


def rank_units(rules: RankingRules, units: list[UnitInput]) -> Ranking:
    """Rank the units by the plan's rules.

    Units meeting the targets are ranked by pass rate, then by the tie-breakers in order;
    equal units share a rank and the next rank skips (1, 2, 2, 4). A tie group that starts
    within the awards but does not fit goes to the council. The others follow, unranked.
    """
    measured = [_measure(unit, rules) for unit in units]
    keys = _keys(measured, rules.tie_breakers)
    ordered = sorted(zip(keys, measured, strict=True), key=lambda pair: (pair[0], pair[1].code))
    ranked = [pair for pair in ordered if pair[1].meets_targets]
    others = [unit for _key, unit in ordered if not unit.meets_targets]
    undecided: list[str] = []
    position = 1
    for _key_value, group_iter in groupby(ranked, key=lambda pair: pair[0]):
        group = [unit for _key, unit in group_iter]
        last = position + len(group) - 1
        if last <= rules.awards:
            award = "yes"
        elif position <= rules.awards:
            award = "council"
            undecided.extend(unit.code for unit in group)
        else:
            award = "no"
        for unit in group:
            unit.rank = position
            unit.award = award
        position += len(group)
    return Ranking(
        campaign_code=rules.code,
        units=[unit for _key, unit in ranked] + others,
        undecided=undecided,
        tie_breakers=rules.tie_breakers,
    )


def percent_text(rate: Fraction) -> str:
    """A rate as a percentage with exactly two decimals, rounded half up (5/6 → 83.33)."""
    # floor(rate * 10000 + 1/2) in integers: the rates here are never negative.
    hundredths = (rate.numerator * 20000 + rate.denominator) // (2 * rate.denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def decimal_text(value: Decimal) -> str:
    """A decimal without trailing zeros and never in exponent form: 9.50 → 9.5, 10 → 10."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def ranking_to_json(ranking: Ranking) -> dict[str, Any]:
    """The `sathach rank --json` document.

    `mean_score` appears when the ranking uses it, `women` and `women_rate` likewise, so a
    ranking without these tie-breakers prints exactly what it printed before them.
    """
    mean_score = MEAN_SCORE in ranking.tie_breakers
    women = WOMEN in ranking.tie_breakers
    units = []
    for unit in ranking.units:
        row: dict[str, Any] = {
            "code": unit.code,
            "name": unit.name,
            "leaders": unit.leaders,
            "tested": unit.tested,
            "passed_both": unit.passed_both,
            "participation_rate": percent_text(unit.participation),
            "pass_rate": percent_text(unit.pass_rate),
            "facility_score": decimal_text(unit.facility_score),
        }
        if mean_score:
            row["mean_score"] = percent_text(unit.mean_score)
        if women:
            row["women"] = unit.women
            row["women_rate"] = percent_text(unit.women_rate)
        row["meets_targets"] = unit.meets_targets
        row["reasons"] = list(unit.reasons)
        row["rank"] = unit.rank
        row["award"] = unit.award
        units.append(row)
    return {"campaign": ranking.campaign_code, "units": units, "undecided": list(ranking.undecided)}

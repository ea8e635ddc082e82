"""The ranking engine of a campaign (contracts/ranking.md): one pure function, used by the
`rank` commands, the ranking page and the approval snapshot.

Every rate is an exact `Fraction`; targets are exact too. Strings with two decimals exist
only for display (`ranking_to_json`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from typing import Any

PARTICIPANTS = "participants"
FACILITIES = "facilities"
TIE_BREAKERS = (PARTICIPANTS, FACILITIES)
POSITIONS = ("chu_tich", "pho_chu_tich")
OUTCOMES = ("passed", "failed", "absent")
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


@dataclass
class Ranking:
    campaign_code: str
    units: list[UnitRanking]
    undecided: list[str]


def _measure(unit: UnitInput, rules: RankingRules) -> UnitRanking:
    leaders = len(unit.leaders)
    tested = sum(1 for leader in unit.leaders if leader.tested)
    passed = sum(1 for leader in unit.leaders if leader.passed_both)
    participation = Fraction(tested, leaders) if leaders else Fraction(0)
    pass_rate = Fraction(passed, tested) if tested else Fraction(0)
    reasons = []
    # Targets are percentages: compare 100 times the rate with them, exactly.
    if participation * 100 < rules.participation_target:
        reasons.append(PARTICIPATION_BELOW)
    if pass_rate * 100 < rules.pass_target:
        reasons.append(PASS_RATE_BELOW)
    return UnitRanking(
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


def _key(unit: UnitRanking, tie_breakers: tuple[str, ...]) -> tuple[Any, ...]:
    """Ascending sort key: higher pass rate first, then each tie-breaker, best first."""
    parts: list[Any] = [-unit.pass_rate]
    for breaker in tie_breakers:
        parts.append(-unit.tested if breaker == PARTICIPANTS else -unit.facility_score)
    return tuple(parts)


def rank_units(rules: RankingRules, units: list[UnitInput]) -> Ranking:
    """Rank the units by the plan's rules.

    Units meeting the targets are ranked by pass rate, then by the tie-breakers in order;
    equal units share a rank and the next rank skips (1, 2, 2, 4). A tie group that starts
    within the awards but does not fit goes to the council. The others follow, unranked.
    """
    measured = [_measure(unit, rules) for unit in units]
    ordered = sorted(measured, key=lambda u: (_key(u, rules.tie_breakers), u.code))
    ranked = [unit for unit in ordered if unit.meets_targets]
    others = [unit for unit in ordered if not unit.meets_targets]
    undecided: list[str] = []
    position = 1
    for _key_value, group_iter in groupby(ranked, key=lambda u: _key(u, rules.tie_breakers)):
        group = list(group_iter)
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
    return Ranking(campaign_code=rules.code, units=ranked + others, undecided=undecided)


def percent_text(rate: Fraction) -> str:
    """A rate as a percentage with exactly two decimals, rounded half up (5/6 → 83.33)."""
    hundredths = math.floor(rate * 10000 + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def decimal_text(value: Decimal) -> str:
    """A decimal without trailing zeros and never in exponent form: 9.50 → 9.5, 10 → 10."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def ranking_to_json(ranking: Ranking) -> dict[str, Any]:
    """The `sathach rank --json` document."""
    return {
        "campaign": ranking.campaign_code,
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                "leaders": unit.leaders,
                "tested": unit.tested,
                "passed_both": unit.passed_both,
                "participation_rate": percent_text(unit.participation),
                "pass_rate": percent_text(unit.pass_rate),
                "facility_score": decimal_text(unit.facility_score),
                "meets_targets": unit.meets_targets,
                "reasons": list(unit.reasons),
                "rank": unit.rank,
                "award": unit.award,
            }
            for unit in ranking.units
        ],
        "undecided": list(ranking.undecided),
    }

"""Yearly rounds side by side: each commune's and each leader's figures in the earlier
campaigns of the same issuing unit (or one chosen campaign of it) next to this campaign's.

Every round is read in the scope of the current one: a district role compares every
commune, a commune officer only their own. The figures are those of the results workbook
(`campaign_figures`): participation and pass rate as the ranking counts them, the e-office
content's outcome, the IT-skills score per module of TT 03/2014 (`module_scores`, kept from
the built-in test's attempts; an imported result has none) and the signing-device coverage
as the readiness page counts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet

from sathach.campaigns.models import Campaign, Result
from sathach.exams.models import MODULE_CODES
from sathach.organization.models import Person
from sathach.reports.selectors import (
    CampaignFigures,
    LeaderFigures,
    ReportScope,
    UnitFigures,
    campaign_figures,
)

HUNDREDTH = Decimal("0.01")


def other_rounds(campaign: Campaign) -> QuerySet[Campaign]:
    """The other campaigns of the campaign's issuing unit, oldest first."""
    return (
        Campaign.objects.filter(issuing_unit=campaign.issuing_unit)
        .exclude(pk=campaign.pk)
        .order_by("issued_on", "code")
    )


def earlier_rounds(campaign: Campaign) -> QuerySet[Campaign]:
    return other_rounds(campaign).filter(issued_on__lt=campaign.issued_on)


def module_percent(result: Result | None, code: str) -> Decimal | None:
    found = result.module_scores.get(code) if result else None
    return Decimal(found["percent"]) if found else None


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(HUNDREDTH) if values else None


@dataclass(frozen=True)
class UnitRound:
    """A commune's figures in one round."""

    campaign: Campaign
    figures: UnitFigures

    @property
    def leaders(self) -> int:
        return len(self.figures.leaders)

    @property
    def eoffice_passed(self) -> int:
        return self.figures.passed(2)

    @property
    def eoffice_taken(self) -> int:
        return self.figures.taken(2)

    @property
    def eoffice_rate(self) -> Fraction:
        taken = self.eoffice_taken
        return Fraction(self.eoffice_passed, taken) if taken else Fraction(0)

    @property
    def modules(self) -> list[Decimal | None]:
        """The mean percentage of each module over the leaders scored in it."""
        return [
            _mean(
                [
                    value
                    for leader in self.figures.leaders
                    if (value := module_percent(leader.content1, code)) is not None
                ]
            )
            for code in MODULE_CODES
        ]

    @property
    def coverage(self) -> Fraction:
        return self.figures.readiness.coverage


@dataclass(frozen=True)
class LeaderRound:
    """A leader's figures in one round."""

    campaign: Campaign
    figures: LeaderFigures
    has_device: bool

    @property
    def content1_percent(self) -> Decimal | None:
        result = self.figures.content1
        if result is None or result.score is None or not result.max_score:
            return None
        return (result.score * 100 / result.max_score).quantize(HUNDREDTH)

    @property
    def modules(self) -> list[Decimal | None]:
        return [module_percent(self.figures.content1, code) for code in MODULE_CODES]


@dataclass
class RoundsComparison:
    campaign: Campaign
    rounds: list[Campaign]  # the earlier ones compared, oldest first, then this one
    units: list[tuple[str, str, list[UnitRound]]]  # (code, name, one row per round found)
    leaders: list[tuple[Person, list[LeaderRound]]]

    @property
    def earlier(self) -> list[Campaign]:
        return self.rounds[:-1]


def _scope_in(scope: ReportScope, campaign: Campaign) -> ReportScope:
    """The earlier round's communes the current scope covers (no ranking: not compared)."""
    participants = campaign.participants.order_by("code")
    if not scope.district:
        participants = participants.filter(pk__in=[unit.pk for unit in scope.units])
    return ReportScope(campaign, tuple(participants), False)


def rounds_comparison(
    scope: ReportScope,
    *,
    current: CampaignFigures | None = None,
    chosen: Campaign | None = None,
) -> RoundsComparison:
    """This campaign's figures next to those of each earlier round of its issuing unit, or
    of the `chosen` one; `current`: this campaign's figures when already computed."""
    campaign = scope.campaign
    earlier = [chosen] if chosen is not None else list(earlier_rounds(campaign))
    figures_by_round: list[tuple[Campaign, CampaignFigures]] = [
        (other, campaign_figures(_scope_in(scope, other))) for other in earlier
    ]
    figures_by_round.append((campaign, current or campaign_figures(_scope_in(scope, campaign))))
    units: dict[str, tuple[str, list[UnitRound]]] = {}
    leaders: dict[int, tuple[Person, list[LeaderRound]]] = {}
    for round_campaign, figures in figures_by_round:
        for unit in figures.units:
            entry = units.setdefault(unit.unit.code, (unit.unit.name, []))
            entry[1].append(UnitRound(round_campaign, unit))
            covered = {ready.person.pk for ready in unit.readiness.leaders if ready.valid_device}
            for leader in unit.leaders:
                person = leader.person
                rows = leaders.setdefault(person.pk, (person, []))[1]
                rows.append(LeaderRound(round_campaign, leader, person.pk in covered))
    # The current round's leaders first, in its order, then those of earlier rounds only.
    current_people = [leader.person.pk for leader in figures_by_round[-1][1].leaders]
    ordered = current_people + [pk for pk in leaders if pk not in set(current_people)]
    return RoundsComparison(
        campaign=campaign,
        rounds=[round_campaign for round_campaign, _figures in figures_by_round],
        units=[(code, name, rows) for code, (name, rows) in sorted(units.items())],
        leaders=[leaders[pk] for pk in ordered],
    )


def round_label(campaign: Campaign) -> str:
    return f"{campaign.code} ({campaign.issued_on.year})"


def percent_of(rate: Fraction) -> Any:
    """A rate as a percentage with two decimals, for a page."""
    return (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(HUNDREDTH)

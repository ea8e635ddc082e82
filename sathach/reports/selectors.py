"""What the reports read: who may export what, and the campaign's figures in one place.

A district role (admin, council) exports the whole campaign: every commune, the ranking and
the documents. A commune officer exports only the workbook, cut to their own commune's rows
and without the ranking, which compares communes and is the district's to publish.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.http import Http404
from django.utils import timezone

from sathach.campaigns.models import AwardDecision, Campaign, RankingSnapshot, Result
from sathach.campaigns.selectors import (
    UnitReadiness,
    campaign_ranking,
    campaign_units_for_user,
    readiness,
    results_by_leader,
)
from sathach.campaigns.services import snapshot_award_codes
from sathach.organization.models import AdministrativeUnit, Person
from sathach.organization.permissions import Perm, user_can

# Statuses in which the council's approved ranking, not the live one, is the ranking.
APPROVED_STATUSES = (
    Campaign.Status.APPROVED,
    Campaign.Status.AWARDED,
    Campaign.Status.CLOSED,
)


@dataclass(frozen=True)
class ReportScope:
    campaign: Campaign
    units: tuple[AdministrativeUnit, ...]
    district: bool  # the whole campaign, or only these communes' rows

    @property
    def unit_codes(self) -> list[str]:
        return [unit.code for unit in self.units]


def district_scope(campaign: Campaign) -> ReportScope:
    return ReportScope(campaign, tuple(campaign.participants.order_by("code")), True)


def report_scope_for_user(user: Any, campaign: Campaign) -> ReportScope:
    """The part of the campaign the user may export; 404 when none."""
    if user_can(user, Perm.EXPORT_REPORTS, campaign.issuing_unit):
        return district_scope(campaign)
    units = tuple(campaign_units_for_user(user, Perm.EXPORT_REPORTS, campaign))
    if not units:
        raise Http404
    return ReportScope(campaign, units, False)


@dataclass
class LeaderFigures:
    person: Person
    content1: Result | None
    content2: Result | None

    def outcome(self, content: int) -> str:
        result = self.content1 if content == 1 else self.content2
        return result.outcome if result is not None else Result.Outcome.ABSENT

    @property
    def tested(self) -> bool:
        """The ranking engine's rule: tested in both contents."""
        return self.outcome(1) != "absent" and self.outcome(2) != "absent"

    @property
    def passed_both(self) -> bool:
        return self.outcome(1) == "passed" and self.outcome(2) == "passed"


def _rate(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


@dataclass
class UnitFigures:
    unit: AdministrativeUnit
    leaders: list[LeaderFigures]
    readiness: UnitReadiness
    ranking_row: dict[str, Any] | None = None

    @property
    def tested(self) -> int:
        return sum(1 for leader in self.leaders if leader.tested)

    @property
    def passed_both(self) -> int:
        return sum(1 for leader in self.leaders if leader.passed_both)

    @property
    def participation(self) -> Fraction:
        return _rate(self.tested, len(self.leaders))

    @property
    def pass_rate(self) -> Fraction:
        return _rate(self.passed_both, self.tested)

    def taken(self, content: int) -> int:
        return sum(1 for leader in self.leaders if leader.outcome(content) != "absent")

    def passed(self, content: int) -> int:
        return sum(1 for leader in self.leaders if leader.outcome(content) == "passed")


@dataclass
class CampaignFigures:
    scope: ReportScope
    units: list[UnitFigures]
    as_of: datetime.date
    ranking: dict[str, Any] | None = None  # the engine's output; None outside the district
    snapshot: RankingSnapshot | None = None  # set when the ranking is the approved one
    decision: AwardDecision | None = None
    awarded: list[str] = field(default_factory=list)  # unit codes, in the award order

    @property
    def campaign(self) -> Campaign:
        return self.scope.campaign

    @property
    def leaders(self) -> list[LeaderFigures]:
        return [leader for unit in self.units for leader in unit.leaders]

    def unit_row(self, code: str) -> UnitFigures | None:
        return next((unit for unit in self.units if unit.unit.code == code), None)


def report_ranking(campaign: Campaign) -> tuple[dict[str, Any], RankingSnapshot | None]:
    """The ranking a report shows: the council's latest approved snapshot once the campaign
    has reached approval, the engine's output on the current results before."""
    if campaign.status in APPROVED_STATUSES:
        snapshot = campaign.snapshots.order_by("-approved_at").first()
        if snapshot is not None:
            return snapshot.output, snapshot
    return campaign_ranking(campaign), None


def campaign_figures(scope: ReportScope) -> CampaignFigures:
    campaign = scope.campaign
    units = campaign.participants.filter(pk__in=[unit.pk for unit in scope.units]).order_by("code")
    by_unit: dict[int, list[LeaderFigures]] = {}
    for row in results_by_leader(campaign, units):
        by_unit.setdefault(row.person.unit_id, []).append(
            LeaderFigures(row.person, row.content1, row.content2)
        )
    rows = [
        UnitFigures(unit=ready.unit, leaders=by_unit.get(ready.unit.pk, []), readiness=ready)
        for ready in readiness(campaign, units)
    ]
    figures = CampaignFigures(scope=scope, units=rows, as_of=timezone.localdate())
    if not scope.district:
        return figures
    ranking, snapshot = report_ranking(campaign)
    figures.ranking = ranking
    figures.snapshot = snapshot
    ranked = {unit["code"]: unit for unit in ranking["units"]}
    for unit_figures in rows:
        unit_figures.ranking_row = ranked.get(unit_figures.unit.code)
    figures.decision = (
        campaign.decisions.order_by("-signed_on", "-created_at").prefetch_related("awards__unit")
    ).first()
    if figures.decision is not None:
        figures.awarded = [award.unit.code for award in figures.decision.awards.all()]
    elif snapshot is not None:
        figures.awarded = snapshot_award_codes(snapshot)
    else:
        figures.awarded = [unit["code"] for unit in ranking["units"] if unit["award"] == "yes"]
    return figures

"""A province's view: every commune of every campaign issued in the province, in one table.

The campaigns are those the province issued over its communes (from 1/7/2025) and, where the
province still has them, its districts' campaigns of 2020 and its communes' own. Each row is
one commune in one campaign, with the figures of that campaign's dashboard (participation,
the pass rates of content 1 and 2 and of both, signing-device coverage, facilities) and its
rank in the campaign's ranking. Who sees which campaigns is
`permissions.province_issuers_for_user`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.core.tables import Column
from sathach.core.text import fold
from sathach.organization.lineage import successor_province
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import province_issuers_for_user
from sathach.reports.selectors import CampaignFigures, UnitFigures, campaign_figures, district_scope
from sathach.reports.vietnamese import percent
from sathach.reports.workbook import DECIMAL, INTEGER, PERCENT, TEXT, Sheet, SheetColumn


def _rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class ProvinceRow:
    campaign: Campaign
    unit: AdministrativeUnit
    leaders: int
    tested: int
    participation: Fraction | None
    content1: Fraction | None  # passed among those who took it
    content2: Fraction | None
    pass_both: Fraction | None  # passed both among the tested
    covered: int
    coverage: Fraction | None
    facility_score: Decimal
    rank: int | None
    ranked_units: int
    award: bool

    @property
    def rates(self) -> list[str]:
        """Participation, content 1, content 2, both and device coverage, as displayed."""
        values = (self.participation, self.content1, self.content2, self.pass_both, self.coverage)
        return [percent(value) if value is not None else "" for value in values]

    @classmethod
    def of(cls, campaign: Campaign, unit: UnitFigures, ranked: int, award: bool) -> ProvinceRow:
        leaders = len(unit.leaders)
        row = unit.ranking_row or {}
        return cls(
            campaign=campaign,
            unit=unit.unit,
            leaders=leaders,
            tested=unit.tested,
            participation=_rate(unit.tested, leaders),
            content1=_rate(unit.passed(1), unit.taken(1)),
            content2=_rate(unit.passed(2), unit.taken(2)),
            pass_both=_rate(unit.passed_both, unit.tested),
            covered=unit.readiness.covered,
            coverage=_rate(unit.readiness.covered, leaders),
            facility_score=unit.readiness.facility_score,
            rank=row.get("rank"),
            ranked_units=ranked,
            award=award,
        )


@dataclass
class ProvinceView:
    province: AdministrativeUnit
    campaigns: list[Campaign]  # every campaign the user sees here
    issuers: list[AdministrativeUnit]  # their issuers, for the filter
    chosen: list[Campaign]  # after the campaign and issuer filters
    rows: list[ProvinceRow]  # after every filter
    figures: dict[int, CampaignFigures]  # of each chosen campaign, by its pk


def provinces_for_user(user: Any) -> list[AdministrativeUnit]:
    """The provinces whose view the user opens: those with a campaign the user sees there,
    today's province among them where it took in one of 2020 that has campaigns."""
    paths = Campaign.objects.values_list("issuing_unit__path", flat=True).distinct()
    roots = {int(path.strip("/").split("/")[0]) for path in paths if path.strip("/")}
    held = AdministrativeUnit.objects.filter(pk__in=roots, level=AdministrativeUnit.Level.PROVINCE)
    # Today's province that took in a province with campaigns shows them too.
    successors = {successor_province(province) for province in held}
    provinces = sorted(
        {*held, *(s for s in successors if s is not None)},
        key=lambda unit: (-int(unit.era), unit.code),
    )
    return [
        province
        for province in provinces
        if province_issuers_for_user(user, province).filter(campaigns__isnull=False).exists()
    ]


def province_campaigns(user: Any, province: AdministrativeUnit) -> list[Campaign]:
    issuers = province_issuers_for_user(user, province)
    return list(
        Campaign.objects.filter(issuing_unit__in=issuers)
        .select_related("issuing_unit")
        .order_by("-issued_on", "code", "pk")
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def province_view(user: Any, province: AdministrativeUnit, params: QueryDict) -> ProvinceView:
    """The rows the user may see, cut by `?campaign=`, `?issuer=` and `?q=` (a commune's
    name or code); 404 when the user sees no campaign of the province."""
    if province.level != AdministrativeUnit.Level.PROVINCE:
        raise Http404
    campaigns = province_campaigns(user, province)
    if not campaigns:
        raise Http404
    issuers = sorted({c.issuing_unit for c in campaigns}, key=lambda unit: (unit.level, unit.code))
    chosen = campaigns
    campaign_pk = _number(params.get("campaign"))
    if campaign_pk is not None:
        chosen = [c for c in chosen if c.pk == campaign_pk]
    issuer_pk = _number(params.get("issuer"))
    if issuer_pk is not None:
        chosen = [c for c in chosen if c.issuing_unit_id == issuer_pk]
    rows: list[ProvinceRow] = []
    by_campaign = {}
    for campaign in chosen:
        figures = by_campaign[campaign.pk] = campaign_figures(district_scope(campaign))
        ranked = len(figures.ranking["units"]) if figures.ranking else 0
        awarded = set(figures.awarded)
        rows.extend(
            ProvinceRow.of(campaign, unit, ranked, unit.unit.code in awarded)
            for unit in figures.units
        )
    # With or without diacritics: "dai an" finds Đại Ân 1.
    text = fold(" ".join(params.get("q", "").split()))
    if text:
        rows = [r for r in rows if text in fold(r.unit.name) or text in r.unit.code]
    return ProvinceView(province, campaigns, issuers, chosen, rows, by_campaign)


def _missing_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


def province_columns() -> list[Column[ProvinceRow]]:
    """The table's columns, each sortable; a missing rate sorts after every number."""
    return [
        Column("unit", _("Commune"), lambda r: (fold(r.unit.name), r.unit.code)),
        Column("campaign", _("Campaign"), lambda r: (r.campaign.code, r.unit.code)),
        Column("leaders", _("Leaders"), lambda r: r.leaders, numeric=True),
        Column("participation", _("Participation"), lambda r: _missing_last(r.participation), True),
        Column("content1", _("Content 1 passed"), lambda r: _missing_last(r.content1), True),
        Column("content2", _("Content 2 passed"), lambda r: _missing_last(r.content2), True),
        Column("pass_both", _("Passed both"), lambda r: _missing_last(r.pass_both), True),
        Column("coverage", _("Device coverage"), lambda r: _missing_last(r.coverage), True),
        Column("facility", _("Facility score"), lambda r: r.facility_score, numeric=True),
        # Rank 1 first when sorted "up"; an unranked commune last.
        Column("rank", _("Rank in its campaign"), lambda r: _missing_last(r.rank), True),
    ]


def province_sheet(view: ProvinceView) -> Sheet:
    """The same table for the workbook: every row after the filters, in the page's order."""
    columns = [
        SheetColumn(_("Campaign"), 18, TEXT),
        SheetColumn(_("Issued by"), 24, TEXT),
        SheetColumn(_("Commune code"), 10, TEXT),
        SheetColumn(_("Commune"), 26, TEXT),
        SheetColumn(_("Leaders"), 9, INTEGER),
        SheetColumn(_("Tested in both contents"), 10, INTEGER),
        SheetColumn(_("Participation"), 11, PERCENT),
        SheetColumn(_("Content 1 passed"), 11, PERCENT),
        SheetColumn(_("Content 2 passed"), 11, PERCENT),
        SheetColumn(_("Passed both"), 11, PERCENT),
        SheetColumn(_("Leaders with a signing device"), 11, INTEGER),
        SheetColumn(_("Device coverage"), 11, PERCENT),
        SheetColumn(_("Facility score"), 10, DECIMAL),
        SheetColumn(_("Rank in its campaign"), 10, INTEGER),
        SheetColumn(_("Units ranked"), 10, INTEGER),
        SheetColumn(_("Award"), 9, TEXT),
    ]

    def share(value: Fraction | None) -> float | None:
        return float(value) if value is not None else None

    rows = [
        [
            row.campaign.code,
            row.campaign.issuing_unit.name,
            row.unit.code,
            row.unit.name,
            row.leaders,
            row.tested,
            share(row.participation),
            share(row.content1),
            share(row.content2),
            share(row.pass_both),
            row.covered,
            share(row.coverage),
            row.facility_score,
            row.rank,
            row.ranked_units,
            _("Yes") if row.award else "",
        ]
        for row in view.rows
    ]
    return Sheet(
        name=_("Communes"),
        subtitle=_("Every commune of %(province)s in %(count)s campaign(s)")
        % {"province": view.province.name, "count": len(view.chosen)},
        columns=columns,
        rows=rows,
    )

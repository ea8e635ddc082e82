"""The dashboard of a campaign: its figures as charts, drawn as inline SVG on the server.

Who sees what (the campaign pages' permission, `Perm.VIEW_CAMPAIGN`):
- the district's roles (admin, council, proctor, the province above) see every commune
  against the targets, the score distribution and the item statistics of a session; the
  questions' wording only with `Perm.MANAGE_EXAMS`, since the bank is not for everybody;
- a commune officer sees the same charts cut to their own commune, without the item
  statistics (they describe the district's test, not the commune);
- anybody else gets 404 for a campaign outside their units, 403 without the permission.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from sathach.campaigns.models import Campaign
from sathach.campaigns.selectors import (
    campaign_units_for_user,
    campaigns_for_user,
    coverage_by_kind,
    get_campaign_for_user,
)
from sathach.core.tables import chart_slice
from sathach.exams.models import Attempt, ExamSession
from sathach.exams.statistics import session_statistics, statistics_from_json
from sathach.organization.permissions import Perm, require_perm, user_can
from sathach.reports import charts
from sathach.reports.province import provinces_for_user
from sathach.reports.selectors import ReportScope, campaign_figures, district_scope


def _panel(chart: charts.Chart) -> dict[str, Any]:
    headers, rows = chart.table()
    return {
        "ident": chart.ident,
        "title": chart.title,
        "empty": chart.empty,
        # Every text in it is escaped by charts.svg.
        "svg": mark_safe(charts.svg(chart)),  # noqa: S308
        "headers": headers,
        "rows": rows,
    }


def dashboard_scope(user: Any, campaign: Campaign) -> ReportScope:
    """The whole campaign for its district's roles, the user's own communes otherwise."""
    if user_can(user, Perm.VIEW_CAMPAIGN, campaign.issuing_unit):
        return district_scope(campaign)
    units = tuple(campaign_units_for_user(user, Perm.VIEW_CAMPAIGN, campaign))
    if not units:
        raise Http404
    return ReportScope(campaign, units, False)


def statistics_session(campaign: Campaign, pk: str | None) -> ExamSession | None:
    """The asked session of the campaign, or the latest one with a submitted attempt."""
    sessions = campaign.exam_sessions.filter(attempts__status=Attempt.Status.SUBMITTED).distinct()
    if pk and pk.isdigit():
        chosen = sessions.filter(pk=int(pk)).first()
        if chosen is not None:
            return chosen
    return sessions.order_by("-opens_at", "-pk").first()


@require_perm(Perm.VIEW_CAMPAIGN)
def dashboard_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/dashboard_list.html",
        {
            "campaigns": campaigns_for_user(request.user, Perm.VIEW_CAMPAIGN),
            "provinces": provinces_for_user(request.user),
        },
    )


@require_perm(Perm.VIEW_CAMPAIGN)
def campaign_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    scope = dashboard_scope(request.user, campaign)
    figures = campaign_figures(scope)
    # A chart grows one row per commune, up to CHART_BARS communes; beyond, it pages.
    start, end, bars_page, bars_pages = chart_slice(len(figures.units), request.GET)
    shown = replace(figures, units=figures.units[start:end])
    panels = [
        _panel(charts.rates_chart(shown)),
        _panel(charts.leaders_chart(shown)),
        _panel(charts.devices_chart(shown)),
        _panel(charts.facilities_chart(shown)),
        _panel(charts.scores_chart(figures)),
    ]
    context: dict[str, Any] = {
        "campaign": campaign,
        "scope": scope,
        "figures": figures,
        "panels": panels,
        "bars": {
            "start": start + 1,
            "end": end,
            "page": bars_page,
            "pages": bars_pages,
            "previous": bars_page - 1,
            "next": bars_page + 1 if bars_page < bars_pages else 0,
        },
        "leaders": len(figures.leaders),
        "tested": sum(unit.tested for unit in figures.units),
        "passed_both": sum(unit.passed_both for unit in figures.units),
        "covered": sum(unit.readiness.covered for unit in figures.units),
        "by_kind": coverage_by_kind([unit.readiness for unit in figures.units]),
    }
    if scope.district:
        session = statistics_session(campaign, request.GET.get("session"))
        if session is not None:
            # The figures the statistics job kept, else computed now (a small session).
            statistics = (
                statistics_from_json(session.statistics)
                if session.statistics
                else session_statistics(session)
            )
            context["session"] = session
            context["sessions"] = campaign.exam_sessions.filter(
                attempts__status=Attempt.Status.SUBMITTED
            ).distinct()
            context["statistics"] = statistics
            context["items_panel"] = _panel(charts.items_chart(statistics, session.name))
            context["show_questions"] = user_can(
                request.user, Perm.MANAGE_EXAMS, campaign.issuing_unit
            )
    return render(request, "reports/dashboard.html", context)

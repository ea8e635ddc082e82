"""The comparison of yearly rounds ("So sánh các đợt"): a campaign's communes and leaders
next to the earlier campaigns of its issuing unit, or one chosen campaign of it.

Who sees what: the dashboard's rule (`Perm.VIEW_CAMPAIGN`): the district's roles every
commune, a commune officer their own commune's rows, anybody else 404 or 403.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sathach.campaigns.selectors import get_campaign_for_user
from sathach.exams.models import MODULE_CODES
from sathach.organization.permissions import Perm, require_perm
from sathach.reports.rounds import other_rounds, percent_of, rounds_comparison
from sathach.reports.views.dashboard import dashboard_scope


@require_perm(Perm.VIEW_CAMPAIGN)
def rounds_compare(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    scope = dashboard_scope(request.user, campaign)
    choices = list(other_rounds(campaign))
    asked = request.GET.get("round", "")
    chosen = next((c for c in choices if asked.isdigit() and c.pk == int(asked)), None)
    comparison = rounds_comparison(scope, chosen=chosen)
    units = [
        {
            "code": code,
            "name": name,
            "rows": [
                {
                    "campaign": row.campaign,
                    "current": row.campaign == campaign,
                    "leaders": row.leaders,
                    "tested": row.figures.tested,
                    "participation": percent_of(row.figures.participation),
                    "passed_both": row.figures.passed_both,
                    "pass_rate": percent_of(row.figures.pass_rate),
                    "eoffice": f"{row.eoffice_passed}/{row.eoffice_taken}",
                    "modules": row.modules,
                    "coverage": percent_of(row.coverage),
                }
                for row in rows
            ],
        }
        for code, name, rows in comparison.units
    ]
    leaders = [{"person": person, "rows": rows} for person, rows in comparison.leaders]
    return render(
        request,
        "reports/rounds.html",
        {
            "campaign": campaign,
            "scope": scope,
            "comparison": comparison,
            "choices": choices,
            "chosen": chosen,
            "modules": MODULE_CODES,
            "units": units,
            "leaders": leaders,
        },
    )

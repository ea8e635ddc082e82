from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sathach.campaigns.models import Campaign
from sathach.campaigns.selectors import campaign_ranking, get_campaign_for_user, results_by_leader
from sathach.campaigns.services import awards_grant, ranking_approve, snapshot_awarded_units
from sathach.core.errors import DomainError
from sathach.core.forms import DATE_INPUT_FORMATS
from sathach.core.tables import Column, sorted_page
from sathach.core.text import fold
from sathach.organization.permissions import Perm, require_perm, user_can

REASONS = {
    "participation_below_target": gettext_lazy("participation below target"),
    "pass_rate_below_target": gettext_lazy("pass rate below target"),
}


class AwardDecisionForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Number and symbol of the decision"), max_length=60)
    signed_on = forms.DateField(
        label=gettext_lazy("Date (dd/mm/yyyy)"), input_formats=DATE_INPUT_FORMATS
    )
    signer_name = forms.CharField(label=gettext_lazy("Signed by"), max_length=150)
    signer_title = forms.CharField(label=gettext_lazy("Signer's title"), max_length=150)


def _district_campaign(request: HttpRequest, pk: int, perm: str) -> Campaign:
    """A campaign seen from its issuing unit: the ranking compares every commune, so only
    the district's roles (not a commune's) may read it."""
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    if not user_can(request.user, perm, campaign.issuing_unit):
        raise PermissionDenied
    return campaign


@require_perm(Perm.VIEW_CAMPAIGN)
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The live ranking of the current results, with each commune's leaders, and the
    approved snapshots."""
    campaign = _district_campaign(request, pk, Perm.VIEW_CAMPAIGN)
    problem = ""
    try:
        output = campaign_ranking(campaign)
    except DomainError as error:
        # A result without the score a tie-breaker compares: say which, rank nothing.
        problem = error.message
        output = {"campaign": campaign.code, "units": [], "undecided": []}
    # Ranked over every commune, shown 40 a page: a province's hundred and more stay readable.
    params = request.GET.copy()
    params.pop("part", None)
    table = sorted_page(
        _shown(output["units"], params), _ranking_columns(campaign), params, default_sort="rank"
    )
    page_codes = [unit["code"] for unit in table.rows]
    leaders: dict[str, list] = {}
    for row in results_by_leader(campaign, campaign.participants.filter(code__in=page_codes)):
        leaders.setdefault(row.person.unit.code, []).append(row)
    for unit in table.rows:
        unit["leader_rows"] = leaders.get(unit["code"], [])
        unit["reason_labels"] = [REASONS.get(r, r) for r in unit["reasons"]]
    # While leaders are being tested the page refreshes its table by itself.
    live = campaign.status in (Campaign.Status.TESTING, Campaign.Status.RESULTS)
    shared = {
        "campaign": campaign,
        "ranking": output,
        "table": table,
        "live": live,
        "problem": problem,
        "q": params.get("q", ""),
        "targets": params.get("targets", ""),
    }
    if request.GET.get("part") == "table":
        return render(request, "campaigns/ranking_table.html", shared)
    snapshots = list(campaign.snapshots.select_related("approved_by"))
    for snapshot in snapshots:
        # The council's choice in a tie, by the units' names as the snapshot froze them.
        names = {unit["code"]: unit["name"] for unit in snapshot.output["units"]}
        chosen = snapshot.tie_decision.get("awarded", [])
        snapshot.tie_names = [names.get(code, code) for code in chosen]  # type: ignore[attr-defined]
    latest = snapshots[0] if snapshots else None
    slots = campaign.awards - sum(1 for u in output["units"] if u["award"] == "yes")
    can_approve = user_can(request.user, Perm.APPROVE_RANKING, campaign.issuing_unit)
    can_grant = user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit)
    return render(
        request,
        "campaigns/ranking.html",
        {
            **shared,
            "undecided_rows": [u for u in output["units"] if u["code"] in output["undecided"]],
            "slots": slots,
            "snapshots": snapshots,
            "latest": latest,
            "latest_awarded": snapshot_awarded_units(latest) if latest else [],
            # The workbook and the report sit beside the ranking for those who export them;
            # the ranking page is the issuing unit's, so their scope is the whole campaign.
            "can_export": user_can(request.user, Perm.EXPORT_REPORTS, campaign.issuing_unit),
            "can_approve": can_approve and campaign.status == Campaign.Status.RESULTS,
            "can_grant": can_grant and campaign.status == Campaign.Status.APPROVED,
            "award_form": AwardDecisionForm(
                initial={"signed_on": timezone.localdate().strftime("%d/%m/%Y")}
            ),
            "decisions": campaign.decisions.prefetch_related("awards__unit"),
        },
    )


def _shown(units: list[dict[str, Any]], params: QueryDict) -> list[dict[str, Any]]:
    """The communes the filters keep: `?q=` a name (with or without diacritics) or a code,
    `?targets=met` or `missed`. Each keeps its place in the ranking for the default order."""
    text = fold(" ".join(params.get("q", "").split()))
    targets = params.get("targets", "")
    shown = []
    for position, unit in enumerate(units):
        unit["position"] = position
        if text and text not in fold(unit["name"]) and text != unit["code"]:
            continue
        if targets in ("met", "missed") and unit["meets_targets"] != (targets == "met"):
            continue
        shown.append(unit)
    return shown


def _ranking_columns(campaign: Campaign) -> list[Column[dict[str, Any]]]:
    """The ranking's sortable columns (labels in the asker's language); the mean score and
    the share of women only where the campaign breaks ties with them."""

    def number(key: str) -> Callable[[dict[str, Any]], Decimal]:
        return lambda unit: Decimal(unit.get(key) or 0)

    columns = [
        # The ranking's own order: rank 1 first, the unranked last in the engine's order.
        Column("rank", _("Rank"), lambda u: (u["rank"] is None, u["rank"] or 0, u["position"])),
        Column("unit", _("Unit"), lambda u: (fold(u["name"]), u["code"])),
        Column("leaders", _("Leaders"), lambda u: u["leaders"], numeric=True),
        Column("tested", _("Tested"), lambda u: u["tested"], numeric=True),
        Column("passed", _("Passed both"), lambda u: u["passed_both"], numeric=True),
        Column("participation", _("Participation"), number("participation_rate"), True),
        Column("pass_rate", _("Pass rate"), number("pass_rate"), numeric=True),
        Column("facility", _("Facility score"), number("facility_score"), numeric=True),
    ]
    if "mean_score" in campaign.tie_breakers:
        columns.append(Column("mean_score", _("Mean score"), number("mean_score"), True))
    if "women" in campaign.tie_breakers:
        columns.append(Column("women", _("Women"), number("women_rate"), numeric=True))
    return [*columns, Column("targets", _("Targets")), Column("award", _("Award"))]


@require_POST
@require_perm(Perm.APPROVE_RANKING)
def ranking_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _district_campaign(request, pk, Perm.APPROVE_RANKING)
    try:
        snapshot = ranking_approve(
            actor=request.user,
            campaign=campaign,
            awarded_in_ties=request.POST.getlist("awarded"),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The ranking was approved (fingerprint %(hash)s).") % {"hash": snapshot.sha256[:12]},
        )
    return redirect("ranking", campaign.pk)


@require_POST
@require_perm(Perm.MANAGE_CAMPAIGN)
def awards_grant_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _district_campaign(request, pk, Perm.MANAGE_CAMPAIGN)
    form = AwardDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("ranking", campaign.pk)
    data = form.cleaned_data
    try:
        decision = awards_grant(
            actor=request.user,
            campaign=campaign,
            number=data["number"],
            signed_on=data["signed_on"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Decision %(number)s grants %(n)s awards.")
            % {"number": decision.number, "n": decision.awards.count()},
        )
    return redirect("ranking", campaign.pk)

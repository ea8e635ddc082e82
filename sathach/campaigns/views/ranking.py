from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
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
    leaders: dict[str, list] = {}
    for row in results_by_leader(campaign, campaign.participants.all()):
        leaders.setdefault(row.person.unit.code, []).append(row)
    for unit in output["units"]:
        unit["leader_rows"] = leaders.get(unit["code"], [])
        unit["reason_labels"] = [REASONS.get(r, r) for r in unit["reasons"]]
    # While leaders are being tested the page refreshes its table by itself.
    live = campaign.status in (Campaign.Status.TESTING, Campaign.Status.RESULTS)
    if request.GET.get("part") == "table":
        return render(
            request,
            "campaigns/ranking_table.html",
            {"campaign": campaign, "ranking": output, "live": live, "problem": problem},
        )
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
            "campaign": campaign,
            "ranking": output,
            "live": live,
            "problem": problem,
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

"""The campaign's frozen roster: each commune's leaders as captured when the test day
opened, with vacant posts, and the district's corrections (with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sathach.campaigns.forms import RosterCorrectionForm
from sathach.campaigns.models import RosterEntry
from sathach.campaigns.roster import CORRECTABLE, roster_correct, roster_for_page
from sathach.campaigns.selectors import campaign_units_for_user, get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.organization.permissions import Perm, require_perm, user_can


@require_perm(Perm.VIEW_CAMPAIGN)
def campaign_roster(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    units = campaign_units_for_user(request.user, Perm.VIEW_CAMPAIGN, campaign)
    can_correct = (
        user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit)
        and campaign.roster_frozen_at is not None
        and campaign.status in CORRECTABLE
    )
    if request.method == "POST":
        if not can_correct:
            raise Http404
        unit_id = request.POST.get("unit", "")
        unit = units.filter(pk=unit_id).first() if unit_id.isdigit() else None
        if unit is None:
            raise Http404
        entry = None
        if request.POST.get("entry", "").isdigit():
            entry = RosterEntry.objects.filter(
                campaign=campaign, unit=unit, pk=request.POST["entry"]
            ).first()
            if entry is None:
                raise Http404
        form = RosterCorrectionForm(request.POST, unit=unit)
        if form.is_valid():
            data = form.cleaned_data
            try:
                roster_correct(
                    actor=request.user,
                    campaign=campaign,
                    unit=unit,
                    entry=entry,
                    person=data["person"],
                    position=data["position"],
                    acting=data["acting"],
                    reason=data["reason"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The roster was corrected."))
        else:
            problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            messages.error(request, problems)
        return redirect("campaign-roster", campaign.pk)
    rows = [
        (
            unit,
            [
                (entry, RosterCorrectionForm(unit=unit, entry=entry) if can_correct else None)
                for entry in entries
            ],
            RosterCorrectionForm(unit=unit) if can_correct else None,
        )
        for unit, entries in roster_for_page(campaign, units)
    ]
    return render(
        request,
        "campaigns/roster.html",
        {"campaign": campaign, "rows": rows, "can_correct": can_correct},
    )

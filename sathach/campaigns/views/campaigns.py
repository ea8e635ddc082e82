from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.campaigns.forms import CampaignCopyForm, CampaignForm
from sathach.campaigns.models import Campaign
from sathach.campaigns.pass_rules import OPEN_STATUSES
from sathach.campaigns.rounds import campaign_copy
from sathach.campaigns.selectors import campaigns_for_user, get_campaign_for_user
from sathach.campaigns.services import campaign_create, campaign_transition, campaign_update
from sathach.core.errors import DomainError
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm, require_perm, user_can

STATUS_LABELS = dict(Campaign.Status.choices)


@require_perm(Perm.VIEW_CAMPAIGN)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaigns_for_user(request.user, Perm.VIEW_CAMPAIGN),
            "can_manage": user_can(request.user, Perm.MANAGE_CAMPAIGN),
        },
    )


@require_perm(Perm.VIEW_CAMPAIGN)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    can_manage = user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit)
    moves = (
        [(status, STATUS_LABELS[status]) for status in Campaign.TRANSITIONS[campaign.status]]
        if can_manage
        else []
    )
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "can_see_ranking": user_can(request.user, Perm.VIEW_CAMPAIGN, campaign.issuing_unit),
            "can_run_exams": user_can(request.user, Perm.RUN_SESSIONS, campaign.issuing_unit),
            "moves": moves,
            "rules_editable": can_manage
            and campaign.rules_fixed_at is None
            and campaign.status in OPEN_STATUSES,
            "steps": [
                (value, label, value == campaign.status) for value, label in Campaign.Status.choices
            ],
            "participants": campaign.participants.order_by("code"),
        },
    )


@require_perm(Perm.MANAGE_CAMPAIGN)
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("participants", "tie_break_order", "further_tie_breaks")
        }
        try:
            campaign = campaign_create(
                actor=request.user,
                participants=list(form.cleaned_data["participants"]) or None,
                tie_breakers=form.tie_breakers(),
                **data,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Campaign %(code)s was created.") % {"code": campaign.code})
            return redirect("campaign-detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form})


@require_perm(Perm.MANAGE_CAMPAIGN)
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("participants", "tie_break_order", "further_tie_breaks", "issuing_unit")
        }
        fields["tie_breakers"] = form.tie_breakers()
        # None for "every commune": the service's default.
        participants = list(form.cleaned_data["participants"]) or list(
            AdministrativeUnit.objects.filter(
                path__startswith=campaign.issuing_unit.path,
                level=AdministrativeUnit.Level.COMMUNE,
            )
        )
        try:
            # The form edited the instance in place; start from the stored values.
            campaign.refresh_from_db()
            campaign_update(
                actor=request.user,
                campaign=campaign,
                participants=participants,
                **fields,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaign-detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@require_POST
@require_perm(Perm.MANAGE_CAMPAIGN)
def campaign_status(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit):
        raise PermissionDenied
    try:
        campaign = campaign_transition(
            actor=request.user, campaign=campaign, to=request.POST.get("to", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The campaign is now: %(status)s.") % {"status": STATUS_LABELS[campaign.status]},
        )
    return redirect("campaign-detail", campaign.pk)


@require_perm(Perm.MANAGE_CAMPAIGN)
def campaign_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy the campaign into a new round (campaigns/rounds.py says what is copied)."""
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit):
        raise PermissionDenied
    form = CampaignCopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = campaign_copy(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Campaign %(code)s was created as a new round of %(source)s.")
                % {"code": copy.code, "source": campaign.code},
            )
            return redirect("campaign-detail", copy.pk)
    return render(request, "campaigns/campaign_copy.html", {"form": form, "campaign": campaign})

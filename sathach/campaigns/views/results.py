from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sathach.campaigns.forms import OverrideForm
from sathach.campaigns.models import Campaign
from sathach.campaigns.results_import import results_import, results_template
from sathach.campaigns.selectors import (
    campaign_units_for_user,
    get_campaign_for_user,
    results_by_leader,
)
from sathach.campaigns.services import result_override
from sathach.core.errors import DomainError, ImportErrors
from sathach.organization.forms import ImportForm
from sathach.organization.models import LEADER_POSITIONS, Person
from sathach.organization.permissions import Perm, require_perm, user_can


@require_perm(Perm.VIEW_CAMPAIGN)
def result_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Each leader's outcome in both contents; a commune officer sees their commune only."""
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    units = campaign_units_for_user(request.user, Perm.VIEW_CAMPAIGN, campaign)
    return render(
        request,
        "campaigns/result_list.html",
        {
            "campaign": campaign,
            "rows": results_by_leader(campaign, units),
            "can_override": user_can(request.user, Perm.OVERRIDE_RESULTS, campaign.issuing_unit),
            "can_import": user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit),
        },
    )


@require_perm(Perm.OVERRIDE_RESULTS)
def result_override_view(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.OVERRIDE_RESULTS, pk)
    person = get_object_or_404(Person, pk=person_pk, position__in=LEADER_POSITIONS)
    if (
        not campaign_units_for_user(request.user, Perm.OVERRIDE_RESULTS, campaign)
        .filter(pk=person.unit_id)
        .exists()
    ):
        raise Http404
    form = OverrideForm(request.POST or None, initial={"content": request.GET.get("content", 1)})
    if request.method == "POST" and form.is_valid():
        try:
            result_override(
                actor=request.user,
                campaign=campaign,
                person=person,
                content=form.cleaned_data["content"],
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The result of %(name)s was changed.") % {"name": person.full_name}
            )
            return redirect("result-list", campaign.pk)
    return render(
        request,
        "campaigns/result_override.html",
        {"campaign": campaign, "person": person, "form": form},
    )


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit):
        raise PermissionDenied
    return campaign


@require_perm(Perm.MANAGE_CAMPAIGN)
def result_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Results of a paper test, from the rank xlsx layout; all rows or none."""
    campaign = _managed_campaign(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = results_import(
                actor=request.user, campaign=campaign, content=form.cleaned_data["file"].read()
            )
        except ImportErrors as error:
            problems = error.problems
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The results of %(n)s leaders were imported.") % {"n": count}
            )
            return redirect("result-list", campaign.pk)
    return render(
        request,
        "campaigns/result_import.html",
        {"campaign": campaign, "form": form, "problems": problems},
    )


@require_perm(Perm.MANAGE_CAMPAIGN)
def result_template(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    response = HttpResponse(
        results_template(campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ket-qua.xlsx"'
    return response

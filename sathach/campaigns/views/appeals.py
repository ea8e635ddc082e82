"""Appeals (phúc khảo): the campaign's list, where a commune officer asks for a review for
a leader of the commune and the district sets the deadline and decides; and the leader's
own page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.campaigns.appeals import (
    appeal_deadline_set,
    appeal_decide,
    appeal_request,
    appeals_for_user,
    appeals_open,
)
from sathach.campaigns.forms import AppealDeadlineForm, AppealDecisionForm, AppealRequestForm
from sathach.campaigns.models import Appeal, Campaign, Result
from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.organization.models import LEADER_POSITIONS, Person
from sathach.organization.permissions import Perm, people_for_user, require_perm, user_can


def _form_problems(form: Any) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


def _request(request: HttpRequest, campaign: Campaign, people: Any) -> None:
    form = AppealRequestForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, _form_problems(form))
        return
    try:
        appeal_request(
            actor=request.user,
            campaign=campaign,
            person=form.cleaned_data["person"],
            content=form.cleaned_data["content"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The review was asked for; the district will answer here."))


@require_perm(Perm.VIEW_CAMPAIGN)
def campaign_appeals(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    can_decide = user_can(request.user, Perm.OVERRIDE_RESULTS, campaign.issuing_unit)
    leaders = people_for_user(request.user, Perm.MANAGE_PEOPLE).filter(
        unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS
    )
    can_request = (
        not can_decide
        and user_can(request.user, Perm.REQUEST_APPEAL)
        and leaders.exists()
        and appeals_open(campaign)
    )
    if request.method == "POST":
        if request.POST.get("action") == "deadline" and can_decide:
            form = AppealDeadlineForm(request.POST)
            if form.is_valid():
                try:
                    appeal_deadline_set(
                        actor=request.user,
                        campaign=campaign,
                        deadline=form.cleaned_data["appeal_deadline"],
                    )
                except DomainError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("The appeal deadline was saved."))
            else:
                messages.error(request, _form_problems(form))
        elif request.POST.get("action") == "request" and can_request:
            _request(request, campaign, leaders)
        else:
            raise Http404
        return redirect("campaign-appeals", campaign.pk)
    appeals = list(appeals_for_user(request.user, campaign))
    return render(
        request,
        "campaigns/appeals.html",
        {
            "campaign": campaign,
            "appeals": [
                (a, AppealDecisionForm(prefix=f"a{a.pk}") if can_decide else None) for a in appeals
            ],
            "can_decide": can_decide,
            "open": appeals_open(campaign),
            "deadline_form": AppealDeadlineForm(
                initial={"appeal_deadline": campaign.appeal_deadline}
            )
            if can_decide
            else None,
            "request_form": AppealRequestForm(people=leaders) if can_request else None,
        },
    )


@require_POST
@require_perm(Perm.OVERRIDE_RESULTS)
def appeal_decision(request: HttpRequest, pk: int, appeal_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    if not user_can(request.user, Perm.OVERRIDE_RESULTS, campaign.issuing_unit):
        raise Http404
    appeal = Appeal.objects.filter(campaign=campaign, pk=appeal_pk).first()
    if appeal is None:
        raise Http404
    form = AppealDecisionForm(request.POST, prefix=f"a{appeal.pk}")
    if not form.is_valid():
        messages.error(request, _form_problems(form))
        return redirect("campaign-appeals", campaign.pk)
    verdict = form.cleaned_data["verdict"]
    try:
        appeal_decide(
            actor=request.user,
            appeal=appeal,
            upheld=verdict != "rejected",
            outcome="" if verdict == "rejected" else verdict,
            decision=form.cleaned_data["decision"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("campaign-appeals", campaign.pk)


@require_perm(Perm.REQUEST_APPEAL)
def my_appeals(request: HttpRequest) -> HttpResponse:
    """The leader's results of every campaign, a review request where one is open, and
    their reviews with the district's answers."""
    user: Any = request.user
    person = Person.objects.filter(user=user).select_related("unit").first()
    if person is None:
        raise Http404
    people = Person.objects.filter(pk=person.pk)
    if request.method == "POST":
        campaign = Campaign.objects.filter(
            pk=request.POST.get("campaign") or 0, results__person=person
        ).first()
        if campaign is None:
            raise Http404
        _request(request, campaign, people)
        return redirect("my-appeals")
    results = (
        Result.objects.filter(person=person)
        .select_related("campaign")
        .order_by("-campaign__issued_on", "campaign_id", "content")
    )
    campaigns: dict[int, dict[str, Any]] = {}
    for result in results:
        row = campaigns.setdefault(
            result.campaign_id,
            {"campaign": result.campaign, "results": [], "open": appeals_open(result.campaign)},
        )
        row["results"].append(result)
    for row in campaigns.values():
        if row["open"]:
            row["form"] = AppealRequestForm(people=people, initial={"person": person.pk})
    return render(
        request,
        "campaigns/my_appeals.html",
        {
            "person": person,
            "campaigns": list(campaigns.values()),
            "appeals": Appeal.objects.filter(person=person).select_related("campaign"),
        },
    )

"""The district's and proctor's side: the campaign's e-office tasks, drawing them, each
examinee's actions with times, and a manual override with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.eoffice.forms import OfficeSessionForm, OverrideForm
from sathach.eoffice.models import Scenario
from sathach.eoffice.selectors import (
    get_task_for_reviewer,
    office_sessions_for_user,
    tasks_for_reviewer,
)
from sathach.eoffice.services.bank import scenarios_load
from sathach.eoffice.services.draw import scenario_set_of, tasks_prepare, tasks_prepare_retakes
from sathach.eoffice.services.tasks import task_override
from sathach.eoffice.views.take import graded_rows
from sathach.organization.permissions import Perm, require_perm, user_can


@require_perm(Perm.RUN_SESSIONS)
def campaign_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    can_manage = user_can(request.user, Perm.MANAGE_EOFFICE, campaign.issuing_unit)
    if request.method == "POST" and can_manage:
        try:
            if request.POST.get("action") == "load":
                created, updated = scenarios_load(actor=request.user, era=campaign.era)
                messages.success(
                    request,
                    _("Scenarios loaded: %(created)s new, %(updated)s updated.")
                    % {"created": created, "updated": updated},
                )
            elif request.POST.get("action") == "prepare":
                count = tasks_prepare(actor=request.user, campaign=campaign)
                messages.success(
                    request, _("Documents drawn for %(count)s leaders.") % {"count": count}
                )
            elif request.POST.get("action") == "retakes":
                count = tasks_prepare_retakes(actor=request.user, campaign=campaign)
                messages.success(
                    request,
                    _("A retake was drawn for %(count)s leaders who failed.") % {"count": count},
                )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("eoffice-campaign", campaign.pk)
    return render(
        request,
        "eoffice/campaign_tasks.html",
        {
            "campaign": campaign,
            "rules": scenario_set_of(campaign),
            "tasks": tasks_for_reviewer(request.user, campaign),
            "scenario_count": Scenario.objects.filter(is_active=True).count(),
            "can_manage": can_manage,
            "sessions": office_sessions_for_user(request.user, campaign),
            "session_form": OfficeSessionForm(campaign=campaign) if can_manage else None,
        },
    )


@require_perm(Perm.RUN_SESSIONS)
def task_review(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_reviewer(request.user, pk)
    can_override = user_can(request.user, Perm.OVERRIDE_RESULTS, task.person.unit)
    form = OverrideForm(request.POST or None) if can_override else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            task_override(
                actor=request.user,
                task=task,
                passed=form.cleaned_data["passed"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The result was changed."))
            return redirect("eoffice-review", task.pk)
        except DomainError as error:
            messages.error(request, error.message)
    return render(
        request,
        "eoffice/review.html",
        {
            "task": task,
            "events": task.events.select_related("document", "actor"),
            "rows": graded_rows(task) if task.status == task.Status.SUBMITTED else [],
            "form": form,
        },
    )

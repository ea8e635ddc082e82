"""The district's and proctor's side: the campaign's e-office tasks, drawing them, each
examinee's actions with times, and a manual override with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.eoffice.forms import OfficeSessionForm, OverrideForm
from sathach.eoffice.models import Event, Scenario, Task
from sathach.eoffice.selectors import (
    get_task_for_reviewer,
    get_task_for_runner,
    office_sessions_for_user,
    task_runnable_by,
    tasks_for_reviewer,
)
from sathach.eoffice.services.bank import scenarios_load
from sathach.eoffice.services.draw import scenario_set_of, tasks_prepare, tasks_prepare_retakes
from sathach.eoffice.services.pins import pin_locked_until, task_unlock_pin
from sathach.eoffice.services.sessions import task_extra_time, task_reopen
from sathach.eoffice.services.tasks import task_override
from sathach.eoffice.timeline import event_text
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
    runs = task_runnable_by(request.user, task)
    return render(
        request,
        "eoffice/review.html",
        {
            "task": task,
            "events": [
                (e, event_text(e)) for e in task.events.select_related("document__scenario")
            ],
            "rows": graded_rows(task) if task.status == task.Status.SUBMITTED else [],
            "form": form,
            "runs": runs,
            "pin_locked_until": pin_locked_until(task.person) if runs else None,
        },
    )


def task_act(request: HttpRequest, task: Task, action: str) -> str:
    """One proctor's act on one leader's test, from the console or the review page: unlock
    the signing PIN, give extra time, reopen. The message to show; DomainError if refused."""
    reason = request.POST.get("reason", "")
    name = task.person.full_name
    if action == "unlock-pin":
        task = task_unlock_pin(actor=request.user, task=task, reason=reason)
        given = Event.objects.filter(task=task, kind=Event.Kind.PIN_UNLOCKED).last()
        minutes, seconds = divmod(int(given.detail.get("seconds", 0)) if given else 0, 60)
        return _(
            "%(name)s can sign again; the %(minutes)s min %(seconds)s s the lock lasted "
            "were added to the test's time."
        ) % {"name": name, "minutes": minutes, "seconds": seconds}
    given_minutes = request.POST.get("minutes", "")
    if not given_minutes.isdigit():
        raise DomainError(_("Nothing was done."))
    if action == "extra-time":
        task_extra_time(actor=request.user, task=task, minutes=int(given_minutes), reason=reason)
        return _("Extra time given to %(name)s.") % {"name": name}
    if action == "reopen":
        task_reopen(actor=request.user, task=task, minutes=int(given_minutes), reason=reason)
        return _("The test of %(name)s is open again.") % {"name": name}
    raise DomainError(_("Nothing was done."))


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def task_run_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The review page's unlock and extra time, for the proctor of the leader's session or
    the district (a test taken in no session included)."""
    task = get_task_for_runner(request.user, pk)
    try:
        done = task_act(request, task, action)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("eoffice-review", task.pk)

"""E-office sessions: created on the campaign's e-office page, run from the proctor's
console (open, pause, resume, close; extra time and reopen for one leader)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.eoffice.forms import OfficeSessionForm
from sathach.eoffice.models import Event, OfficeSession, Task
from sathach.eoffice.selectors import get_office_session_for_user, office_session_rows
from sathach.eoffice.services.sessions import (
    office_session_close,
    office_session_create,
    office_session_move,
    office_session_open,
    office_session_pause,
    office_session_resume,
)
from sathach.eoffice.timeline import event_text
from sathach.eoffice.views.review import task_act
from sathach.organization.permissions import Perm, require_perm, user_can


@require_POST
@require_perm(Perm.MANAGE_EOFFICE)
def office_session_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_EOFFICE, campaign.issuing_unit):
        raise PermissionDenied
    form = OfficeSessionForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("eoffice-campaign", campaign.pk)
    data = form.cleaned_data
    chosen = list(data["people"])
    for unit in data["units"]:
        chosen += [p for p in form.leaders_of(unit) if p not in chosen]
    try:
        session = office_session_create(
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            room=data["room"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            proctor=data["proctor"],
            examinees=chosen or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eoffice-campaign", campaign.pk)
    messages.success(request, _("Session %(name)s created.") % {"name": session.name})
    return redirect("eoffice-session", session.pk)


@require_perm(Perm.RUN_SESSIONS)
def office_session_console(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_office_session_for_user(request.user, pk)
    events = (
        Event.objects.filter(
            task__session=session,
            kind__in=[
                Event.Kind.EXTRA_TIME,
                Event.Kind.REOPENED,
                Event.Kind.PAUSED,
                Event.Kind.RESUMED,
                Event.Kind.PIN_LOCKED,
                Event.Kind.PIN_UNLOCKED,
            ],
        )
        .select_related("task__person", "actor")
        .order_by("-at")[:40]
    )
    targets = (
        OfficeSession.objects.filter(campaign=session.campaign)
        .exclude(pk=session.pk)
        .exclude(status=OfficeSession.Status.CLOSED)
        if session.status != OfficeSession.Status.CLOSED
        else OfficeSession.objects.none()
    )
    return render(
        request,
        "eoffice/session_console.html",
        {
            "session": session,
            "rows": office_session_rows(session),
            "events": [(e, event_text(e)) for e in events],
            "move_targets": targets,
        },
    )


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def office_session_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a leader who has not started to another e-office session."""
    session = get_office_session_for_user(request.user, pk)
    person_id, target_id = request.POST.get("person", ""), request.POST.get("target", "")
    person = session.examinees.filter(pk=person_id).first() if person_id.isdigit() else None
    target = (
        OfficeSession.objects.filter(campaign=session.campaign, pk=target_id).first()
        if target_id.isdigit()
        else None
    )
    try:
        if person is None or target is None:
            raise DomainError(_("Choose the leader and the session to move them to."))
        office_session_move(actor=request.user, person=person, source=session, target=target)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s now sits %(session)s.") % {"name": person.full_name, "session": target},
        )
    return redirect("eoffice-session", session.pk)


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def office_session_control(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    session = get_office_session_for_user(request.user, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "open":
            office_session_open(actor=request.user, session=session)
            done = _("The session is open: give the access code.")
        elif action == "pause":
            office_session_pause(actor=request.user, session=session, reason=reason)
            done = _("The session is paused; every clock has stopped.")
        elif action == "resume":
            office_session_resume(actor=request.user, session=session)
            done = _("The session resumed; the time of the pause was given back.")
        elif action == "close":
            office_session_close(actor=request.user, session=session)
            done = _("The session is closed.")
        else:
            raise DomainError(_("Nothing was done."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("eoffice-session", session.pk)


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def office_task_control(request: HttpRequest, pk: int, task_pk: int, action: str) -> HttpResponse:
    """The console's acts on one leader: unlock the signing PIN, extra time, reopen."""
    session = get_office_session_for_user(request.user, pk)
    task = get_object_or_404(Task.objects.select_related("person"), session=session, pk=task_pk)
    try:
        done = task_act(request, task, action)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("eoffice-session", session.pk)

"""Permission-aware reads of the e-office test."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.eoffice.models import Kind, OfficeSession, Task, TaskDocument
from sathach.organization.models import HANDLER_POSITIONS, Person
from sathach.organization.permissions import Perm, units_for_user, user_can


def tasks_for_examinee(user: Any) -> QuerySet[Task]:
    return (
        Task.objects.filter(user=user).select_related("campaign", "session").order_by("-created_at")
    )


def get_task_for_examinee(user: Any, pk: int) -> Task:
    """The examinee's own task; any other answers 404."""
    try:
        return Task.objects.select_related("campaign", "person__unit").get(pk=pk, user=user)
    except Task.DoesNotExist:
        raise Http404 from None


def get_document_for_examinee(user: Any, task_pk: int, position: int) -> TaskDocument:
    try:
        return TaskDocument.objects.select_related(
            "task__campaign", "task__person__unit", "scenario", "main_handler"
        ).get(task_id=task_pk, task__user=user, position=position)
    except TaskDocument.DoesNotExist:
        raise Http404 from None


def commune_handlers(task: Task) -> QuerySet[Person]:
    """The civil servants of the examinee's commune, to forward documents to."""
    return Person.objects.filter(unit_id=task.person.unit_id, position__in=HANDLER_POSITIONS)


def tasks_for_reviewer(user: Any, campaign: Campaign) -> QuerySet[Task]:
    """The campaign's tasks of the communes the user may review."""
    units = units_for_user(user, Perm.RUN_SESSIONS) | units_for_user(user, Perm.MANAGE_EOFFICE)
    return (
        Task.objects.filter(campaign=campaign, person__unit__in=units)
        .select_related("person__unit")
        .order_by("person__unit__code", "person__sort_key")
    )


def get_task_for_reviewer(user: Any, pk: int) -> Task:
    units = units_for_user(user, Perm.RUN_SESSIONS) | units_for_user(user, Perm.MANAGE_EOFFICE)
    try:
        return Task.objects.select_related("campaign", "person__unit").get(
            pk=pk, person__unit__in=units
        )
    except Task.DoesNotExist:
        raise Http404 from None


def task_runnable_by(user: Any, task: Task) -> bool:
    """Whether the user acts on the task as its proctor (unlock the PIN, extra time): a task
    of a session is run by that session's proctor or by whoever runs the campaign's
    sessions (the district); a task in no session by whoever runs sessions over the
    leader's commune. A proctor of another session may not."""
    if task.session_id is not None:
        session = task.session
        own = session is not None and session.proctor_id == getattr(user, "pk", None)
        return (own and user_can(user, Perm.RUN_SESSIONS)) or user_can(
            user, Perm.RUN_SESSIONS, task.campaign.issuing_unit
        )
    return user_can(user, Perm.RUN_SESSIONS, task.person.unit)


def get_task_for_runner(user: Any, pk: int) -> Task:
    """The task the user runs as its proctor (`task_runnable_by`); any other answers 404."""
    task = (
        Task.objects.select_related("campaign__issuing_unit", "person__unit", "session")
        .filter(pk=pk)
        .first()
    )
    if task is None or not task_runnable_by(user, task):
        raise Http404
    return task


def task_unfinished(task: Task) -> list[tuple[TaskDocument, str]]:
    """What the leader has not done yet, in the inbox's order, each with what is missing:
    an incoming document not forwarded, one to coordinate on without an opinion, the
    outgoing draft not signed. The submit page lists them before asking."""
    missing = []
    documents = task.documents.select_related("scenario").defer("pdf", "signed_pdf")
    for document in documents.order_by("position"):
        if document.kind == Kind.OUTGOING:
            if document.signed_at is None:
                missing.append((document, _("not signed")))
        elif document.scenario.coordinating:
            if document.opinion_at is None:
                missing.append((document, _("no coordination opinion given")))
        elif document.forwarded_at is None:
            missing.append((document, _("not forwarded")))
    return missing


def office_sessions_for_user(user: Any, campaign: Campaign) -> QuerySet[OfficeSession]:
    """The campaign's e-office sessions the user runs: every one for the district, their
    own for a proctor."""
    sessions = OfficeSession.objects.filter(campaign=campaign).select_related("proctor")
    if user_can(user, Perm.RUN_SESSIONS, campaign.issuing_unit):
        return sessions
    return sessions.filter(proctor=user)


def get_office_session_for_user(user: Any, pk: int) -> OfficeSession:
    session = (
        OfficeSession.objects.select_related("campaign__issuing_unit", "proctor")
        .filter(pk=pk)
        .first()
    )
    own = session is not None and session.proctor_id == getattr(user, "pk", None)
    if session is None or not (
        (own and user_can(user, Perm.RUN_SESSIONS))
        or user_can(user, Perm.RUN_SESSIONS, session.campaign.issuing_unit)
    ):
        raise Http404
    return session


def office_session_rows(session: OfficeSession) -> list[dict[str, Any]]:
    """Each examinee of the session with their task, documents done, time left and the end
    of a lock of their signing PIN, for the proctor's console."""
    from sathach.eoffice.services.pins import pin_locks

    tasks = {
        t.person_id: t for t in session.tasks.select_related("person").prefetch_related("documents")
    }
    now = timezone.now()
    rows = []
    people = list(session.examinees.select_related("unit").order_by("unit__code", "sort_key"))
    locks = pin_locks(people, now)
    for person in people:
        task = tasks.get(person.pk)
        documents = list(task.documents.all()) if task else []
        rows.append(
            {
                "person": person,
                "task": task,
                "done": sum(1 for d in documents if d.state == "done" or d.opinion_at),
                "total": len(documents),
                "seconds_left": task.seconds_left(now) if task else 0,
                "pin_locked_until": locks.get(person.pk),
            }
        )
    return rows

"""E-office sessions: what content 1 has, for content 2. A session has a room, a window to
start in and an access code; its proctor opens, pauses, resumes and closes it, gives a leader
extra time and reopens a submitted test with a reason. Each such act is an event of the
task (the proctor's timeline) and an audit entry."""

from __future__ import annotations

import datetime
import hmac
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.services import result_record
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.eoffice.models import Event, OfficeSession, Task
from sathach.exams.services.attempts import CODE_LOCK, CODE_TRIES
from sathach.exams.services.scheduling import sitting_reschedule
from sathach.exams.services.sessions import access_code_new
from sathach.exams.signals import session_changed
from sathach.organization.models import LEADER_POSITIONS, Person


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _event(task: Task, kind: str, actor: Any, **detail: Any) -> None:
    Event.objects.create(task=task, kind=kind, actor=_user(actor), detail=detail)


def office_session_create(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    room: str = "",
    proctor: Any = None,
    examinees: list[Person] | None = None,
) -> OfficeSession:
    """A session of the e-office test; examinees default to every leader of the campaign
    who is in no other session and has not taken the test. Their drawn tasks join it."""
    if closes_at <= opens_at:
        raise DomainError(_("The last start must come after the opening."))
    if campaign.status in (Campaign.Status.AWARDED, Campaign.Status.CLOSED):
        raise DomainError(_("The campaign is over; no session can be added."))
    taken = set(
        OfficeSession.objects.filter(campaign=campaign)
        .exclude(status=OfficeSession.Status.CLOSED)
        .exclude(examinees=None)
        .values_list("examinees", flat=True)
    )
    leaders = Person.objects.filter(
        unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS
    )
    if examinees is None:
        tested = Task.objects.filter(campaign=campaign, status=Task.Status.SUBMITTED)
        examinees = list(leaders.exclude(pk__in=taken).exclude(pk__in=tested.values("person_id")))
    allowed = set(leaders.filter(pk__in=[p.pk for p in examinees]).values_list("pk", flat=True))
    outsiders = [p for p in examinees if p.pk not in allowed]
    if outsiders:
        raise DomainError(
            _("%(names)s are not leaders of a commune of this campaign.")
            % {"names": ", ".join(p.full_name for p in outsiders)}
        )
    busy = [p for p in examinees if p.pk in taken]
    if busy:
        raise DomainError(
            _("%(names)s already wait in another session: move them from there instead.")
            % {"names": ", ".join(p.full_name for p in busy)}
        )
    with transaction.atomic():
        session = OfficeSession.objects.create(
            campaign=campaign,
            name=nfc(name),
            room=nfc(room),
            opens_at=opens_at,
            closes_at=closes_at,
            proctor=proctor,
            access_code=access_code_new(),
        )
        session.examinees.set(examinees)
        Task.objects.filter(
            campaign=campaign, person__in=examinees, status=Task.Status.READY
        ).update(session=session)
        audit_log(
            actor=actor,
            action=AuditAction.OFFICE_SESSION_CREATED,
            obj=session,
            unit=campaign.issuing_unit,
            summary={"name": session.name, "examinees": len(examinees)},
        )
    return session


def session_for(campaign: Campaign, person: Person) -> OfficeSession | None:
    """The session a leader's new task belongs to: one not closed that holds them."""
    return (
        OfficeSession.objects.filter(campaign=campaign, examinees=person)
        .exclude(status=OfficeSession.Status.CLOSED)
        .first()
    )


def check_start(task: Task, access_code: str, now: datetime.datetime) -> None:
    """Refuse the start of a task of a session outside its window or with a wrong code."""
    if task.session_id is None:
        return
    session = OfficeSession.objects.get(pk=task.session_id)  # as it is now, not as loaded
    if session.status == OfficeSession.Status.PAUSED:
        raise DomainError(_("The session is paused; wait for the proctor."))
    if session.status != OfficeSession.Status.OPEN or now < session.opens_at:
        raise DomainError(_("The session has not opened yet."))
    if now > session.closes_at:
        raise DomainError(_("The time to start this session is over."))
    locked = Task.objects.filter(pk=task.pk, codes_locked_until__gt=now).exists()
    if locked:
        raise DomainError(_("Too many wrong codes; ask the proctor and try again in 5 minutes."))
    given = access_code.strip().upper().encode()
    if not hmac.compare_digest(given, session.access_code.upper().encode()):
        last = Q(wrong_codes__gte=CODE_TRIES - 1)
        Task.objects.filter(pk=task.pk).update(
            wrong_codes=Case(When(last, then=Value(0)), default=F("wrong_codes") + 1),
            codes_locked_until=Case(
                When(last, then=Value(now + CODE_LOCK)), default=F("codes_locked_until")
            ),
        )
        raise DomainError(_("The access code is wrong."))


def _set_status(actor: Any, session: OfficeSession, status: str, **summary: Any) -> None:
    session.status = status
    session.save(update_fields=["status", "paused_at"])
    audit_log(
        actor=actor,
        action=AuditAction.OFFICE_SESSION_STATUS_CHANGED,
        obj=session,
        unit=session.campaign.issuing_unit,
        summary={"status": status, **summary},
    )


def office_session_open(*, actor: Any, session: OfficeSession) -> OfficeSession:
    if session.status != OfficeSession.Status.SCHEDULED:
        raise DomainError(_("Only a scheduled session can be opened."))
    if session.campaign.status != Campaign.Status.TESTING:
        raise DomainError(_("Sessions open while the campaign is in its testing phase."))
    with transaction.atomic():
        _set_status(actor, session, OfficeSession.Status.OPEN)
    return session


def office_session_pause(*, actor: Any, session: OfficeSession, reason: str) -> OfficeSession:
    """Stop every clock of the session; actions are refused until it resumes."""
    reason = nfc(reason)
    if session.status != OfficeSession.Status.OPEN:
        raise DomainError(_("Only an open session can be paused."))
    if not reason:
        raise DomainError(_("Write the reason for the pause."))
    with transaction.atomic():
        session.paused_at = timezone.now()
        _set_status(actor, session, OfficeSession.Status.PAUSED, reason=reason)
        for task in session.tasks.filter(status=Task.Status.IN_PROGRESS):
            _event(task, Event.Kind.PAUSED, actor, reason=reason)
    return session


def office_session_resume(*, actor: Any, session: OfficeSession) -> OfficeSession:
    """Restart the clocks: every test in progress gets back the time the pause took."""
    if session.status != OfficeSession.Status.PAUSED or session.paused_at is None:
        raise DomainError(_("Only a paused session can be resumed."))
    with transaction.atomic():
        lost = timezone.now() - session.paused_at
        running = session.tasks.filter(status=Task.Status.IN_PROGRESS)
        for task in running:
            _event(task, Event.Kind.RESUMED, actor, seconds=int(lost.total_seconds()))
        running.update(deadline=F("deadline") + lost)
        session.paused_at = None
        _set_status(
            actor, session, OfficeSession.Status.OPEN, paused_seconds=int(lost.total_seconds())
        )
    return session


def office_session_close(*, actor: Any, session: OfficeSession) -> OfficeSession:
    """Close: tests in progress are submitted as they stand; leaders who never started are
    recorded absent (unless they took the test elsewhere)."""
    from sathach.eoffice.services.tasks import task_submit

    if session.status == OfficeSession.Status.CLOSED:
        raise DomainError(_("The session is already closed."))
    with transaction.atomic():
        for task in session.tasks.filter(status=Task.Status.IN_PROGRESS):
            task_submit(actor=actor, task=task, by=Task.SubmittedBy.PROCTOR)
        campaign = session.campaign
        if campaign.status == Campaign.Status.TESTING:
            tested = Task.objects.filter(campaign=campaign, status=Task.Status.SUBMITTED)
            absent = session.examinees.exclude(pk__in=tested.values("person_id"))
            for person in absent.select_related("unit"):
                result_record(
                    actor=actor,
                    campaign=campaign,
                    person=person,
                    content=Result.Content.EOFFICE,
                    outcome=Result.Outcome.ABSENT,
                    source=Result.Source.EOFFICE,
                )
        session.paused_at = None
        _set_status(actor, session, OfficeSession.Status.CLOSED)
    return session


def office_session_move(
    *, actor: Any, person: Person, source: OfficeSession, target: OfficeSession
) -> None:
    """Move a leader who has not started to another session of the campaign that is not
    closed; their drawn task follows. Once committed, `session_changed` tells the notices
    (which send the leader the new time and place)."""
    if source.campaign_id != target.campaign_id:
        raise DomainError(_("Both sessions must belong to the same campaign."))
    if target.status == OfficeSession.Status.CLOSED or source.pk == target.pk:
        raise DomainError(_("Choose another session that is not closed."))
    with transaction.atomic():
        if not source.examinees.filter(pk=person.pk).exists():
            raise DomainError(_("This leader is not in that session."))
        if source.tasks.filter(person=person).exclude(status=Task.Status.READY).exists():
            raise DomainError(
                _("%(name)s has started in %(session)s and stays there.")
                % {"name": person.full_name, "session": source.name}
            )
        source.examinees.remove(person)
        target.examinees.add(person)
        source.tasks.filter(person=person).update(session=target)
        audit_log(
            actor=actor,
            action=AuditAction.OFFICE_SESSION_EXAMINEE_MOVED,
            obj=target,
            unit=person.unit,
            summary={"person": person.full_name, "from": source.name, "to": target.name},
        )
        transaction.on_commit(
            lambda: session_changed.send(
                sender=OfficeSession, session=target, persons=[person], actor=actor
            )
        )


def office_session_reschedule(
    *,
    actor: Any,
    session: OfficeSession,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    room: str,
) -> bool:
    """An e-office session's new window or place, as for an IT-skills session
    (`exams.services.scheduling.sitting_reschedule`)."""
    return sitting_reschedule(
        actor=actor,
        session=session,
        opens_at=opens_at,
        closes_at=closes_at,
        room=room,
        action=AuditAction.OFFICE_SESSION_RESCHEDULED,
    )


def _reason(reason: str, minimum: int = 1) -> str:
    reason = nfc(reason)
    if len(reason) < minimum:
        raise DomainError(_("Write the reason (at least %(n)s characters).") % {"n": minimum})
    return reason


def task_extra_time(*, actor: Any, task: Task, minutes: int, reason: str) -> Task:
    """Give one leader more time, with the reason on their timeline."""
    reason = _reason(reason)
    if not 1 <= minutes <= 120:
        raise DomainError(_("Extra time is between 1 and 120 minutes."))
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != Task.Status.IN_PROGRESS or task.deadline is None:
            raise DomainError(
                _("Extra time is given to a test in progress; reopen a submitted one.")
            )
        task.deadline += datetime.timedelta(minutes=minutes)
        task.save(update_fields=["deadline"])
        _event(task, Event.Kind.EXTRA_TIME, actor, minutes=minutes, reason=reason)
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_EXTRA_TIME,
            obj=task,
            unit=task.person.unit,
            summary={"minutes": minutes, "reason": reason},
        )
    return task


def task_reopen(*, actor: Any, task: Task, minutes: int, reason: str) -> Task:
    """Let a leader go on after an incident: the actions stay, the grade waits for the new
    submission, and the recorded result follows it."""
    reason = _reason(reason, 10)
    if not 1 <= minutes <= 120:
        raise DomainError(_("The time given back is between 1 and 120 minutes."))
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",)).select_related("session").get(pk=task.pk)
        )
        if task.status != Task.Status.SUBMITTED:
            raise DomainError(_("Only a submitted test can be reopened."))
        if task.session is not None and task.session.status == OfficeSession.Status.CLOSED:
            raise DomainError(_("The session is closed."))
        task.status = Task.Status.IN_PROGRESS
        task.deadline = timezone.now() + datetime.timedelta(minutes=minutes)
        task.submitted_at = None
        task.submitted_by = ""
        task.save(update_fields=["status", "deadline", "submitted_at", "submitted_by"])
        _event(task, Event.Kind.REOPENED, actor, minutes=minutes, reason=reason)
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_REOPENED,
            obj=task,
            unit=task.person.unit,
            summary={"minutes": minutes, "reason": reason},
        )
    return task

"""A locked signing PIN during the e-office test, and the proctor's unlock.

Five wrong PINs lock the leader's virtual token for 15 minutes (`signatures.services.
token_open`). In the test that lock must not eat the clock unseen: the leader reads until
when it lasts and that the proctor can lift it; the lock is an event on the proctor's
console; and the proctor (or the district) who lifts it with a reason gives back, in the same
act, the time the lock lasted within the test. A lock that runs out on its own gives nothing
back by itself: the leader went on with the other documents meanwhile, and the proctor, who
saw the lock on the console, gives extra time with a reason where it was lost.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.eoffice.models import Event, Task, TaskDocument
from sathach.organization.models import Person

UNLOCK_REASON_MIN = 10


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def pin_locked_until(
    person: Person, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When the lock of the leader's signing PIN ends; None when it is not locked."""
    from sathach.signatures.models import LeaderCertificate

    now = now or timezone.now()
    return (
        LeaderCertificate.objects.filter(
            person=person, revoked_at__isnull=True, locked_until__gt=now
        )
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def pin_locks(
    people: list[Person], now: datetime.datetime | None = None
) -> dict[int, datetime.datetime]:
    """The end of each locked leader's lock, by person id, in one query (the console)."""
    from sathach.signatures.models import LeaderCertificate

    now = now or timezone.now()
    locks: dict[int, datetime.datetime] = {}
    rows = LeaderCertificate.objects.filter(
        person__in=people, revoked_at__isnull=True, locked_until__gt=now
    ).order_by("locked_until")
    for person_id, until in rows.values_list("person_id", "locked_until"):
        if until is not None:
            locks[person_id] = until  # the latest, by the order
    return locks


def pin_lock_noted(*, task: Task, document: TaskDocument, actor: Any) -> datetime.datetime | None:
    """After a refused signature: when the PIN is now locked, put the lock on the task's
    timeline once (the proctor's console lists it) and return its end; else None."""
    until = pin_locked_until(task.person)
    if until is None:
        return None
    known = Event.objects.filter(
        task=task, kind=Event.Kind.PIN_LOCKED, detail__until=until.isoformat()
    )
    if not known.exists():
        Event.objects.create(
            task=task,
            document=document,
            kind=Event.Kind.PIN_LOCKED,
            actor=_user(actor),
            detail={"until": until.isoformat()},
        )
    return until


def _paused_within(
    task: Task, start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """How much of [start, end] the task's session was paused: that time is given back
    when the session resumes, so the unlock does not give it twice."""
    paused = datetime.timedelta()
    since = None
    kinds = [Event.Kind.PAUSED, Event.Kind.RESUMED]
    for kind, at in task.events.filter(kind__in=kinds).values_list("kind", "at"):
        if kind == Event.Kind.PAUSED:
            since = since or at
        elif since is not None:
            paused += max(datetime.timedelta(), min(at, end) - max(since, start))
            since = None
    if since is not None:  # paused now: the resume gives it back
        paused += max(datetime.timedelta(), end - max(since, start))
    return paused


def task_unlock_pin(*, actor: Any, task: Task, reason: str) -> Task:
    """The proctor or the district lifts the lock of the leader's signing PIN, with a
    reason, so that the leader signs again at once; the time the lock lasted within the
    test (from the lock, or the start if later, to now) is added to the deadline. One event
    on the task's timeline (the console's incidents) and one audit entry."""
    from sathach.signatures.models import LeaderCertificate
    from sathach.signatures.services import PIN_LOCK

    reason = nfc(reason).strip()
    if len(reason) < UNLOCK_REASON_MIN:
        raise DomainError(
            _("Write the reason (at least %(n)s characters).") % {"n": UNLOCK_REASON_MIN}
        )
    now = timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("person__unit").get(pk=task.pk)
        if task.status == Task.Status.SUBMITTED:
            raise DomainError(_("The test is submitted; reopen it instead."))
        tokens = LeaderCertificate.objects.select_for_update().filter(
            person=task.person, revoked_at__isnull=True, locked_until__gt=now
        )
        locked = list(tokens)
        if not locked:
            raise DomainError(_("This leader's signing PIN is not locked."))
        locked_at = min(t.locked_until for t in locked if t.locked_until) - PIN_LOCK
        given_back = 0
        if task.status == Task.Status.IN_PROGRESS and task.deadline and task.started_at:
            start = max(locked_at, task.started_at)
            lost = now - start - _paused_within(task, start, now)
            given_back = max(0, int(lost.total_seconds()))
            task.deadline += datetime.timedelta(seconds=given_back)
            task.save(update_fields=["deadline"])
        tokens.update(failed_pins=0, locked_until=None)
        Event.objects.create(
            task=task,
            kind=Event.Kind.PIN_UNLOCKED,
            actor=_user(actor),
            detail={"reason": reason, "seconds": given_back},
        )
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_PIN_UNLOCKED,
            obj=task,
            unit=task.person.unit,
            summary={
                "reason": reason,
                "seconds_given_back": given_back,
                "deadline": task.deadline.isoformat() if task.deadline else "",
            },
        )
    return task

"""Every change to the notices: composing them for a session's leaders (an IT-skills or an
e-office session), sending one again.
The sending itself is the worker's (`sending.py`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.eoffice.models import OfficeSession
from sathach.exams.models import ExamSession
from sathach.notices.models import Message
from sathach.notices.sending import message_enqueue
from sathach.notices.texts import (
    Sitting,
    commune_list_subject,
    commune_list_text,
    notice_text,
    sitting_fields,
)
from sathach.organization.models import Membership, Person, Role, User

REMINDER_KINDS = (Message.Kind.REMINDER_DAY, Message.Kind.REMINDER_HOUR)


def _addresses(person: Person) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if person.email:
        found.append((Message.Channel.EMAIL, person.email))
    if person.phone:
        found.append((Message.Channel.SMS, person.phone))
    return found


def _officer_addresses(user: User) -> list[tuple[str, str]]:
    """A commune officer's e-mail and phone: the account's own address, else those of the
    person the account belongs to (selected with the account: `user__person`)."""
    try:
        person: Person | None = user.person
    except Person.DoesNotExist:
        person = None
    found: list[tuple[str, str]] = []
    email = str(user.email) or (person.email if person else "")
    if email:
        found.append((Message.Channel.EMAIL, email))
    if person is not None and person.phone:
        found.append((Message.Channel.SMS, person.phone))
    return found


def _commune_lists(sitting: Sitting, examinees: list[Person]) -> list[Message]:
    """One message per commune officer of each commune with examinees in the sitting and
    channel the officer has (e-mail, phone), listing that commune's leaders invited.
    Officers with neither get nothing."""
    by_commune: dict[int, list[Person]] = {}
    for person in examinees:
        by_commune.setdefault(person.unit_id, []).append(person)
    officers = (
        Membership.objects.filter(role=Role.COMMUNE_OFFICER, unit_id__in=by_commune)
        .select_related("user__person", "unit")
        .order_by("unit__name", "user__username")
    )
    created = []
    for membership in officers:
        subject = commune_list_subject(sitting, membership.unit.name)
        body = commune_list_text(sitting, membership.unit.name, by_commune[membership.unit_id])
        for channel, recipient in _officer_addresses(membership.user):
            message = Message.objects.create(
                campaign=sitting.campaign,
                user=membership.user,
                **sitting_fields(sitting),
                channel=channel,
                kind=Message.Kind.COMMUNE_LIST,
                recipient=recipient,
                subject=subject,
                body=body,
            )
            message_enqueue(message)
            created.append(message)
    return created


def _leader_messages(
    sitting: Sitting,
    persons: list[Person],
    kind: str,
    skip: set[tuple[int, str]] | frozenset[tuple[int, str]] = frozenset(),
) -> list[Message]:
    """One queued message of `kind` per leader and channel they have, except the (person,
    channel) pairs in `skip`. The caller holds the transaction."""
    created = []
    for person in persons:
        subject, body = notice_text(sitting, person, kind)
        for channel, recipient in _addresses(person):
            if (person.pk, channel) in skip:
                continue
            message = Message.objects.create(
                campaign=sitting.campaign,
                person=person,
                **sitting_fields(sitting),
                channel=channel,
                kind=kind,
                recipient=recipient,
                subject=subject,
                body=body,
            )
            message_enqueue(message)
            created.append(message)
    return created


def _audit(actor: Any, sitting: Sitting, kind: str, count: int) -> None:
    audit_log(
        actor=actor,
        action=AuditAction.NOTICES_QUEUED,
        obj=sitting,
        unit=sitting.campaign.issuing_unit,
        summary={"session": sitting.name, "kind": kind, "messages": count},
    )


def notices_for_persons(*, actor: Any, session: Sitting, persons: list[Person]) -> int:
    """The `session_moved` notice to the leaders moved into `session` (an IT-skills or an
    e-office session) or whose session's time or place changed, through each channel they
    have. One audit entry; returns the count."""
    if session.status == session.Status.CLOSED:
        return 0
    kind = Message.Kind.SESSION_MOVED
    with transaction.atomic():
        count = len(_leader_messages(session, persons, kind))
        _audit(actor, session, kind, count)
    return count


def notices_for_session(*, actor: Any, session: Sitting, kind: str) -> list[Message]:
    """One message per examinee of the session (an IT-skills or an e-office session) and
    channel they have (e-mail, phone), queued for the worker. A reminder already made for
    the same leader, kind and channel is not made again, so the reminder command may run
    twice. With the schedule (not the reminders), each commune's officers get the list of
    its leaders invited. One audit entry."""
    if session.status == session.Status.CLOSED:
        raise DomainError(_("The session is closed: its leaders are not notified any more."))
    with transaction.atomic():
        existing: set[tuple[int, str]] = set()
        if kind in REMINDER_KINDS:
            existing = set(
                Message.objects.filter(**sitting_fields(session), kind=kind).values_list(
                    "person_id", "channel"
                )
            )
        examinees = list(session.examinees.select_related("unit").order_by("sort_key"))
        created = _leader_messages(session, examinees, kind, skip=existing)
        if kind == Message.Kind.SESSION_SCHEDULED:
            created += _commune_lists(session, examinees)
        if created or kind not in REMINDER_KINDS:
            _audit(actor, session, kind, len(created))
    return created


def message_resend(*, actor: Any, message: Message) -> Message:
    """Queue one message again, its tries counted anew (the page's "send again")."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status == Message.Status.QUEUED:
            raise DomainError(_("This notice is already waiting to be sent."))
        message.status = Message.Status.QUEUED
        message.tries = 0
        message.next_try_at = None
        message.save(update_fields=["status", "tries", "next_try_at"])
        message_enqueue(message)
        audit_log(
            actor=actor,
            action=AuditAction.NOTICE_RESENT,
            obj=message,
            unit=message.campaign.issuing_unit,
            summary={"person": message.addressee, "channel": message.channel},
        )
    return message


def reminders_queue(*, now: datetime.datetime | None = None) -> int:
    """The reminders due now, for IT-skills and e-office sessions alike: the day before
    (sessions opening between one and 24 hours from now) and one hour before (opening within
    the hour). Returns how many messages were queued; running it again queues none."""
    now = now or timezone.now()
    hour = now + datetime.timedelta(hours=1)
    due = [
        (Message.Kind.REMINDER_DAY, hour, now + datetime.timedelta(hours=24)),
        (Message.Kind.REMINDER_HOUR, now, hour),
    ]
    count = 0
    for kind, start, end in due:
        for model in (ExamSession, OfficeSession):
            sittings = model.objects.filter(
                status=model.Status.SCHEDULED, opens_at__gt=start, opens_at__lte=end
            ).select_related("campaign__issuing_unit")
            for sitting in sittings:
                count += len(notices_for_session(actor=None, session=sitting, kind=kind))
    return count

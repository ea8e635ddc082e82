"""Every change to the notices: composing them for a session's leaders, sending one again.
The sending itself is the worker's (`sending.py`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.exams.models import ExamSession
from sathach.notices.models import Message
from sathach.notices.sending import message_enqueue
from sathach.organization.models import Membership, Person, Role, User

REMINDER_KINDS = (Message.Kind.REMINDER_DAY, Message.Kind.REMINDER_HOUR)


def _subject(kind: str, values: dict[str, str]) -> str:
    if kind == Message.Kind.REMINDER_DAY:
        return _("Reminder: your IT-skills test is tomorrow, %(date)s at %(time)s") % values
    if kind == Message.Kind.REMINDER_HOUR:
        return _("Reminder: your IT-skills test opens at %(time)s today") % values
    return _("IT-skills test schedule: %(session)s, %(date)s at %(time)s") % values


def notice_text(session: ExamSession, person: Person, kind: str) -> tuple[str, str]:
    """The subject and body of one leader's notice, in the installation's language
    (Vietnamese) whatever the language of the admin who asked for it."""
    issuer = session.campaign.issuing_unit
    opens = timezone.localtime(session.opens_at, timezone.get_default_timezone())
    with translation.override(settings.LANGUAGE_CODE):
        phone = settings.NOTICES_CONTACT_PHONE
        values = {
            "name": person.full_name,
            "session": session.name,
            "date": opens.strftime("%d/%m/%Y"),
            "time": opens.strftime("%H:%M"),
            "place": session.room or _("the place the district will announce"),
            "issuer": issuer.name,
            "contact": (
                _("%(unit)s, phone %(phone)s") % {"unit": issuer.name, "phone": phone}
                if phone
                else issuer.name
            ),
        }
        body = (
            _(
                "Dear %(name)s,\n"
                "%(issuer)s invites you to the IT-skills test “%(session)s” on %(date)s at "
                "%(time)s, at %(place)s.\n"
                "Please bring your signing device (USB token) and the password of your "
                "exam account.\n"
                "For any question, call %(contact)s."
            )
            % values
        )
        return _subject(kind, values), body


def _addresses(person: Person) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if person.email:
        found.append((Message.Channel.EMAIL, person.email))
    if person.phone:
        found.append((Message.Channel.SMS, person.phone))
    return found


def _officer_email(user: User) -> str:
    """The account's own address, else that of the person the account belongs to."""
    if user.email:
        return str(user.email)
    person = Person.objects.filter(user=user).exclude(email="").first()
    return person.email if person else ""


def commune_list_text(session: ExamSession, commune_name: str, leaders: list[Person]) -> str:
    """The body of a commune officer's list: the session and the commune's leaders invited,
    in the installation's language."""
    opens = timezone.localtime(session.opens_at, timezone.get_default_timezone())
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _(
                "%(issuer)s invites the following leaders of %(commune)s to the IT-skills "
                "test “%(session)s” on %(date)s at %(time)s, at %(place)s:"
            )
            % {
                "issuer": session.campaign.issuing_unit.name,
                "commune": commune_name,
                "session": session.name,
                "date": opens.strftime("%d/%m/%Y"),
                "time": opens.strftime("%H:%M"),
                "place": session.room or _("the place the district will announce"),
            }
        ]
        lines += [
            f"{number}. {person.full_name}, {person.get_position_display()}"
            for number, person in enumerate(leaders, start=1)
        ]
        lines.append(_("Please remind them and help them get ready."))
        return "\n".join(lines)


def _commune_lists(session: ExamSession, examinees: list[Person]) -> list[Message]:
    """One e-mail per commune officer of each commune with examinees in the session, listing
    that commune's leaders invited. Officers without any e-mail address get nothing."""
    by_commune: dict[int, list[Person]] = {}
    for person in examinees:
        by_commune.setdefault(person.unit_id, []).append(person)
    officers = (
        Membership.objects.filter(role=Role.COMMUNE_OFFICER, unit_id__in=by_commune)
        .select_related("user", "unit")
        .order_by("unit__name", "user__username")
    )
    created = []
    for membership in officers:
        recipient = _officer_email(membership.user)
        if not recipient:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("IT-skills test: the leaders of %(commune)s in %(session)s") % {
                "commune": membership.unit.name,
                "session": session.name,
            }
        message = Message.objects.create(
            campaign=session.campaign,
            user=membership.user,
            session=session,
            channel=Message.Channel.EMAIL,
            kind=Message.Kind.COMMUNE_LIST,
            recipient=recipient,
            subject=subject,
            body=commune_list_text(session, membership.unit.name, by_commune[membership.unit_id]),
        )
        message_enqueue(message)
        created.append(message)
    return created


def _leader_messages(
    session: ExamSession,
    persons: list[Person],
    kind: str,
    skip: set[tuple[int, str]] | frozenset[tuple[int, str]] = frozenset(),
) -> list[Message]:
    """One queued message of `kind` per leader and channel they have, except the (person,
    channel) pairs in `skip`. The caller holds the transaction."""
    created = []
    for person in persons:
        subject, body = notice_text(session, person, kind)
        for channel, recipient in _addresses(person):
            if (person.pk, channel) in skip:
                continue
            message = Message.objects.create(
                campaign=session.campaign,
                person=person,
                session=session,
                channel=channel,
                kind=kind,
                recipient=recipient,
                subject=subject,
                body=body,
            )
            message_enqueue(message)
            created.append(message)
    return created


def notices_for_persons(*, actor: Any, session: ExamSession, persons: list[Person]) -> int:
    """The `session_moved` notice to the leaders moved into `session` or whose session's time
    or place changed, through each channel they have. One audit entry; returns the count."""
    if session.status == ExamSession.Status.CLOSED:
        return 0
    kind = Message.Kind.SESSION_MOVED
    with transaction.atomic():
        count = len(_leader_messages(session, persons, kind))
        audit_log(
            actor=actor,
            action=AuditAction.NOTICES_QUEUED,
            obj=session,
            unit=session.campaign.issuing_unit,
            summary={"session": session.name, "kind": kind, "messages": count},
        )
    return count


def notices_for_session(*, actor: Any, session: ExamSession, kind: str) -> list[Message]:
    """One message per examinee of the session and channel they have (e-mail, phone),
    queued for the worker. A reminder already made for the same leader, kind and channel
    is not made again, so the reminder command may run twice. With the schedule (not the
    reminders), each commune's officers get the list of its leaders invited. One audit entry."""
    if session.status == ExamSession.Status.CLOSED:
        raise DomainError(_("The session is closed: its leaders are not notified any more."))
    with transaction.atomic():
        existing: set[tuple[int, str]] = set()
        if kind in REMINDER_KINDS:
            existing = set(
                Message.objects.filter(session=session, kind=kind).values_list(
                    "person_id", "channel"
                )
            )
        examinees = list(session.examinees.select_related("unit").order_by("sort_key"))
        created = _leader_messages(session, examinees, kind, skip=existing)
        if kind == Message.Kind.SESSION_SCHEDULED:
            created += _commune_lists(session, examinees)
        if created or kind not in REMINDER_KINDS:
            audit_log(
                actor=actor,
                action=AuditAction.NOTICES_QUEUED,
                obj=session,
                unit=session.campaign.issuing_unit,
                summary={"session": session.name, "kind": kind, "messages": len(created)},
            )
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
    """The reminders due now: the day before (sessions opening between one and 24 hours
    from now) and one hour before (opening within the hour). Returns how many messages
    were queued; running it again queues none."""
    now = now or timezone.now()
    hour = now + datetime.timedelta(hours=1)
    due = [
        (Message.Kind.REMINDER_DAY, hour, now + datetime.timedelta(hours=24)),
        (Message.Kind.REMINDER_HOUR, now, hour),
    ]
    count = 0
    for kind, start, end in due:
        sessions = ExamSession.objects.filter(
            status=ExamSession.Status.SCHEDULED, opens_at__gt=start, opens_at__lte=end
        ).select_related("campaign__issuing_unit")
        for session in sessions:
            count += len(notices_for_session(actor=None, session=session, kind=kind))
    return count

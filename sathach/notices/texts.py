"""What the notices say. A notice is about a *sitting*: an IT-skills session (`ExamSession`)
or an e-office session (`OfficeSession`, a window to start the practical test in). Both have a
campaign, a name, a room, an opening, a last start, examinees and a status; the wording is
fixed in the installation's language (Vietnamese) whatever the language of whoever sends."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sathach.eoffice.models import OfficeSession
from sathach.exams.models import ExamSession
from sathach.notices.models import Message
from sathach.organization.models import Person

Sitting = ExamSession | OfficeSession


def is_office(sitting: Sitting) -> bool:
    return isinstance(sitting, OfficeSession)


def sitting_fields(sitting: Sitting) -> dict[str, Any]:
    """The message's link to its sitting, for `Message.objects.create(**...)` and filters."""
    return {"office_session": sitting} if is_office(sitting) else {"session": sitting}


def sign_in_link() -> str:
    return settings.BASE_URL + reverse("login")


def _values(sitting: Sitting) -> dict[str, str]:
    """The sitting's date, times, place and the district's contact, as the texts print them.
    The caller holds the installation's language."""
    zone = timezone.get_default_timezone()
    opens = timezone.localtime(sitting.opens_at, zone)
    until = timezone.localtime(sitting.closes_at, zone)
    issuer = sitting.campaign.issuing_unit
    phone = settings.NOTICES_CONTACT_PHONE
    link = sign_in_link()
    return {
        "session": sitting.name,
        "date": opens.strftime("%d/%m/%Y"),
        "time": opens.strftime("%H:%M"),
        "until": until.strftime("%H:%M"),
        "place": sitting.room or _("the test site %(link)s") % {"link": link},
        "link": link,
        "issuer": issuer.name,
        "contact": (
            _("%(unit)s, phone %(phone)s") % {"unit": issuer.name, "phone": phone}
            if phone
            else issuer.name
        ),
    }


def _subject(sitting: Sitting, kind: str, values: dict[str, str]) -> str:
    if is_office(sitting):
        if kind == Message.Kind.REMINDER_DAY:
            return (
                _("Reminder: your e-office practical test is tomorrow, %(date)s from %(time)s")
                % values
            )
        if kind == Message.Kind.REMINDER_HOUR:
            return _("Reminder: your e-office practical test opens at %(time)s today") % values
        return _("E-office practical test schedule: %(session)s, %(date)s from %(time)s") % values
    if kind == Message.Kind.REMINDER_DAY:
        return _("Reminder: your IT-skills test is tomorrow, %(date)s at %(time)s") % values
    if kind == Message.Kind.REMINDER_HOUR:
        return _("Reminder: your IT-skills test opens at %(time)s today") % values
    return _("IT-skills test schedule: %(session)s, %(date)s at %(time)s") % values


def notice_text(sitting: Sitting, person: Person, kind: str) -> tuple[str, str]:
    """The subject and body of one leader's notice: the date, time, place or link, what to
    bring (the signing device) and whom to call."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {**_values(sitting), "name": person.full_name}
        if is_office(sitting):
            body = (
                _(
                    "Dear %(name)s,\n"
                    "%(issuer)s invites you to the e-office practical test “%(session)s” "
                    "(forwarding incoming documents and signing outgoing ones) on %(date)s: "
                    "start between %(time)s and %(until)s, at %(place)s.\n"
                    "Please bring your signing device (USB token) with its PIN, and the "
                    "password of your exam account (sign in at %(link)s).\n"
                    "For any question, call %(contact)s."
                )
                % values
            )
        else:
            body = (
                _(
                    "Dear %(name)s,\n"
                    "%(issuer)s invites you to the IT-skills test “%(session)s” on %(date)s at "
                    "%(time)s, at %(place)s.\n"
                    "Please bring your signing device (USB token) and the password of your "
                    "exam account (sign in at %(link)s).\n"
                    "For any question, call %(contact)s."
                )
                % values
            )
        return _subject(sitting, kind, values), body


def commune_list_subject(sitting: Sitting, commune_name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        values = {"commune": commune_name, "session": sitting.name}
        if is_office(sitting):
            return _("E-office practical test: the leaders of %(commune)s in %(session)s") % values
        return _("IT-skills test: the leaders of %(commune)s in %(session)s") % values


def commune_list_text(sitting: Sitting, commune_name: str, leaders: list[Person]) -> str:
    """The body of a commune officer's list: the sitting and the commune's leaders invited."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {**_values(sitting), "commune": commune_name}
        if is_office(sitting):
            first = (
                _(
                    "%(issuer)s invites the following leaders of %(commune)s to the e-office "
                    "practical test “%(session)s” on %(date)s, starting between %(time)s and "
                    "%(until)s, at %(place)s:"
                )
                % values
            )
        else:
            first = (
                _(
                    "%(issuer)s invites the following leaders of %(commune)s to the IT-skills "
                    "test “%(session)s” on %(date)s at %(time)s, at %(place)s:"
                )
                % values
            )
        lines = [first]
        lines += [
            f"{number}. {person.full_name}, {person.get_position_display()}"
            for number, person in enumerate(leaders, start=1)
        ]
        lines.append(_("Please remind them and help them get ready."))
        return "\n".join(lines)

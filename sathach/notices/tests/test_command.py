from __future__ import annotations

import datetime
from io import StringIO

import time_machine
from django.core.management import CommandError, call_command

from sathach.core.models import AuditEntry
from sathach.notices.models import Message
from sathach.notices.tests.support import OPENS_AT, make_session
from sathach.organization.testing import BaseTestCase


def remind() -> str:
    out = StringIO()
    call_command("notices", "remind", stdout=out)
    return out.getvalue()


class RemindCommandTestCase(BaseTestCase):
    def test_running_it_twice_queues_one_day_before_reminder_per_leader_and_channel(self) -> None:
        make_session(self.world)
        with time_machine.travel(OPENS_AT - datetime.timedelta(hours=20)):
            self.assertIn("3 ", remind())
            self.assertIn("0 ", remind())
        reminders = Message.objects.filter(kind=Message.Kind.REMINDER_DAY)
        self.assertEqual(reminders.count(), 3)
        self.assertFalse(Message.objects.filter(kind=Message.Kind.REMINDER_HOUR).exists())
        self.assertEqual(AuditEntry.objects.filter(action="notice.queued").count(), 1)

    def test_one_hour_before_it_queues_the_hour_reminder_once(self) -> None:
        make_session(self.world)
        with time_machine.travel(OPENS_AT - datetime.timedelta(hours=20)):
            remind()
        with time_machine.travel(OPENS_AT - datetime.timedelta(minutes=50)):
            remind()
            remind()
        self.assertEqual(Message.objects.filter(kind=Message.Kind.REMINDER_DAY).count(), 3)
        self.assertEqual(Message.objects.filter(kind=Message.Kind.REMINDER_HOUR).count(), 3)

    def test_sessions_far_ahead_or_already_open_get_no_reminder(self) -> None:
        make_session(self.world)
        with time_machine.travel(OPENS_AT - datetime.timedelta(days=3)):
            remind()
        with time_machine.travel(OPENS_AT + datetime.timedelta(minutes=5)):
            remind()
        self.assertFalse(Message.objects.exists())


class SendCommandTestCase(BaseTestCase):
    def test_it_queues_the_schedule_of_one_session(self) -> None:
        session = make_session(self.world)
        out = StringIO()
        call_command("notices", "send", "--session", str(session.pk), stdout=out)
        self.assertIn("3 notices queued", out.getvalue())
        self.assertEqual(
            Message.objects.filter(session=session, kind=Message.Kind.SESSION_SCHEDULED).count(),
            3,
        )

    def test_a_closed_or_missing_session_is_refused_with_the_reason(self) -> None:
        session = make_session(self.world)
        session.status = session.Status.CLOSED
        session.save()
        with self.assertRaisesMessage(CommandError, "đã đóng"):
            call_command("notices", "send", "--session", str(session.pk))
        with self.assertRaisesMessage(CommandError, "No such session"):
            call_command("notices", "send", "--office-session", "999")
        self.assertFalse(Message.objects.exists())

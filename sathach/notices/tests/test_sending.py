from __future__ import annotations

import datetime
import email
import json

import time_machine
from django.test import override_settings

from sathach.notices.models import Message
from sathach.notices.services import notices_for_session
from sathach.notices.tests.support import (
    OPENS_AT,
    WorkerTestCase,
    gateway_server,
    make_session,
    smtp_server,
)
from sathach.organization.testing import run_task_worker

SMTP = "django.core.mail.backends.smtp.EmailBackend"
DAY_BEFORE = OPENS_AT - datetime.timedelta(days=1)


class EmailNoticeTestCase(WorkerTestCase):
    def test_each_leader_receives_the_schedule_by_email_through_a_real_smtp_server(self) -> None:
        session = make_session(self.world)
        with (
            time_machine.travel(DAY_BEFORE),
            smtp_server() as (inbox, port),
            override_settings(
                EMAIL_BACKEND=SMTP,
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=port,
                DEFAULT_FROM_EMAIL="thi@culaodung.example",
                NOTICES_CONTACT_PHONE="0299 3832 123",
            ),
        ):
            notices_for_session(
                actor=self.world.district_admin, session=session, kind="session_scheduled"
            )
            run_task_worker()
        emails = Message.objects.filter(channel=Message.Channel.EMAIL)
        self.assertEqual({m.status for m in emails}, {Message.Status.SENT})
        self.assertEqual(len(inbox.envelopes), 2)
        received = {e.rcpt_tos[0]: email.message_from_bytes(e.content) for e in inbox.envelopes}
        mail = received["ngan.tt@daian1.example"]
        self.assertEqual(mail["From"], "thi@culaodung.example")
        body = mail.get_payload(decode=True).decode(mail.get_content_charset() or "utf-8")
        for expected in (
            "Trần Thị Ngân",
            "Ca 1",
            "08/12/2026",
            "08:30",
            "Phòng máy UBND huyện",
            "Huyện Cù Lao Dung",
            "0299 3832 123",
        ):
            self.assertIn(expected, body)
        message = emails.get(person=self.world.leader_person)
        self.assertEqual(body.replace("\r\n", "\n").strip(), message.body.strip())
        self.assertIsNotNone(message.sent_at)

    def test_a_leader_without_an_address_or_a_phone_gets_no_message(self) -> None:
        session = make_session(self.world)
        created = notices_for_session(
            actor=self.world.district_admin, session=session, kind="session_scheduled"
        )
        self.assertEqual(
            sorted((m.person.full_name, m.channel) for m in created),
            [("Nguyễn Văn Bình", "email"), ("Trần Thị Ngân", "email"), ("Trần Thị Ngân", "sms")],
        )


class SmsNoticeTestCase(WorkerTestCase):
    def test_a_provider_that_fails_twice_then_accepts_ends_with_the_message_sent(self) -> None:
        session = make_session(self.world)
        with (
            gateway_server(failures=2) as (gateway, url),
            override_settings(SMS_GATEWAY_URL=url, SMS_GATEWAY_KEY="k-123", SMS_SENDER="CULAODUNG"),
            time_machine.travel(DAY_BEFORE) as clock,
        ):
            notices_for_session(
                actor=self.world.district_admin, session=session, kind="session_scheduled"
            )
            sms = Message.objects.get(channel=Message.Channel.SMS)
            run_task_worker()
            sms.refresh_from_db()
            self.assertEqual((sms.status, sms.tries), (Message.Status.QUEUED, 1))
            self.assertIn("HTTP 500", sms.last_error)
            self.assertIn("provider busy", sms.last_error)
            run_task_worker()  # the next try waits for its time
            sms.refresh_from_db()
            self.assertEqual(sms.tries, 1)
            clock.shift(datetime.timedelta(seconds=61))
            run_task_worker()
            sms.refresh_from_db()
            self.assertEqual((sms.status, sms.tries), (Message.Status.QUEUED, 2))
            clock.shift(datetime.timedelta(seconds=301))
            run_task_worker()
        sms.refresh_from_db()
        self.assertEqual((sms.status, sms.tries), (Message.Status.SENT, 3))
        self.assertIn("provider busy", sms.last_error)
        self.assertEqual(len(gateway.requests), 3)
        headers, body = gateway.requests[-1]
        self.assertEqual(headers["Authorization"], "Bearer k-123")
        sent = json.loads(body)
        self.assertEqual((sent["to"], sent["sender"]), ("0912345678", "CULAODUNG"))
        self.assertIn("08/12/2026", sent["text"])

    def test_the_form_format_posts_the_same_fields_as_a_form(self) -> None:
        session = make_session(self.world)
        with (
            gateway_server() as (gateway, url),
            override_settings(SMS_GATEWAY_URL=url, SMS_GATEWAY_FORMAT="form"),
        ):
            notices_for_session(
                actor=self.world.district_admin, session=session, kind="session_scheduled"
            )
            run_task_worker()
        headers, body = gateway.requests[0]
        self.assertIn("application/x-www-form-urlencoded", headers["Content-Type"])
        self.assertIn("to=0912345678", body.decode())
        self.assertEqual(Message.objects.get(channel="sms").status, Message.Status.SENT)

    def test_a_provider_that_never_accepts_fails_the_message_after_four_tries(self) -> None:
        session = make_session(self.world)
        with (
            gateway_server(failures=99) as (gateway, url),
            override_settings(SMS_GATEWAY_URL=url),
            time_machine.travel(DAY_BEFORE) as clock,
        ):
            notices_for_session(
                actor=self.world.district_admin, session=session, kind="session_scheduled"
            )
            for _ in range(4):
                run_task_worker()
                clock.shift(datetime.timedelta(hours=1))
            run_task_worker()
        sms = Message.objects.get(channel=Message.Channel.SMS)
        self.assertEqual((sms.status, sms.tries), (Message.Status.FAILED, 4))
        self.assertEqual(len(gateway.requests), 4)
        self.assertIn("HTTP 500", sms.last_error)

    @override_settings(SMS_GATEWAY_URL="")
    def test_without_a_gateway_an_sms_fails_at_once_with_the_reason(self) -> None:
        session = make_session(self.world)
        notices_for_session(
            actor=self.world.district_admin, session=session, kind="session_scheduled"
        )
        run_task_worker()
        sms = Message.objects.get(channel=Message.Channel.SMS)
        self.assertEqual((sms.status, sms.tries), (Message.Status.FAILED, 1))
        self.assertIn("SMS_GATEWAY_URL", sms.last_error)

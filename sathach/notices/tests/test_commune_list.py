from __future__ import annotations

import email

import time_machine
from django.test import override_settings
from django.urls import reverse

from sathach.notices.models import Message
from sathach.notices.services import notices_for_session
from sathach.notices.tests.support import OPENS_AT, WorkerTestCase, make_session, smtp_server
from sathach.organization.models import Role
from sathach.organization.testing import make_person, make_user, run_task_worker

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class CommuneListTestCase(WorkerTestCase):
    def test_the_commune_officer_receives_the_communes_list_by_email(self) -> None:
        session = make_session(self.world)
        self.world.commune_officer.email = "vanphong@anthanh1.example"
        self.world.commune_officer.save()
        with (
            time_machine.travel(OPENS_AT.replace(day=7)),
            smtp_server() as (inbox, port),
            override_settings(EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port),
        ):
            notices_for_session(
                actor=self.world.district_admin, session=session, kind="session_scheduled"
            )
            run_task_worker()
        listed = Message.objects.get(kind=Message.Kind.COMMUNE_LIST)
        self.assertEqual(listed.user, self.world.commune_officer)
        self.assertIsNone(listed.person)
        self.assertEqual(listed.channel, Message.Channel.EMAIL)
        self.assertEqual(listed.status, Message.Status.SENT)
        received = {e.rcpt_tos[0]: email.message_from_bytes(e.content) for e in inbox.envelopes}
        mail = received["vanphong@anthanh1.example"]
        body = mail.get_payload(decode=True).decode(mail.get_content_charset() or "utf-8")
        for expected in (
            "Ca 1",
            "08/12/2026",
            "08:30",
            "Phòng máy UBND huyện",
            "Xã An Thạnh 1",
            "Nguyễn Văn Bình",
            "Chủ tịch",
        ):
            self.assertIn(expected, body)
        # The Đại Ân 1 chairman is another commune's leader: not on An Thạnh 1's list.
        self.assertNotIn("Trần Thị Ngân", body)

    def test_an_officer_without_an_account_email_is_reached_through_their_person(self) -> None:
        session = make_session(self.world)
        officer = make_user("daian1.vanphong", Role.COMMUNE_OFFICER, self.world.dai_an_1)
        make_person("Lê Văn Tư", self.world.dai_an_1, user=officer, email="tu.lv@daian1.example")
        created = notices_for_session(
            actor=self.world.district_admin, session=session, kind="session_scheduled"
        )
        lists = [m for m in created if m.kind == Message.Kind.COMMUNE_LIST]
        # The An Thạnh 1 officer has no e-mail at all: nothing for them.
        self.assertEqual(
            [(m.user, m.recipient) for m in lists], [(officer, "tu.lv@daian1.example")]
        )

    def test_the_page_lists_the_officers_message_with_their_name(self) -> None:
        session = make_session(self.world)
        self.world.commune_officer.full_name = "Phạm Thị Hoa"
        self.world.commune_officer.email = "vanphong@anthanh1.example"
        self.world.commune_officer.save()
        notices_for_session(
            actor=self.world.district_admin, session=session, kind="session_scheduled"
        )
        self.client.force_login(self.world.district_admin)
        page = self.client.get(reverse("notice-list", args=[session.campaign.pk]))
        self.assertContains(page, "Phạm Thị Hoa")
        self.assertContains(page, "vanphong@anthanh1.example")

    def test_reminders_do_not_send_the_list_again(self) -> None:
        session = make_session(self.world)
        self.world.commune_officer.email = "vanphong@anthanh1.example"
        self.world.commune_officer.save()
        notices_for_session(actor=None, session=session, kind=Message.Kind.REMINDER_DAY)
        self.assertFalse(Message.objects.filter(kind=Message.Kind.COMMUNE_LIST).exists())

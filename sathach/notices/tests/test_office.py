"""Notices of the e-office sessions (a window to start the practical test in): scheduled,
reminded the day before and the hour before, a leader moved, the window or room changed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse

from sathach.campaigns.models import Campaign
from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice.models import OfficeSession
from sathach.eoffice.services.sessions import office_session_move, office_session_reschedule
from sathach.notices.models import Message
from sathach.notices.services import notices_for_session, reminders_queue
from sathach.notices.tests.support import OPENS_AT
from sathach.organization.testing import BaseTestCase


class OfficeNoticesTestCase(BaseTestCase):
    def setUp(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        self.session = self.office_session(campaign, "Ca văn phòng điện tử 1", OPENS_AT)
        self.world.leader_person.email = "ngan.tt@daian1.example"
        self.world.leader_person.phone = "0912345678"
        self.world.leader_person.save()
        self.world.an_thanh_1_chairman.email = "binh.nv@anthanh1.example"
        self.world.an_thanh_1_chairman.save()
        self.session.examinees.set([self.world.leader_person, self.world.an_thanh_1_chairman])

    def office_session(
        self, campaign: Campaign, name: str, opens_at: datetime.datetime, room: str = ""
    ) -> OfficeSession:
        return OfficeSession.objects.create(
            campaign=campaign,
            name=name,
            room=room,
            opens_at=opens_at,
            closes_at=opens_at + datetime.timedelta(hours=2),
            access_code="VPDT42",
        )

    def test_the_schedule_tells_each_leader_the_window_the_link_and_the_signing_device(
        self,
    ) -> None:
        created = notices_for_session(
            actor=self.world.district_admin, session=self.session, kind="session_scheduled"
        )
        leaders = [m for m in created if m.person is not None]
        self.assertEqual(
            sorted((m.person.full_name, m.channel) for m in leaders),
            [("Nguyễn Văn Bình", "email"), ("Trần Thị Ngân", "email"), ("Trần Thị Ngân", "sms")],
        )
        message = leaders[0]
        self.assertEqual(message.office_session, self.session)
        self.assertIsNone(message.session)
        for expected in (
            "văn phòng điện tử",
            "Ca văn phòng điện tử 1",
            "08/12/2026",
            "08:30",
            "10:30",
            # No room: the leader takes it from wherever they are, through the site's link.
            settings.BASE_URL + "/accounts/login/",
            "thiết bị ký số",
        ):
            self.assertIn(expected, message.body)
        self.assertIn("văn phòng điện tử", message.subject)

    def test_reminders_reach_the_leaders_of_an_e_office_session_once(self) -> None:
        day_before = OPENS_AT - datetime.timedelta(hours=20)
        self.assertEqual(reminders_queue(now=day_before), 3)
        self.assertEqual(reminders_queue(now=day_before), 0)
        reminders = Message.objects.filter(kind=Message.Kind.REMINDER_DAY)
        self.assertEqual({m.office_session for m in reminders}, {self.session})
        self.assertIn("ngày mai", reminders[0].subject)
        hour_before = OPENS_AT - datetime.timedelta(minutes=40)
        self.assertEqual(reminders_queue(now=hour_before), 3)

    def test_a_leader_moved_to_another_e_office_session_is_told_its_window(self) -> None:
        later = OPENS_AT + datetime.timedelta(days=1, hours=6)
        target = self.office_session(self.session.campaign, "Ca 2", later, room="Phòng họp xã")
        with self.captureOnCommitCallbacks(execute=True):
            office_session_move(
                actor=self.world.district_admin,
                person=self.world.an_thanh_1_chairman,
                source=self.session,
                target=target,
            )
        moved = Message.objects.get(kind=Message.Kind.SESSION_MOVED)
        self.assertEqual(moved.office_session, target)
        self.assertEqual(moved.person, self.world.an_thanh_1_chairman)
        for expected in ("09/12/2026", "14:30", "16:30", "Phòng họp xã"):
            self.assertIn(expected, moved.body)

    def test_a_new_window_tells_every_examinee_and_is_audited(self) -> None:
        later = OPENS_AT + datetime.timedelta(hours=5)
        with self.captureOnCommitCallbacks(execute=True):
            office_session_reschedule(
                actor=self.world.district_admin,
                session=self.session,
                opens_at=later,
                closes_at=later + datetime.timedelta(hours=1),
                room="Hội trường UBND huyện",
            )
        self.session.refresh_from_db()
        self.assertEqual(self.session.room, "Hội trường UBND huyện")
        moved = Message.objects.filter(kind=Message.Kind.SESSION_MOVED)
        self.assertEqual(len(moved), 3)
        self.assertIn("13:30", moved[0].body)
        self.assertIn("Hội trường UBND huyện", moved[0].body)
        entry = AuditEntry.objects.filter(action="eoffice.session_rescheduled").get()
        self.client.force_login(self.world.district_admin)
        page = self.client.get(reverse("audit-list"))
        self.assertContains(page, "08/12/2026 08:30")
        self.assertContains(page, "08/12/2026 13:30")
        self.assertNotContains(page, "opens_at")
        self.assertIsNotNone(entry)

    def test_an_open_session_keeps_its_window_and_nobody_is_told(self) -> None:
        self.session.status = OfficeSession.Status.OPEN
        self.session.save()
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(DomainError):
            office_session_reschedule(
                actor=self.world.district_admin,
                session=self.session,
                opens_at=OPENS_AT,
                closes_at=OPENS_AT + datetime.timedelta(hours=3),
                room="",
            )
        self.assertFalse(Message.objects.exists())

    def test_the_commune_officer_gets_the_list_by_sms_too(self) -> None:
        self.world.officer_person.user = self.world.commune_officer
        self.world.officer_person.unit = self.world.an_thanh_1
        self.world.officer_person.phone = "0987654321"
        self.world.officer_person.save()
        created = notices_for_session(
            actor=self.world.district_admin, session=self.session, kind="session_scheduled"
        )
        lists = [m for m in created if m.kind == Message.Kind.COMMUNE_LIST]
        self.assertEqual(
            [(m.user, m.channel, m.recipient) for m in lists],
            [(self.world.commune_officer, "sms", "0987654321")],
        )
        self.assertIn("Nguyễn Văn Bình", lists[0].body)

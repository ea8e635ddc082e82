from __future__ import annotations

import datetime

from sathach.core.errors import DomainError
from sathach.exams.models import ExamSession
from sathach.exams.services.scheduling import session_move_examinee
from sathach.notices.models import Message
from sathach.notices.tests.support import OPENS_AT, make_session
from sathach.organization.testing import BaseTestCase

LATER = OPENS_AT + datetime.timedelta(days=1, hours=6)


class SessionMovedTestCase(BaseTestCase):
    def test_moving_an_examinee_queues_one_notice_for_them_with_the_new_time(self) -> None:
        first = make_session(self.world)
        second = ExamSession.objects.create(
            campaign=first.campaign,
            name="Ca 2",
            room="Phòng họp xã",
            opens_at=LATER,
            closes_at=LATER + datetime.timedelta(minutes=30),
            access_code="XYZ789",
            status=ExamSession.Status.SCHEDULED,
        )
        with self.captureOnCommitCallbacks(execute=True):
            session_move_examinee(
                actor=self.world.district_admin,
                person=self.world.an_thanh_1_chairman,
                source=first,
                target=second,
            )
        moved = Message.objects.filter(kind=Message.Kind.SESSION_MOVED)
        self.assertEqual(
            [(m.person, m.session, m.channel) for m in moved],
            [(self.world.an_thanh_1_chairman, second, Message.Channel.EMAIL)],
        )
        self.assertIn("09/12/2026", moved[0].body)
        self.assertIn("14:30", moved[0].body)
        self.assertIn("Phòng họp xã", moved[0].body)

    def test_a_move_that_fails_notifies_nobody(self) -> None:
        first = make_session(self.world)
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(DomainError):
            session_move_examinee(
                actor=self.world.district_admin,
                person=self.world.an_thanh_1_chairman,
                source=first,
                target=first,
            )
        self.assertFalse(Message.objects.filter(kind=Message.Kind.SESSION_MOVED).exists())

    def test_a_leader_moved_back_and_forth_is_told_each_time(self) -> None:
        first = make_session(self.world)
        second = ExamSession.objects.create(
            campaign=first.campaign,
            name="Ca 2",
            opens_at=LATER,
            closes_at=LATER + datetime.timedelta(minutes=30),
            access_code="XYZ789",
            status=ExamSession.Status.SCHEDULED,
        )
        person = self.world.an_thanh_1_chairman
        for source, target in ((first, second), (second, first), (first, second)):
            with self.captureOnCommitCallbacks(execute=True):
                session_move_examinee(
                    actor=self.world.district_admin, person=person, source=source, target=target
                )
        self.assertEqual(Message.objects.filter(kind=Message.Kind.SESSION_MOVED).count(), 3)

"""A wrong PIN in the e-office test says how many tries are left, a lock says until when
(time and date, Asia/Ho_Chi_Minh), and the lock never eats the test's clock unseen: it is on
the proctor's timeline, and the proctor or the district who unlocks it with a reason gives
back the time it lasted; a lock that ran out on its own is made up by extra time."""

from __future__ import annotations

import datetime

import time_machine
from django.utils import timezone

from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice.models import Event, Kind, Task, TaskDocument
from sathach.eoffice.services.pins import pin_locked_until, task_unlock_pin
from sathach.eoffice.services.sessions import (
    office_session_create,
    office_session_open,
    office_session_pause,
    office_session_resume,
    task_extra_time,
)
from sathach.eoffice.services.tasks import document_sign_draft, task_start, task_submit
from sathach.eoffice.tests.factories import PIN, make_servants, make_task
from sathach.organization.testing import BaseTestCase
from sathach.signatures.services import certificate_issue, pki_init, token_set_pin

# Tomorrow 23:50 in UTC (the certificates are valid from today) is 06:50 of the day after in
# Vietnam: the date in the message must be Vietnam's.
START = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).replace(
    hour=23, minute=50, second=0, microsecond=0
)
LOCKED_UNTIL = f"07:05 ngày {(START + datetime.timedelta(days=1)).strftime('%d/%m/%Y')}"
REASON = "Thí sinh quên mã PIN, đã xác minh danh tính"


class PinLockTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.servants = make_servants(self.world)
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        token = certificate_issue(actor=None, person=self.world.leader_person)
        token_set_pin(actor=self.world.leader, token=token, new_pin=PIN)
        self.task = make_task(self.world)

    def start(self) -> Task:
        self.task = task_start(user=self.world.leader, task=self.task)
        return self.task

    def draft(self) -> TaskDocument:
        return self.task.documents.get(kind=Kind.OUTGOING)

    def sign(self, pin: str) -> str:
        """The message of the refused signature."""
        with self.assertRaises(DomainError) as caught:
            document_sign_draft(user=self.world.leader, document=self.draft(), pin=pin)
        return caught.exception.message

    def lock(self) -> str:
        """Five wrong PINs; the last message."""
        for _try in range(4):
            self.sign("000001")
        return self.sign("000001")

    def deadline(self) -> datetime.datetime:
        self.task.refresh_from_db()
        assert self.task.deadline is not None
        return self.task.deadline


class WrongPinMessageTests(PinLockTestCase):
    def test_a_wrong_pin_says_how_many_tries_are_left(self) -> None:
        self.start()
        self.assertEqual(
            self.sign("000001"),
            "Mã PIN không đúng. Còn 4 lần thử, sau đó chức năng ký số bị khóa 15 phút.",
        )
        self.sign("000001")
        self.sign("000001")
        self.assertIn("Còn 1 lần thử", self.sign("000001"))

    def test_the_fifth_wrong_pin_locks_until_a_time_and_date_of_vietnam(self) -> None:
        with time_machine.travel(START, tick=False):
            self.start()
            message = self.lock()
        self.assertIn("đây là lần thử cuối cùng", message)
        self.assertIn(f"bị khóa đến {LOCKED_UNTIL}", message)
        self.assertIn("báo giám thị", message)
        event = self.task.events.get(kind=Event.Kind.PIN_LOCKED)
        self.assertEqual(
            datetime.datetime.fromisoformat(event.detail["until"]),
            START + datetime.timedelta(minutes=15),
        )
        with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):
            again = self.sign(PIN)  # even the right PIN waits for the lock
        self.assertIn(f"quá nhiều lần: chức năng ký số bị khóa đến {LOCKED_UNTIL}", again)
        self.assertEqual(self.task.events.filter(kind=Event.Kind.PIN_LOCKED).count(), 1)


class UnlockTests(PinLockTestCase):
    def test_the_proctor_unlocks_with_a_reason_and_gives_back_the_time_locked(self) -> None:
        with time_machine.travel(START, tick=False):
            self.start()
            deadline = self.deadline()
        with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
            self.lock()
        with time_machine.travel(START + datetime.timedelta(minutes=9), tick=False):
            task_unlock_pin(actor=self.world.proctor, task=self.task, reason=REASON)
            self.assertIsNone(pin_locked_until(self.world.leader_person))
            document_sign_draft(user=self.world.leader, document=self.draft(), pin=PIN)
        self.assertEqual(self.deadline() - deadline, datetime.timedelta(minutes=4))
        event = self.task.events.get(kind=Event.Kind.PIN_UNLOCKED)
        self.assertEqual((event.actor, event.detail["reason"]), (self.world.proctor, REASON))
        self.assertEqual(event.detail["seconds"], 240)
        entry = AuditEntry.objects.get(action="eoffice.pin_unlocked")
        self.assertEqual(entry.summary["seconds_given_back"], 240)
        self.assertEqual(entry.actor, self.world.proctor)

    def test_an_unlock_needs_a_reason_and_a_lock(self) -> None:
        self.start()
        with self.assertRaisesMessage(DomainError, "không bị khóa"):
            task_unlock_pin(actor=self.world.proctor, task=self.task, reason=REASON)
        self.lock()
        with self.assertRaisesMessage(DomainError, "ít nhất 10 ký tự"):
            task_unlock_pin(actor=self.world.proctor, task=self.task, reason="quên")
        self.assertIsNotNone(pin_locked_until(self.world.leader_person))
        self.assertFalse(AuditEntry.objects.filter(action="eoffice.pin_unlocked").exists())

    def test_a_submitted_test_is_not_unlocked(self) -> None:
        self.start()
        self.lock()
        task_submit(actor=self.world.leader, task=self.task, by=Task.SubmittedBy.EXAMINEE)
        with self.assertRaisesMessage(DomainError, "Bài đã nộp"):
            task_unlock_pin(actor=self.world.proctor, task=self.task, reason=REASON)

    def test_a_pause_during_the_lock_is_given_back_once_not_twice(self) -> None:
        session = office_session_create(
            actor=self.world.district_admin,
            campaign=self.task.campaign,
            name="Ca 1",
            opens_at=timezone.now(),
            closes_at=START + datetime.timedelta(hours=2),
            proctor=self.world.proctor,
            examinees=[self.world.leader_person],
        )
        office_session_open(actor=self.world.proctor, session=session)
        self.task.refresh_from_db()
        with time_machine.travel(START, tick=False):
            self.task = task_start(
                user=self.world.leader, task=self.task, access_code=session.access_code
            )
            deadline = self.deadline()
        with time_machine.travel(START + datetime.timedelta(minutes=2), tick=False):
            self.lock()
        with time_machine.travel(START + datetime.timedelta(minutes=4), tick=False):
            office_session_pause(actor=self.world.proctor, session=session, reason="Mất điện")
        with time_machine.travel(START + datetime.timedelta(minutes=7), tick=False):
            session.refresh_from_db()
            office_session_resume(actor=self.world.proctor, session=session)  # 3 min back
        with time_machine.travel(START + datetime.timedelta(minutes=10), tick=False):
            task_unlock_pin(actor=self.world.proctor, task=self.task, reason=REASON)
        # Locked 8 minutes, 3 of them paused: 3 + 5, not 3 + 8.
        self.assertEqual(self.deadline() - deadline, datetime.timedelta(minutes=8))

    def test_a_lock_that_ran_out_gives_nothing_back_and_extra_time_makes_it_up(self) -> None:
        with time_machine.travel(START, tick=False):
            self.start()
            deadline = self.deadline()
            self.lock()
        with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
            self.assertIsNone(pin_locked_until(self.world.leader_person))
            with self.assertRaisesMessage(DomainError, "không bị khóa"):
                task_unlock_pin(actor=self.world.proctor, task=self.task, reason=REASON)
            self.assertEqual(self.deadline(), deadline)
            task_extra_time(
                actor=self.world.district_admin, task=self.task, minutes=15, reason=REASON
            )
            document_sign_draft(user=self.world.leader, document=self.draft(), pin=PIN)
        self.assertEqual(self.deadline() - deadline, datetime.timedelta(minutes=15))
        self.assertTrue(AuditEntry.objects.filter(action="eoffice.extra_time").exists())

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sathach.campaigns.models import Result
from sathach.core.errors import DomainError
from sathach.exams.models import Attempt, AttemptItem, ExamSession, Incident
from sathach.exams.services.attempts import (
    GRACE,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    attempt_take_over,
    attempts_submit_overdue,
)
from sathach.exams.services.sessions import (
    attempt_extra_time,
    attempt_reopen,
    session_close,
    session_pause,
    session_resume,
)
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase

# The autosave reads and writes in one statement on PostgreSQL; on SQLite in two, inside a
# transaction of their own (a savepoint here, inside the test's transaction).
SAVE_QUERIES = 1 if connection.vendor == "postgresql" else 4


def right_answer(item: AttemptItem) -> dict[str, int]:
    # Every factory question has "Phương án A" (index 0) as its right answer.
    return {"choice": 0}


class AttemptTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.session = make_exam(self.world)
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)

    def start(self) -> Attempt:
        return attempt_start(
            user=self.world.leader, attempt=self.attempt, access_code=self.session.access_code
        )

    def save(self, attempt: Attempt, position: int, seq: int, response: object) -> str:
        outcome = attempt_save_answers(
            attempt_id=attempt.pk,
            token=attempt.token,
            answers=[{"p": position, "s": seq, "r": response}],
        )
        return outcome.state

    def test_forms_are_drawn_before_the_opening_evenly_over_topics(self) -> None:
        for attempt in self.session.attempts.all():
            self.assertEqual(attempt.status, Attempt.Status.READY)
            categories = Counter(
                item.version.question.category.path for item in attempt.items.all()
            )
            self.assertEqual(len(categories), 12)
            self.assertEqual(set(categories.values()), {1})
            self.assertEqual(attempt.max_score, Decimal(12))

    def test_it_starts_only_with_the_access_code_and_limits_wrong_codes(self) -> None:
        with self.assertRaisesMessage(DomainError, "Mã vào thi không đúng"):
            attempt_start(user=self.world.leader, attempt=self.attempt, access_code="WRONG1")
        for _try in range(4):
            with self.assertRaises(DomainError):
                attempt_start(user=self.world.leader, attempt=self.attempt, access_code="X")
        self.attempt.refresh_from_db()  # the count is on the row, for every server process
        with self.assertRaisesMessage(DomainError, "Nhập sai mã quá nhiều lần"):
            self.start()
        assert self.attempt.codes_locked_until is not None
        self.assertEqual(self.attempt.wrong_codes, 0)
        with time_machine.travel(self.attempt.codes_locked_until + datetime.timedelta(seconds=1)):
            with self.assertRaisesMessage(DomainError, "Mã vào thi không đúng"):
                attempt_start(user=self.world.leader, attempt=self.attempt, access_code="X")
            self.attempt.refresh_from_db()
            self.assertEqual(self.attempt.wrong_codes, 1)
            attempt = self.start()
        self.assertEqual(attempt.status, Attempt.Status.IN_PROGRESS)
        assert attempt.started_at is not None
        self.assertEqual(attempt.deadline, attempt.started_at + datetime.timedelta(minutes=45))

    def test_nobody_starts_another_examinees_attempt(self) -> None:
        with self.assertRaises(DomainError):
            attempt_start(
                user=self.world.district_admin,
                attempt=self.attempt,
                access_code=self.session.access_code,
            )

    def test_a_scheduled_session_cannot_be_started(self) -> None:
        ExamSession.objects.filter(pk=self.session.pk).update(status="scheduled")
        self.attempt.refresh_from_db()
        with self.assertRaisesMessage(DomainError, "chưa mở"):
            self.start()

    def test_a_late_retry_never_overwrites_a_newer_answer(self) -> None:
        attempt = self.start()
        self.assertEqual(self.save(attempt, 1, 2, {"choice": 2}), "open")
        self.assertEqual(self.save(attempt, 1, 1, {"choice": 1}), "open")
        self.assertEqual(self.save(attempt, 1, 2, {"choice": 3}), "open")
        item = attempt.items.get(position=1)
        self.assertEqual((item.seq, item.response), (2, {"choice": 2}))

    def test_a_save_costs_one_query_on_postgresql(self) -> None:
        attempt = self.start()
        with self.assertNumQueries(SAVE_QUERIES):
            self.save(attempt, 3, 1, {"choice": 0})

    def test_a_resent_batch_costs_one_query_and_keeps_the_newest_answer_of_each_slot(
        self,
    ) -> None:
        attempt = self.start()
        self.save(attempt, 2, 5, {"choice": 3})
        answers: list[dict[str, Any]] = [
            {"p": 1, "s": 3, "r": {"choice": 1}, "f": True},
            {"p": 1, "s": 2, "r": {"choice": 0}},
            {"p": 2, "s": 4, "r": {"choice": 0}},  # older than what is stored
            {"p": 3, "s": 1, "r": None},
            {"p": "x"},  # malformed: skipped
            {"p": 4, "s": 2**31, "r": {"choice": 0}},  # beyond the column: skipped
            {"p": 0, "s": 1, "r": {"choice": 0}},
        ]
        with self.assertNumQueries(SAVE_QUERIES):
            outcome = attempt_save_answers(
                attempt_id=attempt.pk, token=attempt.token, answers=answers
            )
        self.assertEqual(outcome.acknowledged, {1: 3, 2: 4, 3: 1})
        stored = {i.position: (i.seq, i.response, i.flagged) for i in attempt.items.all()}
        self.assertEqual(stored[1], (3, {"choice": 1}, True))
        self.assertEqual(stored[2], (5, {"choice": 3}, False))
        self.assertEqual(stored[3], (1, None, False))

    def test_a_save_is_accepted_in_the_grace_window_and_submits_after_it(self) -> None:
        attempt = self.start()
        assert attempt.deadline is not None
        with time_machine.travel(attempt.deadline + GRACE - datetime.timedelta(seconds=1)):
            self.assertEqual(self.save(attempt, 1, 1, {"choice": 0}), "open")
        with time_machine.travel(attempt.deadline + GRACE + datetime.timedelta(seconds=1)):
            self.assertEqual(self.save(attempt, 2, 1, {"choice": 0}), "submitted")
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, Attempt.Status.SUBMITTED)
        self.assertEqual(attempt.submitted_by, Attempt.SubmittedBy.DEADLINE)
        self.assertEqual(attempt.submitted_at, attempt.deadline)
        self.assertEqual(attempt.items.get(position=1).fraction, 1)
        self.assertIsNone(attempt.items.get(position=2).response)

    def test_the_old_browser_is_told_when_another_takes_over(self) -> None:
        attempt = self.start()
        old_token = attempt.token
        attempt_take_over(user=self.world.leader, attempt=attempt)
        outcome = attempt_save_answers(
            attempt_id=attempt.pk, token=old_token, answers=[{"p": 1, "s": 1, "r": {"choice": 0}}]
        )
        self.assertEqual((outcome.state, outcome.seconds_left), ("unknown", 0))
        self.assertIsNone(attempt.items.get(position=1).response)

    def test_submitting_grades_at_once_and_records_the_campaign_result(self) -> None:
        attempt = self.start()
        for item in attempt.items.all()[:7]:
            self.save(attempt, item.position, 1, right_answer(item))
        attempt = attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")
        self.assertEqual(
            (attempt.score, attempt.percent, attempt.passed), (7, Decimal("58.33"), True)
        )
        result = Result.objects.get(person=self.world.leader_person, content=1)
        self.assertEqual(
            (result.outcome, result.source, result.score), ("passed", "exam", Decimal("58.33"))
        )
        again = attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")
        self.assertEqual(again.submitted_at, attempt.submitted_at)
        self.assertEqual(self.save(attempt, 1, 5, {"choice": 1}), "submitted")

    def test_below_the_pass_mark_fails(self) -> None:
        attempt = self.start()
        for item in attempt.items.all()[:5]:
            self.save(attempt, item.position, 1, right_answer(item))
        attempt = attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")
        self.assertFalse(attempt.passed)
        self.assertEqual(Result.objects.get(person=self.world.leader_person).outcome, "failed")

    def test_the_overdue_job_submits_once_and_is_safe_to_run_again(self) -> None:
        attempt = self.start()
        assert attempt.deadline is not None
        later = attempt.deadline + GRACE + datetime.timedelta(minutes=1)
        self.assertEqual(attempts_submit_overdue(attempt.deadline), 0)
        with time_machine.travel(later):
            out = StringIO()
            call_command("exams", "submit-overdue", stdout=out)
            self.assertIn("1", out.getvalue())
            self.assertEqual(attempts_submit_overdue(), 0)
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, Attempt.Status.SUBMITTED)

    def test_a_pause_gives_back_its_time(self) -> None:
        attempt = self.start()
        deadline = attempt.deadline
        assert deadline is not None
        session_pause(actor=self.world.proctor, session=self.session, reason="Mất điện")
        self.assertEqual(self.save(attempt, 1, 1, {"choice": 0}), "paused")
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
            session_resume(actor=self.world.proctor, session=self.session)
        attempt.refresh_from_db()
        assert attempt.deadline is not None
        self.assertGreaterEqual(attempt.deadline - deadline, datetime.timedelta(minutes=10))
        self.assertEqual(self.save(attempt, 1, 1, {"choice": 0}), "open")

    def test_nothing_is_written_unless_the_attempt_is_open(self) -> None:
        # The read and the write are one statement on PostgreSQL: its conditions must be
        # those of the state it answers.
        ready = attempt_save_answers(
            attempt_id=self.attempt.pk,
            token=self.attempt.token,
            answers=[{"p": 1, "s": 1, "r": {"choice": 0}}],
        )
        self.assertEqual((ready.state, ready.acknowledged), ("ready", {}))
        attempt = self.start()
        session_pause(actor=self.world.proctor, session=self.session, reason="Mất điện")
        self.assertEqual(self.save(attempt, 2, 1, {"choice": 0}), "paused")
        session_resume(actor=self.world.proctor, session=self.session)
        attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")
        self.assertEqual(self.save(attempt, 3, 1, {"choice": 0}), "submitted")
        self.assertEqual(self.save(attempt, 4, 1, {"choice": 0}), "submitted")
        gone = attempt_save_answers(attempt_id=0, token="x", answers=[{"p": 1, "s": 1}])
        self.assertEqual(gone.state, "unknown")
        self.assertFalse(attempt.items.exclude(response=None).exists())
        self.assertFalse(attempt.items.exclude(seq=0).exists())

    def test_extra_time_and_reopening_need_a_reason(self) -> None:
        attempt = self.start()
        with self.assertRaises(DomainError):
            attempt_extra_time(actor=self.world.proctor, attempt=attempt, minutes=5, reason="")
        attempt = attempt_extra_time(
            actor=self.world.proctor, attempt=attempt, minutes=5, reason="Máy treo"
        )
        assert attempt.deadline is not None and attempt.started_at is not None
        self.assertEqual(attempt.deadline - attempt.started_at, datetime.timedelta(minutes=50))
        attempt = attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")
        with self.assertRaises(DomainError):
            attempt_reopen(actor=self.world.proctor, attempt=attempt, minutes=10, reason="x")
        attempt = attempt_reopen(
            actor=self.world.proctor,
            attempt=attempt,
            minutes=10,
            reason="Mất điện giữa giờ, nộp bài ngoài ý muốn",
        )
        self.assertEqual(attempt.status, Attempt.Status.IN_PROGRESS)
        self.assertEqual(Incident.objects.filter(attempt=attempt).count(), 2)

    def test_closing_submits_the_rest_and_records_absentees(self) -> None:
        attempt = self.start()
        session_close(actor=self.world.proctor, session=self.session)
        attempt.refresh_from_db()
        self.assertEqual(attempt.submitted_by, Attempt.SubmittedBy.PROCTOR)
        absent = Result.objects.get(person=self.world.an_thanh_1_chairman, content=1)
        self.assertEqual(absent.outcome, Result.Outcome.ABSENT)

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.urls import reverse

from sathach.campaigns.models import Result
from sathach.core.models import AuditEntry, Job
from sathach.exams.formats.base import Answer
from sathach.exams.models import Attempt
from sathach.exams.services.attempts import attempt_save_answers, attempt_start, attempt_submit
from sathach.exams.services.bank import question_revise, version_to_parsed
from sathach.exams.statistics import _flags, correlation, cronbach_alpha, session_statistics
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase, World, run_task_worker


class FormulaTestCase(SimpleTestCase):
    def test_alpha_of_a_small_matrix(self) -> None:
        # totals 2, 1, 0 (variance 2/3); each slot's variance 2/9: alpha = 2 * (1 - 2/3).
        alpha = cronbach_alpha([[1, 1], [1, 0], [0, 0]])
        assert alpha is not None
        self.assertAlmostEqual(alpha, 2 / 3)

    def test_alpha_is_undefined_without_spread(self) -> None:
        self.assertIsNone(cronbach_alpha([[1, 1], [1, 1]]))
        self.assertIsNone(cronbach_alpha([[1, 0]]))

    def test_discrimination_is_the_correlation_with_the_rest_of_the_test(self) -> None:
        r = correlation([1, 0, 1, 0], [3, 1, 2, 0])
        assert r is not None
        self.assertAlmostEqual(r, 2 / math.sqrt(5))
        self.assertIsNone(correlation([1, 1, 1], [0, 1, 2]))

    def test_items_are_flagged_only_with_enough_answers(self) -> None:
        self.assertEqual(_flags(0.1, 0.5, 4), [])
        self.assertEqual(_flags(0.1, 0.5, 5), ["too_hard"])
        self.assertEqual(_flags(0.99, -0.2, 30), ["too_easy", "negative"])
        self.assertEqual(_flags(0.5, 0.1, 30), ["poor"])
        self.assertEqual(_flags(0.5, 0.4, 30), [])


class AnsweredSession:
    """Two submitted attempts: the leader got 12 of 12 right, the An Thạnh 1 chairman 4."""

    world: Any

    def answer_session(self) -> None:
        self.session = make_exam(self.world)
        self.attempts = {}
        for person, right in ((self.world.leader_person, 12), (self.world.an_thanh_1_chairman, 4)):
            attempt = Attempt.objects.get(session=self.session, person=person)
            attempt = attempt_start(
                user=person.user, attempt=attempt, access_code=self.session.access_code
            )
            answers = [
                {"p": p, "s": 1, "r": {"choice": 0 if p <= right else 1}} for p in range(1, 13)
            ]
            attempt_save_answers(attempt_id=attempt.pk, token=attempt.token, answers=answers)
            self.attempts[person.pk] = attempt_submit(actor=None, attempt=attempt, by="examinee")


class SessionStatisticsTestCase(AnsweredSession, BaseTestCase):
    def setUp(self) -> None:
        self.answer_session()

    def test_it_computes_the_figures_of_the_session(self) -> None:
        stats = session_statistics(self.session)
        self.assertEqual(stats.attempts, 2)
        assert stats.mean is not None
        self.assertAlmostEqual(stats.mean, (100 + 33.33) / 2)
        self.assertEqual(sum(item.answers for item in stats.items), 24)
        self.assertEqual(stats.flagged, [])


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class RegradeJobTestCase(AnsweredSession, TransactionTestCase):
    """The real database queue and worker: TransactionTestCase, because the worker commits
    and closes its connection."""

    def setUp(self) -> None:
        self.world = World()
        self.answer_session()

    def login(self, user: Any) -> None:
        self.client.force_login(user)

    def test_fixing_a_key_and_grading_again_updates_attempts_and_results(self) -> None:
        chairman = self.world.an_thanh_1_chairman
        attempt = self.attempts[chairman.pk]
        item = attempt.items.get(position=12)
        parsed = version_to_parsed(item.version)
        # The key was wrong: option B (what the chairman chose) was the right one.
        parsed.answers = [
            Answer(a.text, Decimal(1 if i == 1 else 0)) for i, a in enumerate(parsed.answers)
        ]
        question_revise(
            actor=self.world.district_admin, question=item.version.question, parsed=parsed
        )
        item.refresh_from_db()
        self.assertEqual(item.version.number, 1)  # the attempt keeps its version until regraded
        self.login(self.world.district_admin)
        response = self.client.post(reverse("session-regrade", args=[self.session.pk]))
        job = Job.objects.get(kind=Job.Kind.REGRADE)
        self.assertRedirects(response, reverse("job-detail", args=[job.pk]))
        waiting = self.client.get(response["Location"])
        self.assertContains(waiting, 'data-live-url="')
        attempt.refresh_from_db()
        self.assertEqual(attempt.score, 4)  # nothing changes before the worker runs

        run_task_worker()

        job.refresh_from_db()
        self.assertEqual((job.status, job.done, job.total, job.errors), ("done", 3, 3, []))
        page = self.client.get(reverse("job-detail", args=[job.pk]))
        self.assertContains(page, "100%")
        self.assertContains(page, "2 bài thi")
        self.assertNotContains(page, "data-live-url")
        statistics = reverse("session-statistics", args=[self.session.pk])
        self.assertContains(page, f'href="{statistics}"')
        self.assertContains(self.client.get(statistics), "Độ phân biệt")
        attempt.refresh_from_db()
        self.assertEqual(attempt.score, 5)
        self.assertEqual(attempt.items.get(position=12).version.number, 2)
        result = Result.objects.get(person=chairman, content=1)
        self.assertEqual(result.score, Decimal("41.67"))
        self.assertTrue(AuditEntry.objects.filter(action="exam.regraded").exists())


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class StatisticsJobTestCase(AnsweredSession, TransactionTestCase):
    def setUp(self) -> None:
        self.world = World()
        self.answer_session()

    def test_the_statistics_are_computed_in_the_background_and_kept_for_the_page(self) -> None:
        self.client.force_login(self.world.district_admin)
        page = reverse("session-statistics", args=[self.session.pk])
        before = self.client.get(page)
        self.assertContains(before, "Chưa tính")
        self.assertNotContains(before, "Độ phân biệt")
        response = self.client.post(reverse("session-statistics-compute", args=[self.session.pk]))
        job = Job.objects.get(kind=Job.Kind.STATISTICS)
        self.assertRedirects(response, reverse("job-detail", args=[job.pk]))

        run_task_worker()

        job.refresh_from_db()
        self.assertEqual((job.status, job.done, job.errors), ("done", 1, []))
        self.session.refresh_from_db()
        assert self.session.statistics is not None
        self.assertEqual(self.session.statistics["attempts"], 2)
        after = self.client.get(page)
        self.assertContains(after, "Độ phân biệt")
        self.assertContains(after, "66,7%")  # the mean of 100% and 33.33%
        self.assertTrue(AuditEntry.objects.filter(action="exam.statistics_computed").exists())

    def test_a_proctor_cannot_compute_them(self) -> None:
        self.client.force_login(self.world.proctor)
        response = self.client.post(reverse("session-statistics-compute", args=[self.session.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Job.objects.exists())

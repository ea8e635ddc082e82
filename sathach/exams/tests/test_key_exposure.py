"""Nobody sees or exports the key of a question that a test not over yet still holds: the
review's "after the session closes" is judged on every attempt holding the question."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from sathach.exams.models import Attempt, ExamSession, QuestionBank
from sathach.exams.services.attempts import attempt_save_answers, attempt_start, attempt_submit
from sathach.exams.services.scheduling import session_move_examinee
from sathach.exams.services.sessions import session_close, session_create, session_prepare
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase


class KeyExposureTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.first = make_exam(self.world)  # review_key: after the session closes
        attempt = Attempt.objects.get(session=self.first, person=self.w.leader_person)
        attempt = attempt_start(
            user=self.w.leader, attempt=attempt, access_code=self.first.access_code
        )
        answers = [{"p": i.position, "s": 1, "r": {"choice": 0}} for i in attempt.items.all()]
        attempt_save_answers(attempt_id=attempt.pk, token=attempt.token, answers=answers)
        self.attempt = attempt_submit(actor=self.w.leader, attempt=attempt, by="examinee")
        # The An Thạnh 1 chairman sits a later session of the same campaign and bank.
        now = timezone.now()
        self.second = session_create(
            actor=self.w.district_admin,
            campaign=self.first.campaign,
            name="Ca 2",
            opens_at=now + datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(hours=2),
            examinees=[],
        )
        session_prepare(actor=self.w.district_admin, session=self.second, seed=7)
        session_move_examinee(
            actor=self.w.district_admin,
            person=self.w.an_thanh_1_chairman,
            source=self.first,
            target=self.second,
        )
        session_close(actor=self.w.proctor, session=self.first)
        self.mine = {i.version.question_id for i in self.attempt.items.select_related("version")}
        later = Attempt.objects.get(session=self.second)
        # The move draws a fresh, unseeded form: make sure it holds one question of mine.
        theirs = later.items.order_by("position").first()
        ours = self.attempt.items.order_by("position").first()
        assert theirs is not None and ours is not None
        theirs.version = ours.version
        theirs.save(update_fields=["version"])
        self.shared = self.mine & {
            i.version.question_id for i in later.items.select_related("version")
        }
        self.assertTrue(self.shared)

    def review(self) -> Any:
        self.client.force_login(self.w.leader)
        return self.client.get(reverse("attempt-review", args=[self.attempt.pk]))

    def test_the_key_of_a_question_still_on_an_open_test_is_withheld(self) -> None:
        page = self.review()
        items = {item.position: item for item in page.context["items"]}
        by_question = {
            i.version.question_id: items[i.position]
            for i in self.attempt.items.select_related("version")
        }
        for question, item in by_question.items():
            self.assertEqual(item.withheld, question in self.shared, question)
            self.assertEqual(item.right == "", question in self.shared, question)
        self.assertContains(page, "khi mọi bài thi có câu hỏi này đã kết thúc")
        session_close(actor=self.w.proctor, session=ExamSession.objects.get(pk=self.second.pk))
        page = self.review()
        self.assertFalse(any(item.withheld for item in page.context["items"]))

    def test_the_bank_hides_exports_and_edits_no_key_of_an_open_test(self) -> None:
        question = sorted(self.shared)[0]
        self.client.force_login(self.w.district_admin)
        detail = self.client.get(reverse("question-detail", args=[question]))
        self.assertContains(detail, "chưa kết thúc")
        self.assertNotContains(detail, "(100%)")
        edit = self.client.get(reverse("question-edit", args=[question]))
        self.assertRedirects(edit, reverse("question-detail", args=[question]))
        bank = QuestionBank.objects.get(name="default")
        url = reverse("question-export") + f"?bank={bank.pk}&format=gift"
        self.assertContains(self.client.get(url), "chưa kết thúc")
        content = self.client.get(url + "&confirm=1").content.decode()
        titles = set(
            Attempt.objects.get(session=self.second)
            .items.filter(version__question_id__in=self.shared)
            .values_list("version__title", flat=True)
        )
        self.assertTrue(titles)
        for title in titles:
            self.assertNotIn(title, content)

"""The question editor (views/bank.py question_edit) tells what a GIFT text loses."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sathach.exams.tests.factories import make_bank
from sathach.organization.testing import BaseTestCase


class QuestionEditWarningTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        question = make_bank(per_topic=1).questions.order_by("pk").first()
        assert question is not None and question.current is not None
        self.question = question
        self.url = reverse("question-edit", args=[question.pk])
        self.login(self.w.district_admin)

    def versions(self) -> list[tuple[int, str]]:
        return list(self.question.versions.values_list("pk", "text"))

    def test_a_skipped_question_shows_why_and_changes_nothing(self) -> None:
        before = self.versions()
        response = self.client.post(self.url, {"gift": "::Ếch::Con gì kêu ộp ộp?{=ếch*}"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "Dòng 1: Đáp án &#x27;ếch*&#x27; của câu hỏi &#x27;Ếch&#x27; cho điểm mọi câu trả "
            "lời khớp với ký tự đại diện * của Moodle",
        )
        self.assertEqual(self.versions(), before)

    def test_a_saved_question_shows_what_was_left_out(self) -> None:
        response = self.client.post(
            self.url, {"gift": "::Số::Một số từ 1 đến 5?{#3:2~#Sai hẳn}"}, follow=True
        )
        self.assertContains(
            response,
            "Câu hỏi &#x27;Số&#x27; có phản hồi cho mọi câu trả lời khác (*)",
        )
        self.question.refresh_from_db()
        assert self.question.current is not None
        self.assertEqual(self.question.current.type, "numerical")

"""The exam page of a fresh attempt comes from the questions made when the session was
prepared (AttemptPage), so that the opening does not render 2,000 forms at once; any
answer, mark, changed slot or other language makes the page from the slots again."""

from __future__ import annotations

import json

from django.urls import reverse

from sathach.exams.models import Attempt, AttemptItem, AttemptPage
from sathach.exams.selectors import attempt_page_items
from sathach.exams.services.attempts import attempt_submit
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase

MARK = "<!-- made when the session was prepared -->"
NAV_MARK = "<!-- the navigator made when the session was prepared -->"


class PreparedPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.session = make_exam(self.world)
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)
        self.login(self.world.leader)
        self.client.post(
            reverse("attempt-begin", args=[self.attempt.pk]), {"code": self.session.access_code}
        )
        self.attempt.refresh_from_db()

    def mark_prepared_page(self) -> None:
        """Tag the stored page, to tell it from one made from the slots."""
        page = AttemptPage.objects.get(attempt=self.attempt)
        page.html += MARK
        page.nav += NAV_MARK
        page.save(update_fields=["html", "nav"])

    def open_page(self) -> str:
        response = self.client.get(reverse("attempt", args=[self.attempt.pk]))
        self.assertEqual(response.status_code, 200)
        self.attempt.refresh_from_db()
        return response.content.decode()

    def test_preparing_the_session_makes_the_questions_of_every_examinees_page(self) -> None:
        attempts = Attempt.objects.filter(session=self.session)
        pages = AttemptPage.objects.filter(attempt__session=self.session)
        self.assertEqual(pages.count(), attempts.count())
        self.assertEqual(len({page.digest for page in pages}), attempts.count())

    def test_the_first_opening_of_the_page_serves_the_prepared_questions(self) -> None:
        self.mark_prepared_page()
        page = self.open_page()
        self.assertIn(MARK, page)
        self.assertIn(NAV_MARK, page)
        # The same questions, inputs and order as a page made from the slots.
        for item in attempt_page_items(self.attempt):
            self.assertIn(str(item.body), page)
            self.assertIn(f'id="nav{item.position}"', page)

    def test_the_prepared_questions_hold_no_key_nor_mark_of_a_question(self) -> None:
        html = AttemptPage.objects.get(attempt=self.attempt).html
        for item in self.attempt.items.select_related("version"):
            for answer in item.version.data.get("answers", []):
                self.assertIn(answer["text"], html)
            self.assertNotIn("fraction", html)
            self.assertNotIn("checked", html)
            self.assertNotIn('data-response="{', html)

    def test_a_page_with_an_answer_is_made_from_the_slots_and_shows_it(self) -> None:
        self.mark_prepared_page()
        self.open_page()
        answer = {"p": 1, "s": 1, "r": {"choice": 0}}
        self.client.post(
            reverse("attempt-save", args=[self.attempt.pk]),
            json.dumps({"t": self.attempt.token, "a": [answer]}),
            content_type="application/json",
        )
        page = self.open_page()
        self.assertNotIn(MARK, page)
        self.assertNotIn(NAV_MARK, page)
        self.assertIn('id="nav1" class="answered"', page)
        self.assertIn('data-response="{&quot;choice&quot;: 0}"', page)

    def test_a_page_with_a_question_marked_for_review_is_made_from_the_slots(self) -> None:
        self.mark_prepared_page()
        AttemptItem.objects.filter(attempt=self.attempt, position=2).update(flagged=True)
        page = self.open_page()
        self.assertNotIn(MARK, page)
        self.assertIn("data-flag checked", page)

    def test_a_slot_changed_since_the_preparation_makes_the_page_from_the_slots(self) -> None:
        self.mark_prepared_page()
        item = self.attempt.items.get(position=1)
        item.order = list(reversed(item.order))
        item.save(update_fields=["order"])
        self.assertNotIn(MARK, self.open_page())

    def test_a_page_in_another_language_is_made_from_the_slots(self) -> None:
        self.mark_prepared_page()
        AttemptPage.objects.filter(attempt=self.attempt).update(language="en")
        self.assertNotIn(MARK, self.open_page())

    def test_another_examinee_never_gets_this_prepared_page(self) -> None:
        self.mark_prepared_page()
        other = Attempt.objects.exclude(pk=self.attempt.pk).get(session=self.session)
        self.login(other.user)
        response = self.client.get(reverse("attempt", args=[self.attempt.pk]))
        self.assertEqual(response.status_code, 404)

    def test_reopening_the_page_keeps_the_same_attempt_and_questions(self) -> None:
        first = self.open_page()
        second = self.open_page()
        self.assertEqual(Attempt.objects.filter(user=self.world.leader).count(), 1)
        for item in attempt_page_items(self.attempt):
            self.assertIn(str(item.body), first)
            self.assertIn(str(item.body), second)

    def test_a_submitted_attempt_keeps_no_prepared_page(self) -> None:
        attempt_submit(actor=self.world.leader, attempt=self.attempt, by="examinee")
        self.assertFalse(AttemptPage.objects.filter(attempt=self.attempt).exists())

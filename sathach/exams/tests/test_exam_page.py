"""The exam page and the examinee's pages around it: flags kept by the server, what the
test is, the time left on "My tests", the pass mark and when the review opens, and every
time with its date when it is not today (issue 17, point 1)."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.http import HttpResponse
from django.urls import reverse

from sathach.exams.models import Attempt, ExamSession
from sathach.exams.services.attempts import attempt_start, attempt_submit
from sathach.exams.services.sessions import session_pause
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


class ExamPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.session = make_exam(self.world)
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)
        self.login(self.world.leader)

    def begin(self) -> None:
        self.client.post(
            reverse("attempt-begin", args=[self.attempt.pk]), {"code": self.session.access_code}
        )

    def open_page(self) -> str:
        page = self.client.get(reverse("attempt", args=[self.attempt.pk])).content.decode()
        self.attempt.refresh_from_db()
        return page

    def save(self, answers: list[dict[str, object]], token: str | None = None) -> dict[str, object]:
        response = self.client.post(
            reverse("attempt-save", args=[self.attempt.pk]),
            json.dumps({"t": token or self.attempt.token, "a": answers}),
            content_type="application/json",
        )
        return response.json()

    def test_a_reloaded_page_shows_the_flags_the_server_stored(self) -> None:
        self.begin()
        self.open_page()
        self.save(
            [
                {"p": 2, "s": 1, "r": {"choice": 0}, "f": True},
                {"p": 5, "s": 2, "r": None, "f": True},
                {"p": 6, "s": 3, "r": {"choice": 1}, "f": False},
            ]
        )
        page = self.open_page()  # a reload, or another computer
        flagged = re.findall(r'id="q(\d+)"[^>]*>(?:(?!</fieldset>).)*data-flag checked', page, re.S)
        self.assertEqual(flagged, ["2", "5"])
        self.assertIn('id="nav2" class="answered flagged"', page)
        self.assertIn('id="nav5" class="flagged"', page)
        self.assertIn('<span id="nav-flagged">2</span>', page)
        self.assertIn('<span id="nav-answered">2</span>/12', page)

    def test_a_flag_sent_by_a_computer_that_lost_the_test_is_not_kept(self) -> None:
        self.begin()
        self.open_page()
        old_token = self.attempt.token
        self.open_page()  # another computer opens the test
        reply = self.save([{"p": 3, "s": 1, "r": None, "f": True}], token=old_token)
        self.assertEqual(reply["state"], "unknown")
        page = self.open_page()
        self.assertNotIn("data-flag checked", page)
        self.assertIn('<span id="nav-flagged-box" hidden>', page)

    def test_the_top_of_the_page_says_the_questions_the_time_and_the_pass_mark(self) -> None:
        campaign = self.session.campaign
        campaign.content1_pass_mark = Decimal("62.5")
        campaign.content1_module_minimum = 30
        campaign.save()
        self.begin()
        head = self.open_page().split('class="exam-head"')[1].split("</div>")[0]
        self.assertIn("12 câu hỏi", head)
        self.assertIn("45 phút", head)
        self.assertIn("điểm đạt: 62,50% tổng số điểm", head)
        self.assertIn("mỗi mô đun ít nhất 30%", head)
        self.assertIn(self.world.leader_person.full_name, head)

    def test_another_examinee_cannot_open_the_page_nor_read_its_flags(self) -> None:
        self.begin()
        self.open_page()
        self.save([{"p": 2, "s": 1, "r": None, "f": True}])
        other = self.world.an_thanh_1_chairman.user
        assert other is not None
        self.client.force_login(other)
        response = self.client.get(reverse("attempt", args=[self.attempt.pk]))
        self.assertEqual(response.status_code, 404)


def get_at(case: BaseTestCase, url: str, at: datetime.datetime) -> HttpResponse:
    """The page as the leader reads it at `at` (signed in then: a session lasts 12 hours)."""
    with time_machine.travel(at, tick=False):
        case.login(case.world.leader)
        return case.client.get(url)  # type: ignore[return-value]


class MyTestsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.session = make_exam(self.world)
        ExamSession.objects.filter(pk=self.session.pk).update(
            opens_at=local(2026, 12, 12, 13, 0), closes_at=local(2026, 12, 12, 18, 0)
        )
        self.session.refresh_from_db()
        self.attempt = Attempt.objects.get(session=self.session, person=self.world.leader_person)

    def test_my_tests_shows_the_time_left_of_an_attempt_in_progress(self) -> None:
        with time_machine.travel(local(2026, 12, 12, 14, 0), tick=False):
            attempt_start(
                user=self.world.leader, attempt=self.attempt, access_code=self.session.access_code
            )
        page = get_at(self, reverse("my-tests"), local(2026, 12, 12, 14, 10, 30))
        self.assertContains(page, "Đang làm bài: còn 35 phút, đến 14:45.")
        self.assertContains(page, "Làm tiếp")

    def test_a_pause_stops_the_time_left_on_my_tests(self) -> None:
        with time_machine.travel(local(2026, 12, 12, 14, 0), tick=False):
            attempt_start(
                user=self.world.leader, attempt=self.attempt, access_code=self.session.access_code
            )
        with time_machine.travel(local(2026, 12, 12, 14, 20), tick=False):
            session_pause(actor=self.world.proctor, session=self.session, reason="Mất điện")
        page = get_at(self, reverse("my-tests"), local(2026, 12, 12, 14, 50))
        self.assertContains(page, "Giám thị đang tạm dừng ca thi: còn 25 phút")
        self.assertNotContains(page, "Đã hết giờ")

    def test_a_session_of_another_day_shows_its_times_with_their_date(self) -> None:
        ExamSession.objects.filter(pk=self.session.pk).update(
            status=ExamSession.Status.SCHEDULED,
            opens_at=local(2026, 12, 13, 13, 0),
            closes_at=local(2026, 12, 13, 23, 0),
        )
        tomorrow = get_at(self, reverse("my-tests"), local(2026, 12, 12, 9, 0))
        self.assertContains(tomorrow, "Mở ca lúc 13:00 13/12/2026")
        self.assertContains(tomorrow, "giờ bắt đầu muộn nhất 23:00 13/12/2026")
        today = get_at(self, reverse("my-tests"), local(2026, 12, 13, 9, 0))
        self.assertContains(today, "Mở ca lúc 13:00 ·")
        self.assertContains(today, "giờ bắt đầu muộn nhất 23:00</p>")


class ResultPageTestCase(BaseTestCase):
    def submitted(self, **blueprint: Any) -> Attempt:
        session = make_exam(self.world, **blueprint)
        ExamSession.objects.filter(pk=session.pk).update(closes_at=local(2026, 12, 13, 23, 0))
        attempt = Attempt.objects.get(session=session, person=self.world.leader_person)
        with time_machine.travel(local(2026, 12, 12, 15, 0), tick=False):
            attempt = attempt_start(
                user=self.world.leader, attempt=attempt, access_code=session.access_code
            )
            attempt_submit(actor=self.world.leader, attempt=attempt, by="examinee")
        return attempt

    def test_the_result_page_says_the_pass_mark_and_when_the_detailed_review_opens(self) -> None:
        attempt = self.submitted(review_answers="after_close", review_key="after_close")
        page = get_at(
            self, reverse("attempt-review", args=[attempt.pk]), local(2026, 12, 12, 15, 5)
        )
        self.assertContains(page, "Điểm đạt: 50% tổng số điểm.")
        self.assertContains(page, "Nộp lúc 15:00:00 (")
        self.assertContains(
            page, "Sẽ hiện trên trang này khi giám thị đóng ca thi, dự kiến sau 23:45 13/12/2026:"
        )
        self.assertContains(page, "câu nào bạn trả lời đúng, câu nào sai")
        self.assertContains(page, "đáp án đúng và lời giải thích")
        self.assertNotContains(page, "điểm của bạn và kết quả")  # the score is shown already

    def test_a_hidden_score_still_comes_with_the_pass_mark_and_no_promise(self) -> None:
        attempt = self.submitted(review_score="never", review_answers="never", review_key="never")
        page = get_at(
            self, reverse("attempt-review", args=[attempt.pk]), local(2026, 12, 12, 15, 5)
        )
        self.assertContains(page, "Điểm đạt: 50% tổng số điểm.")
        self.assertContains(page, "Kết quả sẽ do huyện công bố.")
        self.assertContains(page, "Bài kiểm tra này không cho xem lại chi tiết từng câu.")
        self.assertNotContains(page, "Sẽ hiện trên trang này")
        self.assertNotContains(page, "Điểm:")

    def test_once_the_expected_close_has_passed_the_page_promises_no_time(self) -> None:
        attempt = self.submitted(review_answers="after_close")
        page = get_at(self, reverse("attempt-review", args=[attempt.pk]), local(2026, 12, 14, 8, 0))
        self.assertContains(page, "Sẽ hiện trên trang này khi giám thị đóng ca thi:")
        self.assertNotContains(page, "dự kiến sau")

"""The demo's accounts start at their work (issue 17, point 5), on the data `make run`
loads: the demo's proctor, told "not assigned" before though it proctors both sessions of
the demo, now finds them."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sathach.campaigns.demo import CODE, TRIAL_CODE
from sathach.campaigns.models import Campaign
from sathach.exams.models import ExamSession
from sathach.organization.models import Person, User
from sathach.tests.test_home_roles import MAX_QUERIES, section


class DemoHomePagesTestCase(TestCase):
    """`load_demo` once for the class: the awarded campaign 75/KH-UBND with its day played
    and the practice round 76/KH-UBND open for a week."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", stdout=StringIO())

    def home(self, username: str) -> Any:
        self.client.force_login(User.objects.get(username=username))
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(len(queries), MAX_QUERIES, username)
        return response

    def test_the_demo_proctor_finds_both_its_sessions_today(self) -> None:
        sessions = ExamSession.objects.filter(proctor__username="giamthi")
        self.assertEqual(set(sessions.values_list("campaign__code", flat=True)), {CODE, TRIAL_CODE})
        part = section(self.home("giamthi"), "proctor")
        self.assertNotIn("chưa được phân công", part)
        for session in sessions:
            self.assertIn(reverse("session-console", args=[session.pk]), part)
        self.assertIn("Đang mở", part)  # the practice round's session
        self.assertIn("Đã kết thúc", part)  # the played day's

    def test_the_district_and_province_admins_start_at_the_campaigns_in_progress(self) -> None:
        trial = Campaign.objects.get(code=TRIAL_CODE)
        awarded = Campaign.objects.get(code=CODE)
        for username in ("noivu.admin", "tinh.admin"):
            response = self.home(username)
            part = section(response, "campaigns")
            self.assertLess(part.index(TRIAL_CODE), part.index(CODE), username)
            # The practice round is being tested: who has sat both contents so far.
            self.assertIn("0/18 lãnh đạo đã kiểm tra đủ cả 2 nội dung", part)
            self.assertIn(reverse("result-list", args=[trial.pk]), part)
            self.assertIn(reverse("readiness", args=[trial.pk]), part)
            # The played campaign is awarded; `load_demo` signs no Giấy khen.
            self.assertIn("3 giấy khen chưa được tạo", part)
            self.assertIn(reverse("report-certificates", args=[awarded.pk]), part)
            self.assertIn(reverse("account-lockouts"), section(response, "sign-ins"))

    def test_the_demo_council_reads_the_approved_ranking_with_the_awarded_communes(
        self,
    ) -> None:
        awarded = Campaign.objects.get(code=CODE)
        names = [award.unit.name for award in awarded.decisions.get().awards.all()]
        part = section(self.home("hoidong.chutich"), "council")
        self.assertIn("được khen thưởng: " + ", ".join(names), part)
        self.assertIn(reverse("ranking", args=[awarded.pk]), part)

    def test_the_demo_commune_officer_sees_its_own_leaders_not_yet_tested(self) -> None:
        part = section(self.home("anthanh1.vanphong"), "commune")
        own = Person.objects.filter(unit__code="31618", position__in=["chu_tich", "pho_chu_tich"])
        others = Person.objects.filter(
            unit__parent__code="945", position__in=["chu_tich", "pho_chu_tich"]
        ).exclude(unit__code="31618")
        self.assertTrue(own.exists())
        for person in own:
            self.assertIn(person.full_name, part)
        for person in others:
            self.assertNotIn(person.full_name, part)

    def test_the_demo_examinee_sees_both_contents_of_the_practice_round_with_times(
        self,
    ) -> None:
        part = section(self.home("31627.ngantt"), "examinee")
        trial = part[part.index(TRIAL_CODE) : part.index(CODE)]
        self.assertIn("Kỹ năng tin học", trial)
        self.assertIn("Phòng máy UBND huyện Cù Lao Dung", trial)
        self.assertIn("75 phút", trial)  # 45 for the questions, 30 for the practical tasks
        self.assertIn("Nhập mã vào thi và bắt đầu", trial)
        self.assertIn("Ứng dụng CNTT trong xử lý công việc", trial)
        self.assertIn("30 phút", trial)
        self.assertIn("Bắt đầu làm bài", trial)

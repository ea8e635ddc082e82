"""Each role starts at its work (issue 17, point 5): the home page shows what the role has to
do now, with links, for its own units only, in a bounded number of queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sathach.campaigns.models import Appeal, Campaign, Result
from sathach.campaigns.readiness import facility_item_save
from sathach.campaigns.services import campaign_create, result_record
from sathach.campaigns.tests.factories import make_campaign
from sathach.campaigns.work import CAMPAIGNS_SHOWN
from sathach.eoffice.services.draw import task_prepare
from sathach.eoffice.services.sessions import office_session_create
from sathach.eoffice.tests.factories import load_bank, make_servants
from sathach.exams.models import ExamSession
from sathach.exams.tests.factories import make_exam
from sathach.organization.models import Position, Role
from sathach.organization.testing import BaseTestCase, make_person, make_unit, make_user

# What a home page may cost, whatever the size of the units: the campaigns shown are
# bounded (CAMPAIGNS_SHOWN), and each is read in a fixed number of queries.
MAX_QUERIES = 60


def section(response: Any, role: str) -> str:
    """The HTML of the home page's part for `role` ("" when the page has none)."""
    found = re.search(
        rf'<section class="card" data-role="{role}">(.*?)</section>',
        response.content.decode(),
        re.S,
    )
    return found.group(1) if found else ""


class HomeTestCase(BaseTestCase):
    def home(self, user: Any) -> Any:
        self.login(user)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(len(queries), MAX_QUERIES)
        response.query_count = len(queries)  # type: ignore[attr-defined]
        return response


class DistrictAdminHomeTests(HomeTestCase):
    def test_it_lists_the_campaigns_in_progress_with_what_each_still_lacks(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.PREPARING)
        facility_item_save(
            actor=self.world.district_admin, campaign=campaign, title="Máy tính", weight=Decimal(1)
        )
        part = section(self.home(self.world.district_admin), "campaigns")
        self.assertIn(reverse("campaign-detail", args=[campaign.pk]), part)
        # Neither commune has a device or a declared facility yet.
        self.assertIn("2/2 đơn vị còn thiếu điều kiện chuẩn bị", part)
        self.assertIn(reverse("readiness", args=[campaign.pk]), part)
        self.assertIn("chưa có cấu trúc đề", part)
        self.assertIn("2 lãnh đạo chưa được bốc văn bản", part)
        self.assertIn(reverse("eoffice-campaign", args=[campaign.pk]), part)

    def test_sessions_without_forms_and_leaders_without_a_session_are_named(self) -> None:
        session = make_exam(self.world, status=Campaign.Status.PREPARING)
        session.examinees.remove(self.world.an_thanh_1_chairman)
        ExamSession.objects.filter(pk=session.pk).update(prepared_at=None)
        part = section(self.home(self.world.district_admin), "campaigns")
        self.assertIn("1 ca kiểm tra kỹ năng tin học chưa tạo đề", part)
        self.assertIn("1 lãnh đạo chưa được xếp vào ca", part)
        self.assertIn(reverse("exam-overview", args=[session.campaign.pk]), part)
        self.assertNotIn("chưa có cấu trúc đề", part)

    def test_results_to_approve_and_reviews_to_decide_are_its_next_steps(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.RESULTS)
        result = result_record(
            actor="exam",
            campaign=campaign,
            person=self.world.leader_person,
            content=1,
            outcome=Result.Outcome.FAILED,
            source=Result.Source.EXAM,
        )
        Appeal.objects.create(
            campaign=campaign,
            person=self.world.leader_person,
            content=1,
            reason="Câu 12 có hai đáp án đúng",
            requested_by=self.world.leader,
            outcome_before=result.outcome,
        )
        part = section(self.home(self.world.district_admin), "campaigns")
        self.assertIn("bảng xếp hạng đang chờ Hội đồng thi đua phê duyệt", part)
        self.assertIn(reverse("ranking", args=[campaign.pk]), part)
        self.assertIn("1 đề nghị phúc khảo đang chờ bạn quyết định", part)
        self.assertIn(reverse("campaign-appeals", args=[campaign.pk]), part)

    def test_a_closed_campaign_is_no_longer_in_progress(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.CLOSED)
        part = section(self.home(self.world.district_admin), "campaigns")
        self.assertNotIn(reverse("campaign-detail", args=[campaign.pk]), part)
        self.assertIn("Không có đợt thi đua nào đang thực hiện", part)

    def test_an_admin_of_another_district_sees_its_own_campaigns_and_none_of_ours(self) -> None:
        ours = make_campaign(self.world, status=Campaign.Status.PREPARING)
        theirs = campaign_create(
            actor=self.world.outsider,
            code="20/KH-UBND",
            title="Kiểm tra kỹ năng tin học huyện Long Phú",
            issuing_unit=self.world.other_district,
            issued_on=datetime.date(2020, 7, 1),
        )
        response = self.home(self.world.outsider)
        self.assertIn(reverse("campaign-detail", args=[theirs.pk]), section(response, "campaigns"))
        self.assertNotContains(response, reverse("campaign-detail", args=[ours.pk]))
        self.assertNotContains(response, ours.code)

    def test_a_province_admin_gets_the_same_over_its_units(self) -> None:
        district = make_campaign(self.world, status=Campaign.Status.PREPARING)
        province = campaign_create(
            actor=self.world.province_admin,
            code="12/KH-UBND",
            title="Kiểm tra kỹ năng tin học toàn tỉnh",
            issuing_unit=self.world.province,
            issued_on=datetime.date(2020, 6, 1),
        )
        part = section(self.home(self.world.province_admin), "campaigns")
        for campaign in (district, province):
            self.assertIn(reverse("campaign-detail", args=[campaign.pk]), part)
        self.assertIn(reverse("readiness", args=[district.pk]), part)
        self.assertIn("chuyển sang chuẩn bị", part)  # the draft's next step
        # The district admin runs the district's campaign, not the province's.
        part = section(self.home(self.world.district_admin), "campaigns")
        self.assertIn(reverse("campaign-detail", args=[district.pk]), part)
        self.assertNotIn(reverse("campaign-detail", args=[province.pk]), part)

    def test_the_queries_do_not_grow_with_the_communes_and_their_leaders(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.PREPARING)
        before = self.home(self.world.district_admin).query_count
        for n in range(8):
            unit = make_unit(f"3170{n}", f"Xã Thử {n}", "xa", self.world.district)
            make_person(f"Nguyễn Văn Thử {n}", unit, Position.CHAIRMAN)
            make_person(f"Lê Thị Thử {n}", unit, Position.VICE_CHAIRMAN, gender="nu")
            campaign.participants.add(unit)
        response = self.home(self.world.district_admin)
        self.assertEqual(response.query_count, before)
        self.assertIn("10/10 đơn vị còn thiếu", section(response, "campaigns"))


class SignInsOnTheHomePageTests(HomeTestCase):
    def setUp(self) -> None:
        for _ in range(5):
            self.sign_in(self.world.leader.username, "198.51.100.7")
        self.sign_in(self.world.outsider.username, "203.0.113.9")

    def sign_in(self, username: str, address: str) -> None:
        Client().post(
            reverse("login"),
            {"username": username, "password": "wrong-password"},
            REMOTE_ADDR=address,
        )

    def test_the_district_admin_sees_its_locked_accounts_and_failures_with_a_link(self) -> None:
        part = section(self.home(self.world.district_admin), "sign-ins")
        self.assertRegex(part, r"Tài khoản đang bị khóa</dt><dd>1</dd>")
        self.assertRegex(part, r"trong 7 ngày qua</dt><dd>5</dd>")
        self.assertIn(f'href="{reverse("account-lockouts")}"', part)
        self.assertIn("mở khóa", part)

    def test_another_districts_admin_counts_only_its_own_accounts(self) -> None:
        part = section(self.home(self.world.outsider), "sign-ins")
        self.assertRegex(part, r"Tài khoản đang bị khóa</dt><dd>0</dd>")
        self.assertRegex(part, r"trong 7 ngày qua</dt><dd>1</dd>")

    def test_only_the_roles_that_keep_accounts_see_the_sign_ins(self) -> None:
        for role, user in self.world.personas().items():
            shown = section(self.home(user), "sign-ins") != ""
            self.assertEqual(shown, role.endswith("admin") or role == "outsider", role)


class CommuneOfficerHomeTests(HomeTestCase):
    def test_it_sees_its_communes_readiness_and_leaders_not_yet_tested_only(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        result_record(
            actor="exam",
            campaign=campaign,
            person=self.world.an_thanh_1_chairman,
            content=1,
            outcome=Result.Outcome.PASSED,
            source=Result.Source.EXAM,
        )
        part = section(self.home(self.world.commune_officer), "commune")
        self.assertIn("Xã An Thạnh 1", part)
        self.assertIn(reverse("unit-readiness", args=[campaign.pk, self.world.an_thanh_1.pk]), part)
        self.assertIn("Nguyễn Văn Bình: chưa có thiết bị ký số", part)
        # Tested in the IT skills, not yet in the e-office test.
        self.assertIn("Nguyễn Văn Bình (Chủ tịch): Ứng dụng CNTT trong xử lý công việc", part)
        self.assertIn(reverse("result-list", args=[campaign.pk]), part)
        # Đại Ân 1 is another commune's: neither its name nor its leader.
        self.assertNotIn("Đại Ân 1", part)
        self.assertNotIn(self.world.leader_person.full_name, part)
        self.assertNotIn(
            reverse("unit-readiness", args=[campaign.pk, self.world.dai_an_1.pk]), part
        )

    def test_a_campaign_without_its_commune_is_none_of_its_business(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        campaign.participants.remove(self.world.an_thanh_1)
        part = section(self.home(self.world.commune_officer), "commune")
        self.assertNotIn(reverse("result-list", args=[campaign.pk]), part)
        self.assertIn("không tham gia đợt thi đua nào", part)


class CouncilHomeTests(HomeTestCase):
    def test_the_rankings_waiting_for_approval_come_first_with_a_link(self) -> None:
        testing = make_campaign(self.world, status=Campaign.Status.TESTING, code="80/KH-UBND")
        waiting = make_campaign(self.world, status=Campaign.Status.RESULTS, code="81/KH-UBND")
        part = section(self.home(self.world.council), "council")
        self.assertIn(reverse("ranking", args=[waiting.pk]), part)
        self.assertIn("bảng xếp hạng đang chờ bạn phê duyệt", part)
        self.assertLess(part.index(waiting.code), part.index(testing.code))
        self.assertNotIn("Không có bảng xếp hạng nào chờ bạn phê duyệt", part)

    def test_an_approved_ranking_names_the_awarded_communes(self) -> None:
        from sathach.campaigns.services import ranking_approve

        campaign = make_campaign(self.world, status=Campaign.Status.RESULTS, awards=2)
        for person in (self.world.leader_person, self.world.an_thanh_1_chairman):
            for content in (1, 2):
                result_record(
                    actor="exam",
                    campaign=campaign,
                    person=person,
                    content=content,
                    outcome=Result.Outcome.PASSED,
                    source=Result.Source.EXAM,
                )
        ranking_approve(actor=self.world.council, campaign=campaign)
        part = section(self.home(self.world.council), "council")
        self.assertIn("Không có bảng xếp hạng nào chờ bạn phê duyệt", part)
        self.assertIn("được khen thưởng: Xã An Thạnh 1, Xã Đại Ân 1", part)

    def test_a_council_approves_its_own_districts_rankings_only(self) -> None:
        ours = make_campaign(self.world, status=Campaign.Status.RESULTS)
        theirs = campaign_create(
            actor=self.world.outsider,
            code="20/KH-UBND",
            title="Kiểm tra kỹ năng tin học huyện Long Phú",
            issuing_unit=self.world.other_district,
            issued_on=datetime.date(2020, 7, 1),
        )
        Campaign.objects.filter(pk=theirs.pk).update(status=Campaign.Status.RESULTS)
        council = make_user("longphu.hoidong", Role.COUNCIL, self.world.other_district)
        part = section(self.home(council), "council")
        self.assertIn(reverse("ranking", args=[theirs.pk]), part)
        self.assertNotIn(reverse("ranking", args=[ours.pk]), part)


class ProctorHomeTests(HomeTestCase):
    def test_it_finds_its_sessions_of_today_of_both_contents(self) -> None:
        session = make_exam(self.world)
        now = timezone.now()
        office = office_session_create(
            actor=self.world.district_admin,
            campaign=session.campaign,
            name="Ca văn phòng điện tử",
            room="Phòng họp số 2",
            opens_at=now + datetime.timedelta(minutes=60),
            closes_at=now + datetime.timedelta(minutes=90),
            proctor=self.world.proctor,
            examinees=[self.world.leader_person],
        )
        part = section(self.home(self.world.proctor), "proctor")
        self.assertIn(reverse("session-console", args=[session.pk]), part)
        self.assertIn(reverse("eoffice-session", args=[office.pk]), part)
        self.assertIn("Phòng họp số 2", part)
        self.assertIn(timezone.localtime(session.opens_at).strftime("%H:%M %d/%m/%Y"), part)
        self.assertNotIn("chưa được phân công", part)

    def test_another_proctors_sessions_are_not_its_own(self) -> None:
        first = make_exam(self.world)
        second = make_exam(self.world, code="76/KH-UBND")
        other = make_user("giamthi2", Role.PROCTOR, self.world.district)
        ExamSession.objects.filter(pk=second.pk).update(proctor=other)
        part = section(self.home(other), "proctor")
        self.assertIn(reverse("session-console", args=[second.pk]), part)
        self.assertNotIn(reverse("session-console", args=[first.pk]), part)
        fresh = make_user("giamthi3", Role.PROCTOR, self.world.district)
        self.assertIn("chưa được phân công", section(self.home(fresh), "proctor"))

    def test_with_no_session_today_it_sees_the_next_one(self) -> None:
        session = make_exam(self.world, session_status=ExamSession.Status.SCHEDULED)
        tomorrow = timezone.now() + datetime.timedelta(days=2)
        ExamSession.objects.filter(pk=session.pk).update(
            opens_at=tomorrow, closes_at=tomorrow + datetime.timedelta(hours=2)
        )
        part = section(self.home(self.world.proctor), "proctor")
        self.assertIn("Hôm nay bạn không có ca kiểm tra nào", part)
        self.assertIn(reverse("session-console", args=[session.pk]), part)


class ExamineeHomeTests(HomeTestCase):
    def test_it_sees_both_contents_of_its_campaign_with_their_times(self) -> None:
        session = make_exam(self.world)
        load_bank()
        make_servants(self.world)
        task_prepare(
            actor=self.world.district_admin,
            campaign=session.campaign,
            person=self.world.leader_person,
            seed=1,
        )
        part = section(self.home(self.world.leader), "examinee")
        self.assertIn(session.campaign.code, part)
        self.assertIn("Kỹ năng tin học", part)
        self.assertIn("Ca 1, Phòng máy UBND huyện", part)
        opens = timezone.localtime(session.opens_at).strftime("%H:%M %d/%m/%Y")
        self.assertIn(f"từ {opens}", part)
        self.assertIn("45 phút", part)
        self.assertIn("Nhập mã vào thi và bắt đầu", part)
        self.assertIn("Ứng dụng CNTT trong xử lý công việc", part)
        self.assertIn("30 phút", part)
        self.assertIn(f'href="{reverse("eoffice-my")}"', part)

    def test_a_leader_not_yet_scheduled_is_told_so_for_each_content(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.PREPARING)
        part = section(self.home(self.world.leader), "examinee")
        self.assertIn(campaign.code, part)
        self.assertIn("Bạn chưa được xếp ca kiểm tra", part)
        self.assertIn("Chưa bốc văn bản cho bạn", part)

    def test_it_sees_none_of_the_other_leaders_tests(self) -> None:
        session = make_exam(self.world)
        chairman = self.world.an_thanh_1_chairman
        part = section(self.home(chairman.user), "examinee")
        self.assertIn(session.campaign.code, part)
        response = self.home(chairman.user)
        self.assertNotContains(response, self.world.leader_person.full_name)
        for role in ("campaigns", "commune", "council", "proctor", "organization"):
            self.assertEqual(section(response, role), "", role)


class HomePagesStayCheapTests(HomeTestCase):
    def test_more_campaigns_than_shown_cost_no_more_queries(self) -> None:
        for n in range(8):
            make_campaign(self.world, status=Campaign.Status.PREPARING, code=f"{90 + n}/KH-UBND")
        part = section(self.home(self.world.district_admin), "campaigns")
        self.assertEqual(part.count('<div class="work"'), CAMPAIGNS_SHOWN)
        self.assertIn(reverse("campaign-list"), part)
        for user in self.world.personas().values():
            self.home(user)  # each within MAX_QUERIES

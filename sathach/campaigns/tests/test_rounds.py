"""A campaign copied into a new year keeps what the admin prepared and nothing of the year."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from sathach.campaigns.models import Campaign, FacilityDeclaration, FacilityItem, Result
from sathach.campaigns.rounds import campaign_copy
from sathach.campaigns.services import result_record
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.eoffice.models import OfficeSession, Scenario, ScenarioSet
from sathach.eoffice.services.bank import scenario_set_save
from sathach.eoffice.services.sessions import office_session_create
from sathach.eoffice.tests.factories import load_bank
from sathach.exams.models import Attempt, Blueprint, ExamSession
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase

NEW_DATE = datetime.date(2021, 7, 27)  # a year and a day after the 2020 plan (leap year)


class CampaignCopyTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        session = make_exam(self.world)
        self.session = session
        self.campaign = session.campaign
        Campaign.objects.filter(pk=self.campaign.pk).update(
            awards=2,
            pass_target=Decimal(80),
            tie_breakers=["facilities", "participants"],
            test_start=datetime.date(2020, 8, 10),
            test_end=datetime.date(2020, 8, 14),
            roster_frozen_at=timezone.now(),
            rules_fixed_at=timezone.now(),
        )
        self.campaign.refresh_from_db()
        item = FacilityItem.objects.create(
            campaign=self.campaign, title="Phòng họp trực tuyến", weight=Decimal(2), order=1
        )
        FacilityItem.objects.create(campaign=self.campaign, title="Mạng nội bộ", order=2)
        FacilityDeclaration.objects.create(
            campaign=self.campaign,
            unit=self.w.dai_an_1,
            item=item,
            status=FacilityDeclaration.Status.VERIFIED,
            declared_at=timezone.now(),
        )
        load_bank()
        chosen = [
            *Scenario.objects.filter(era="2020", kind="incoming", coordinating=False)[:4],
            *Scenario.objects.filter(era="2020", kind="outgoing")[:1],
        ]
        scenario_set_save(
            actor=self.w.district_admin,
            campaign=self.campaign,
            scenarios=chosen,
            incoming_count=3,
            outgoing_count=1,
            coordinating_count=0,
            duration_minutes=40,
        )
        self.office = office_session_create(
            actor=self.w.district_admin,
            campaign=self.campaign,
            name="Ca văn phòng điện tử",
            room="Hội trường",
            opens_at=session.opens_at,
            closes_at=session.closes_at,
            proctor=self.w.proctor,
        )
        result_record(
            actor=self.w.district_admin,
            campaign=self.campaign,
            person=self.w.leader_person,
            content=Result.Content.IT_SKILLS,
            outcome=Result.Outcome.PASSED,
            source=Result.Source.IMPORT,
        )

    def copy(self, **kwargs: Any) -> Campaign:
        return campaign_copy(
            actor=self.w.district_admin,
            campaign=self.campaign,
            **{"code": "80/KH-UBND", "title": "Kiểm tra năm 2021", "issued_on": NEW_DATE, **kwargs},
        )

    def test_it_copies_the_settings_and_moves_the_schedule(self) -> None:
        copy = self.copy()
        self.assertEqual(copy.status, Campaign.Status.DRAFT)
        self.assertEqual(copy.issuing_unit, self.w.district)
        self.assertEqual(
            (copy.code, copy.title, copy.issued_on), ("80/KH-UBND", "Kiểm tra năm 2021", NEW_DATE)
        )
        self.assertEqual(copy.awards, 2)
        self.assertEqual(copy.pass_target, Decimal(80))
        self.assertEqual(copy.tie_breakers, ["facilities", "participants"])
        self.assertEqual(copy.award_authority, self.campaign.award_authority)
        self.assertEqual(copy.test_start, datetime.date(2021, 8, 10))
        self.assertEqual(copy.test_end, datetime.date(2021, 8, 14))
        self.assertIsNone(copy.roster_frozen_at)
        self.assertIsNone(copy.rules_fixed_at)
        self.assertEqual(
            set(copy.participants.values_list("code", flat=True)),
            set(self.campaign.participants.values_list("code", flat=True)),
        )

    def test_it_copies_the_checklist_without_the_declarations(self) -> None:
        copy = self.copy()
        self.assertEqual(
            list(copy.facility_items.values_list("title", "weight", "order")),
            [("Phòng họp trực tuyến", Decimal(2), 1), ("Mạng nội bộ", Decimal(1), 2)],
        )
        self.assertFalse(FacilityDeclaration.objects.filter(campaign=copy).exists())
        self.assertEqual(FacilityDeclaration.objects.filter(campaign=self.campaign).count(), 1)

    def test_it_copies_the_blueprint_and_the_scenario_set(self) -> None:
        copy = self.copy()
        old, new = (
            Blueprint.objects.get(campaign=self.campaign),
            Blueprint.objects.get(campaign=copy),
        )
        self.assertEqual(new.bank, old.bank)
        self.assertEqual(new.duration_minutes, old.duration_minutes)
        self.assertEqual(
            list(new.rules.values_list("module", "count")),
            list(old.rules.values_list("module", "count")),
        )
        old_set, new_set = (
            ScenarioSet.objects.get(campaign=self.campaign),
            ScenarioSet.objects.get(campaign=copy),
        )
        self.assertEqual((new_set.incoming_count, new_set.duration_minutes), (3, 40))
        self.assertEqual(set(new_set.scenarios.all()), set(old_set.scenarios.all()))
        self.assertEqual(new_set.scenarios.count(), 5)

    def test_it_copies_the_sessions_shape_a_year_later_without_examinees(self) -> None:
        copy = self.copy()
        (exam,) = ExamSession.objects.filter(campaign=copy)
        offset = datetime.timedelta(days=365)
        self.assertEqual(
            (exam.name, exam.room, exam.proctor), ("Ca 1", "Phòng máy UBND huyện", self.w.proctor)
        )
        self.assertEqual(exam.opens_at, self.session.opens_at + offset)
        self.assertEqual(exam.closes_at, self.session.closes_at + offset)
        self.assertEqual(exam.status, ExamSession.Status.SCHEDULED)
        self.assertNotEqual(exam.access_code, "")
        self.assertFalse(exam.examinees.exists())
        (office,) = OfficeSession.objects.filter(campaign=copy)
        self.assertEqual((office.name, office.room), ("Ca văn phòng điện tử", "Hội trường"))
        self.assertEqual(office.opens_at, self.office.opens_at + offset)
        self.assertFalse(office.examinees.exists())

    def test_it_copies_no_attempt_task_or_result(self) -> None:
        self.assertTrue(Attempt.objects.filter(session__campaign=self.campaign).exists())
        copy = self.copy()
        self.assertFalse(Attempt.objects.filter(session__campaign=copy).exists())
        self.assertFalse(Result.objects.filter(campaign=copy).exists())
        self.assertFalse(copy.eoffice_tasks.exists())
        self.assertFalse(copy.snapshots.exists())

    def test_it_writes_one_audit_entry(self) -> None:
        before = AuditEntry.objects.count()
        copy = self.copy()
        self.assertEqual(AuditEntry.objects.count(), before + 1)
        entry = AuditEntry.objects.latest("pk")
        self.assertEqual(entry.action, "campaign.copied")
        self.assertEqual(entry.summary["from"], "75/KH-UBND")
        self.assertEqual(entry.object_id, str(copy.pk))

    def test_it_refuses_a_taken_code_an_earlier_date_or_an_empty_title(self) -> None:
        before = Campaign.objects.count()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"code": "75/KH-UBND"}, "Đợt thi đua 75/KH-UBND đã có."),
            (
                {"issued_on": datetime.date(2020, 7, 27)},
                "Đợt mới phải ban hành sau ngày 27/07/2020",
            ),
            ({"title": "  "}, "Đợt mới cần có số, ký hiệu và tiêu đề."),
        ]
        for kwargs, message in cases:
            with self.subTest(kwargs=kwargs), self.assertRaises(DomainError) as caught:
                self.copy(**kwargs)
            self.assertIn(message, caught.exception.message)
        self.assertEqual(Campaign.objects.count(), before)


class CampaignCopyViewTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = make_exam(self.world).campaign
        self.url = reverse("campaign-copy", args=[self.campaign.pk])

    def test_the_district_admin_copies_from_the_campaign_page(self) -> None:
        self.login(self.w.district_admin)
        page = self.client.get(reverse("campaign-detail", args=[self.campaign.pk]))
        self.assertContains(page, self.url)
        self.assertContains(self.client.get(self.url), "Sao chép sang đợt mới")
        response = self.client.post(
            self.url,
            {"code": "80/KH-UBND", "title": "Kiểm tra năm 2021", "issued_on": "27/07/2021"},
        )
        copy = Campaign.objects.get(code="80/KH-UBND")
        self.assertRedirects(response, reverse("campaign-detail", args=[copy.pk]))
        self.assertTrue(Blueprint.objects.filter(campaign=copy).exists())

    def test_a_bad_date_is_told_in_vietnamese_and_changes_nothing(self) -> None:
        self.login(self.w.district_admin)
        response = self.client.post(
            self.url, {"code": "80/KH-UBND", "title": "Năm 2021", "issued_on": "01/01/2020"}
        )
        self.assertContains(response, "Đợt mới phải ban hành sau ngày 27/07/2020")
        self.assertFalse(Campaign.objects.filter(code="80/KH-UBND").exists())

    def test_others_cannot_copy(self) -> None:
        for user, status in [
            (self.w.council, 403),
            (self.w.commune_officer, 403),
            (self.w.outsider, 404),
        ]:
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.post(
                    self.url, {"code": "80/KH-UBND", "title": "Năm 2021", "issued_on": "27/07/2021"}
                )
                self.assertEqual(response.status_code, status)
        self.assertFalse(Campaign.objects.filter(code="80/KH-UBND").exists())

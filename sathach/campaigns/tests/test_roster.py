"""The roster is frozen with the campaign: captured when the test day opens, read by the
results, reports, workbook and ranking, corrected only with a reason; one Chairman a
commune."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sathach.campaigns.models import Campaign, RosterEntry
from sathach.campaigns.roster import campaign_leaders, roster_correct
from sathach.campaigns.selectors import ranking_input
from sathach.campaigns.services import campaign_transition
from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import DomainError, ImportErrors
from sathach.core.models import AuditEntry
from sathach.organization.models import Person, Position
from sathach.organization.services import person_save
from sathach.organization.testing import BaseTestCase, make_person
from sathach.organization.tests.test_transfer import xlsx
from sathach.organization.transfer.people import people_import
from sathach.reports.selectors import district_scope
from sathach.reports.services import report_export
from sathach.reports.tests.factories import approve, campaign_with_results, grant
from sathach.reports.tests.helpers import open_docx, open_workbook, texts


class FreezeTests(BaseTestCase):
    def test_the_roster_is_captured_when_the_test_day_opens_with_vacant_posts(self) -> None:
        w: Any = self.world
        campaign = make_campaign(w, status=Campaign.Status.PREPARING)
        self.assertIsNone(campaign.roster_frozen_at)
        self.assertFalse(RosterEntry.objects.exists())
        w.leader_person.acting = True
        w.leader_person.save()
        campaign = campaign_transition(
            actor=w.district_admin, campaign=campaign, to=Campaign.Status.TESTING
        )
        campaign.refresh_from_db()
        self.assertIsNotNone(campaign.roster_frozen_at)
        captured = {
            (e.unit.code, e.full_name, e.position, e.acting)
            for e in RosterEntry.objects.filter(campaign=campaign).select_related("unit")
        }
        self.assertIn(("31627", w.leader_person.full_name, Position.CHAIRMAN, True), captured)
        self.assertIn(
            ("31618", w.an_thanh_1_chairman.full_name, Position.CHAIRMAN, False), captured
        )
        participants = set(campaign.participants.values_list("code", flat=True))
        chaired = {code for code, _n, position, _a in captured if position == Position.CHAIRMAN}
        self.assertEqual(chaired, participants)  # a commune without one has a vacant post
        vacant = RosterEntry.objects.filter(campaign=campaign, person__isnull=True)
        self.assertEqual(
            set(vacant.values_list("unit__code", flat=True)), participants - {"31627", "31618"}
        )
        self.assertTrue(AuditEntry.objects.filter(action="roster.frozen").exists())

    def test_back_to_preparing_before_any_result_captures_it_again(self) -> None:
        w: Any = self.world
        campaign = make_campaign(w, status=Campaign.Status.PREPARING)
        campaign_transition(actor=w.district_admin, campaign=campaign, to=Campaign.Status.TESTING)
        campaign_transition(actor=w.district_admin, campaign=campaign, to=Campaign.Status.PREPARING)
        make_person("Đỗ Văn Mới", w.dai_an_1, Position.VICE_CHAIRMAN)
        campaign_transition(actor=w.district_admin, campaign=campaign, to=Campaign.Status.TESTING)
        names = [p.full_name for p in campaign_leaders(campaign, campaign.participants.all())]
        self.assertIn("Đỗ Văn Mới", names)


class AfterTheAwardsTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = campaign_with_results(self.world)

    def export(self, identifier: str, fmt: str) -> bytes:
        return report_export(
            actor="test", scope=district_scope(self.campaign), identifier=identifier, fmt=fmt
        ).content

    def leaders_sheet(self) -> dict[str, tuple[Any, ...]]:
        sheet = open_workbook(self.export("results", "xlsx"))["Lãnh đạo"]
        return {str(row[3]): row for row in sheet.iter_rows(min_row=5, values_only=True) if row[3]}

    def test_editing_a_person_after_the_awards_changes_nothing_in_the_campaign(self) -> None:
        self.campaign = approve(self.world, self.campaign)
        grant(self.world, self.campaign)
        self.campaign.refresh_from_db()
        before_sheet = self.leaders_sheet()
        before_ranking = ranking_input(self.campaign)
        before_report = texts(open_docx(self.export("report", "docx")))
        hoa = Person.objects.get(full_name="Lê Thị Hoa")
        hoa.full_name = "Lê Thị Hoa Mai"
        hoa.position = Position.OFFICE_STATISTICS
        hoa.save()
        person_save(actor=self.w.district_admin, person=self.w.leader_person)
        make_person("Người Mới Đến", self.w.dai_an_1, Position.VICE_CHAIRMAN)
        self.assertEqual(self.leaders_sheet(), before_sheet)
        self.assertEqual(ranking_input(self.campaign), before_ranking)
        self.assertEqual(texts(open_docx(self.export("report", "docx"))), before_report)
        self.assertEqual(before_sheet["Lê Thị Hoa"][4], "Phó Chủ tịch")

    def test_a_correction_needs_a_reason_is_audited_and_reopens_approval(self) -> None:
        self.campaign = approve(self.world, self.campaign)
        self.assertEqual(self.campaign.status, Campaign.Status.APPROVED)
        entry = RosterEntry.objects.get(campaign=self.campaign, full_name="Lê Thị Hoa")
        hoa = entry.person
        assert hoa is not None
        with self.assertRaises(DomainError):
            roster_correct(
                actor=self.w.district_admin,
                campaign=self.campaign,
                unit=self.w.an_thanh_1,
                entry=entry,
                person=hoa,
                position=Position.VICE_CHAIRMAN,
                acting=True,
                reason="sai",
            )
        roster_correct(
            actor=self.w.district_admin,
            campaign=self.campaign,
            unit=self.w.an_thanh_1,
            entry=entry,
            person=hoa,
            position=Position.VICE_CHAIRMAN,
            acting=True,
            reason="Bà Hoa giữ chức Quyền Phó Chủ tịch theo Quyết định 12/QĐ-UBND.",
        )
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, Campaign.Status.RESULTS)
        self.assertEqual(self.leaders_sheet()["Lê Thị Hoa"][4], "Quyền Phó Chủ tịch")
        entry_log = AuditEntry.objects.get(action="roster.corrected")
        self.assertIn("12/QĐ-UBND", entry_log.summary["reason"])

    def test_a_second_chairman_on_the_roster_is_refused(self) -> None:
        entry = RosterEntry.objects.get(campaign=self.campaign, full_name="Lê Thị Hoa")
        with self.assertRaises(DomainError):
            roster_correct(
                actor=self.w.district_admin,
                campaign=self.campaign,
                unit=self.w.an_thanh_1,
                entry=entry,
                person=entry.person,
                position=Position.CHAIRMAN,
                acting=False,
                reason="Ghi nhầm chức vụ khi chốt danh sách.",
            )

    def test_the_district_corrects_the_roster_on_its_page_and_a_commune_cannot(self) -> None:
        entry = RosterEntry.objects.get(campaign=self.campaign, full_name="Lê Thị Hoa")
        url = reverse("campaign-roster", args=[self.campaign.pk])
        self.client.force_login(self.w.commune_officer)
        page = self.client.get(url)
        self.assertContains(page, "Nguyễn Văn Bình")
        self.assertNotContains(page, "Trần Thị Ngân")  # another commune
        self.assertNotContains(page, 'name="reason"')
        self.assertEqual(
            self.client.post(url, {"unit": self.w.an_thanh_1.pk, "entry": entry.pk}).status_code,
            404,
        )
        self.client.force_login(self.w.district_admin)
        response = self.client.post(
            url,
            {
                "unit": self.w.an_thanh_1.pk,
                "entry": entry.pk,
                "person": "",
                "position": Position.VICE_CHAIRMAN,
                "reason": "Bà Hoa đã nghỉ hưu trước ngày kiểm tra.",
            },
            follow=True,
        )
        self.assertContains(response, "Đã sửa danh sách")
        entry.refresh_from_db()
        self.assertTrue(entry.vacant)
        self.assertNotIn("Lê Thị Hoa", self.leaders_sheet())


class OneChairmanTests(BaseTestCase):
    def test_a_second_chairman_in_one_commune_is_refused_when_saved(self) -> None:
        second = Person(
            full_name="Hồ Văn Hai", gender="nam", unit=self.world.dai_an_1, position="chu_tich"
        )
        with self.assertRaisesMessage(DomainError, self.world.leader_person.full_name):
            person_save(actor=self.world.district_admin, person=second)
        self.assertFalse(Person.objects.filter(full_name="Hồ Văn Hai").exists())

    def test_a_second_chairman_in_one_commune_is_refused_by_the_import(self) -> None:
        rows: list[list[Any]] = [["", "Hồ Văn Hai", "Nam", "31627", "Chủ tịch", "", ""]]
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.world.district_admin, content=xlsx(rows))
        self.assertEqual(
            [(row, column) for row, column, _m in caught.exception.problems], [(2, "Chức vụ")]
        )
        self.assertFalse(Person.objects.filter(full_name="Hồ Văn Hai").exists())

"""Yearly rounds compared per commune and per leader, on a page and in the workbook."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from sathach.campaigns.models import Campaign
from sathach.campaigns.rounds import campaign_copy
from sathach.campaigns.services import result_record
from sathach.organization.testing import BaseTestCase
from sathach.reports.selectors import district_scope, report_scope_for_user
from sathach.reports.services import report_export
from sathach.reports.tests.factories import campaign_with_results
from sathach.reports.tests.helpers import open_workbook

OLD_SHEETS = ["Lãnh đạo", "Đơn vị", "Xếp hạng", "Thiết bị ký số", "Cơ sở vật chất"]
MODULES = {"IU01": {"score": "9.000", "max": "10.00", "percent": "90.00"}}


class RoundsTestCase(BaseTestCase):
    w: Any
    """The 2020 campaign with its results, and its 2021 round in which Đại Ân 1's chairman
    passes both contents (90% in IU01) and its vice-chairman takes only the IT-skills test."""

    def setUp(self) -> None:
        self.w = self.world
        self.old = campaign_with_results(self.world)
        self.new = campaign_copy(
            actor=self.w.district_admin,
            campaign=self.old,
            code="80/KH-UBND",
            title="Kiểm tra năm 2021",
            issued_on=datetime.date(2021, 7, 27),
        )
        Campaign.objects.filter(pk=self.new.pk).update(status=Campaign.Status.TESTING)
        self.new.refresh_from_db()
        rows: list[tuple[Any, int, str, Decimal | None, dict[str, Any] | None]] = [
            (self.w.leader_person, 1, "passed", Decimal(36), MODULES),
            (self.w.leader_person, 2, "passed", None, None),
            (self.w.dai_an_vice, 1, "failed", Decimal(10), None),
        ]
        for person, content, outcome, score, modules in rows:
            result_record(
                actor="exam",
                campaign=self.new,
                person=person,
                content=content,
                outcome=outcome,
                source="exam" if content == 1 else "eoffice",
                score=score,
                max_score=Decimal(40) if score else None,
                module_scores=modules,
            )

    def page(self, user: Any, campaign: Campaign, query: str = "") -> Any:
        self.login(user)
        return self.client.get(reverse("rounds-compare", args=[campaign.pk]) + query)

    def unit_rows(self, response: Any, code: str) -> list[dict[str, Any]]:
        (unit,) = [unit for unit in response.context["units"] if unit["code"] == code]
        return list(unit["rows"])

    def workbook(self, campaign: Campaign, user: Any = None) -> Any:
        scope = report_scope_for_user(user, campaign) if user else district_scope(campaign)
        content = report_export(
            actor=user or "test", scope=scope, identifier="results", fmt="xlsx"
        ).content
        return open_workbook(content)


class ComparisonPageTests(RoundsTestCase):
    def test_each_commune_has_its_figures_of_both_rounds_side_by_side(self) -> None:
        response = self.page(self.w.district_admin, self.new)
        self.assertContains(response, "So sánh các đợt")
        self.assertEqual(response.context["comparison"].rounds, [self.old, self.new])
        old, new = self.unit_rows(response, "31627")
        self.assertEqual((old["campaign"], new["campaign"]), (self.old, self.new))
        self.assertEqual((old["leaders"], old["tested"], old["participation"]), (2, 2, 100))
        self.assertEqual((new["leaders"], new["tested"], new["participation"]), (2, 1, 50))
        self.assertEqual((old["pass_rate"], new["pass_rate"]), (100, 100))
        self.assertEqual((old["eoffice"], new["eoffice"]), ("2/2", "1/1"))
        self.assertEqual(new["modules"][0], Decimal("90.00"))
        self.assertIsNone(old["modules"][0])
        self.assertEqual((old["coverage"], new["coverage"]), (50, 50))
        self.assertContains(response, "75/KH-UBND (2020)")
        self.assertContains(response, "80/KH-UBND (2021)")

    def test_each_leader_has_a_row_per_round(self) -> None:
        response = self.page(self.w.district_admin, self.new)
        leaders = {entry["person"]: entry["rows"] for entry in response.context["leaders"]}
        old, new = leaders[self.w.leader_person]
        self.assertEqual((old.campaign, new.campaign), (self.old, self.new))
        self.assertEqual(old.content1_percent, Decimal("90.00"))
        self.assertEqual(new.modules[0], Decimal("90.00"))
        self.assertTrue(old.has_device and new.has_device)
        old_vice, new_vice = leaders[self.w.dai_an_vice]
        self.assertTrue(old_vice.figures.passed_both)
        self.assertEqual(new_vice.figures.outcome(1), "failed")
        self.assertIsNone(new_vice.figures.content2)

    def test_a_chosen_round_is_compared_alone(self) -> None:
        third = campaign_copy(
            actor=self.w.district_admin,
            campaign=self.new,
            code="85/KH-UBND",
            title="Kiểm tra năm 2022",
            issued_on=datetime.date(2022, 7, 27),
        )
        every = self.page(self.w.district_admin, third)
        self.assertEqual(every.context["comparison"].rounds, [self.old, self.new, third])
        chosen = self.page(self.w.district_admin, third, f"?round={self.old.pk}")
        self.assertEqual(chosen.context["comparison"].rounds, [self.old, third])
        # A campaign of another issuing unit is not a round of this one.
        other = Campaign.objects.create(
            code="1/KH",
            title="Khác",
            issuing_unit=self.w.other_district,
            issued_on=self.old.issued_on,
        )
        ignored = self.page(self.w.district_admin, third, f"?round={other.pk}")
        self.assertEqual(ignored.context["comparison"].rounds, [self.old, self.new, third])

    def test_a_first_round_says_there_is_nothing_to_compare(self) -> None:
        response = self.page(self.w.district_admin, self.old)
        self.assertContains(response, "Chưa có đợt nào trước của đơn vị ban hành để so sánh")
        self.assertEqual(response.context["comparison"].rounds, [self.old])

    def test_a_commune_officer_sees_only_their_commune(self) -> None:
        response = self.page(self.w.commune_officer, self.new)
        self.assertEqual([unit["code"] for unit in response.context["units"]], ["31618"])
        people = {entry["person"].unit.code for entry in response.context["leaders"]}
        self.assertEqual(people, {"31618"})
        self.assertNotContains(response, "Trần Thị Ngân")

    def test_an_outsider_and_a_leader_are_kept_out(self) -> None:
        self.assertEqual(self.page(self.w.outsider, self.new).status_code, 404)
        self.assertEqual(self.page(self.w.leader, self.new).status_code, 403)


class ComparisonSheetTests(RoundsTestCase):
    def test_the_workbook_of_a_later_round_compares_the_communes(self) -> None:
        workbook = self.workbook(self.new)
        self.assertEqual(
            workbook.sheetnames, [*OLD_SHEETS, "So sánh các đợt", "So sánh các đợt (lãnh đạo)"]
        )
        sheet = workbook["So sánh các đợt"]
        headers = [cell.value for cell in sheet[4]]
        self.assertEqual(headers[:4], ["TT", "Mã đơn vị", "Đơn vị", "Đợt"])
        self.assertIn("IU01 (%)", headers)
        rows = {
            (row[1], row[3]): dict(zip(headers, row, strict=True))
            for row in sheet.iter_rows(min_row=5, values_only=True)
            if isinstance(row[0], int)
        }
        old = rows[("31627", "75/KH-UBND (2020)")]
        new = rows[("31627", "80/KH-UBND (2021)")]
        self.assertEqual((old["Tỷ lệ tham gia"], new["Tỷ lệ tham gia"]), (1, 0.5))
        self.assertEqual((old["Tỷ lệ đạt"], new["Tỷ lệ đạt"]), (1, 1))
        self.assertEqual((old["IU01 (%)"], new["IU01 (%)"]), (None, 90))
        self.assertEqual(new["Tỷ lệ có thiết bị ký số"], 0.5)
        self.assertEqual(sheet.cell(row=5, column=7).number_format, "0.00%")
        leaders = workbook["So sánh các đợt (lãnh đạo)"]
        names = [row[1:3] for row in leaders.iter_rows(min_row=5, values_only=True) if row[2]]
        self.assertIn(("Trần Thị Ngân", "75/KH-UBND (2020)"), names)
        self.assertIn(("Trần Thị Ngân", "80/KH-UBND (2021)"), names)

    def test_a_first_round_keeps_its_workbook_as_it_was(self) -> None:
        self.assertEqual(self.workbook(self.old).sheetnames, OLD_SHEETS)

    def test_a_commune_officer_s_workbook_compares_only_their_commune(self) -> None:
        workbook = self.workbook(self.new, self.w.commune_officer)
        codes = {
            row[1]
            for row in workbook["So sánh các đợt"].iter_rows(min_row=5, values_only=True)
            if isinstance(row[0], int)
        }
        self.assertEqual(codes, {"31618"})

"""The ranking page names the awarded communes and carries the workbook and the report beside
it, for those who may export them (issue 17, point 5)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from sathach.campaigns.models import Campaign, Result
from sathach.campaigns.services import ranking_approve, result_record
from sathach.campaigns.tests.factories import make_campaign
from sathach.organization.testing import BaseTestCase


def awarded_part(response: Any) -> str:
    found = re.search(
        r'<section class="card" data-part="awarded">(.*?)</section>',
        response.content.decode(),
        re.S,
    )
    return found.group(1) if found else ""


class RankingPageTests(BaseTestCase):
    def setUp(self) -> None:
        # Both communes pass everything and tie on every key for one award.
        self.campaign = make_campaign(self.world, status=Campaign.Status.RESULTS, awards=1)
        for person in (self.world.leader_person, self.world.an_thanh_1_chairman):
            for content in (1, 2):
                result_record(
                    actor="exam",
                    campaign=self.campaign,
                    person=person,
                    content=content,
                    outcome=Result.Outcome.PASSED,
                    source=Result.Source.EXAM,
                )
        self.url = reverse("ranking", args=[self.campaign.pk])

    def approve(self) -> None:
        ranking_approve(
            actor=self.world.council,
            campaign=self.campaign,
            awarded_in_ties=[self.world.dai_an_1.code],
            note="Hội đồng họp ngày 28/8/2020, biểu quyết chọn Đại Ân 1",
        )

    def test_the_awarded_communes_are_named_not_coded(self) -> None:
        self.approve()
        self.login(self.world.council)
        response = self.client.get(self.url)
        part = awarded_part(response)
        self.assertIn("<strong>Xã Đại Ân 1</strong>", part)
        self.assertNotIn("Xã An Thạnh 1", part)
        # The council's choice in the tie is told by name as well.
        self.assertContains(response, "đã quyết định trường hợp bằng nhau: Xã Đại Ân 1 (")
        self.assertNotContains(response, ": 31627")

    def test_before_any_approval_it_says_the_table_is_provisional(self) -> None:
        self.login(self.world.district_admin)
        part = awarded_part(self.client.get(self.url))
        self.assertIn("Chưa có kết quả xếp hạng được phê duyệt", part)

    def test_the_workbook_and_the_report_sit_beside_the_ranking(self) -> None:
        self.approve()
        links = [
            reverse("report-download", args=[self.campaign.pk, "results", "xlsx"]),
            reverse("report-download", args=[self.campaign.pk, "report", "docx"]),
            reverse("report-download", args=[self.campaign.pk, "report", "pdf"]),
        ]
        for user in (self.world.district_admin, self.world.council, self.world.province_admin):
            self.login(user)
            part = awarded_part(self.client.get(self.url))
            for link in links:
                self.assertIn(f'href="{link}"', part, user.username)
        self.login(self.world.council)
        download = self.client.get(links[0])
        self.assertEqual(download.status_code, 200)
        self.assertTrue(download.content.startswith(b"PK"))

    def test_a_proctor_reads_the_ranking_without_the_downloads_it_may_not_make(self) -> None:
        self.approve()
        self.login(self.world.proctor)
        response = self.client.get(self.url)
        part = awarded_part(response)
        self.assertIn("Xã Đại Ân 1", part)
        self.assertNotIn("report-download", part)
        self.assertNotContains(response, "/reports/")
        self.assertEqual(
            self.client.get(
                reverse("report-download", args=[self.campaign.pk, "results", "xlsx"])
            ).status_code,
            403,
        )

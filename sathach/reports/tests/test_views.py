from __future__ import annotations

from typing import Any

from django.urls import reverse

from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.reports.tests.factories import approve, campaign_with_results
from sathach.reports.tests.helpers import open_docx, open_workbook


class ReportViewsTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = campaign_with_results(self.world)
        self.w: Any = self.world

    def page(self) -> str:
        return reverse("report-campaign", args=[self.campaign.pk])

    def download(self, identifier: str, fmt: str) -> str:
        return reverse(
            "report-download",
            kwargs={"pk": self.campaign.pk, "identifier": identifier, "fmt": fmt},
        )

    def test_the_district_admin_finds_the_reports_from_the_menu(self) -> None:
        self.login(self.w.district_admin)
        home = self.client.get(reverse("home"))
        self.assertContains(home, reverse("report-list"))
        listing = self.client.get(reverse("report-list"))
        self.assertContains(listing, self.page())
        page = self.client.get(self.page())
        self.assertContains(page, self.download("results", "xlsx"))
        self.assertContains(page, self.download("report", "docx"))
        self.assertContains(page, self.download("report", "pdf"))
        # No approved ranking yet: the draft decision says why instead of a link.
        self.assertNotContains(page, self.download("decision", "docx"))

    def test_the_district_admin_downloads_the_workbook_and_the_report(self) -> None:
        self.login(self.w.district_admin)
        response = self.client.get(self.download("results", "xlsx"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])
        self.assertIn(
            'filename="ket-qua-kiem-tra-75-KH-UBND.xlsx"', response["Content-Disposition"]
        )
        self.assertIn("Xếp hạng", open_workbook(response.content).sheetnames)
        response = self.client.get(self.download("report", "docx"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(round(open_docx(response.content).sections[0].page_width.mm), 210)
        response = self.client.get(self.download("report", "pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertEqual(AuditEntry.objects.filter(action="report.exported").count(), 3)

    def test_the_council_downloads_the_draft_decision_once_the_ranking_is_approved(self) -> None:
        self.login(self.w.council)
        response = self.client.get(self.download("decision", "docx"))
        self.assertRedirects(response, self.page())
        approve(self.world, self.campaign)
        self.assertContains(self.client.get(self.page()), self.download("decision", "pdf"))
        response = self.client.get(self.download("decision", "docx"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("du-thao-quyet-dinh-khen-thuong", response["Content-Disposition"])

    def test_a_commune_officer_downloads_only_their_communes_workbook(self) -> None:
        self.login(self.w.commune_officer)
        page = self.client.get(self.page())
        self.assertContains(page, self.download("results", "xlsx"))
        self.assertNotContains(page, self.download("report", "docx"))
        response = self.client.get(self.download("results", "xlsx"))
        self.assertIn("75-KH-UBND-31618.xlsx", response["Content-Disposition"])
        workbook = open_workbook(response.content)
        names = {row[3] for row in workbook["Lãnh đạo"].iter_rows(min_row=5, values_only=True)}
        self.assertNotIn("Trần Thị Ngân", names)
        self.assertIn("Nguyễn Văn Bình", names)
        self.assertEqual(self.client.get(self.download("report", "docx")).status_code, 403)
        self.assertEqual(self.client.get(self.download("report", "pdf")).status_code, 403)
        self.assertEqual(self.client.get(self.download("decision", "docx")).status_code, 403)

    def test_an_examinee_and_a_proctor_get_nothing(self) -> None:
        for user in (self.w.leader, self.w.proctor):
            self.login(user)
            self.assertEqual(self.client.get(reverse("report-list")).status_code, 403)
            self.assertEqual(self.client.get(self.page()).status_code, 403)
            self.assertEqual(self.client.get(self.download("results", "xlsx")).status_code, 403)
        self.assertNotContains(self.client.get(reverse("home")), reverse("report-list"))

    def test_an_outsider_cannot_tell_the_campaign_exists(self) -> None:
        self.login(self.w.outsider)
        self.assertNotContains(self.client.get(reverse("report-list")), self.page())
        self.assertEqual(self.client.get(self.page()).status_code, 404)
        for identifier, fmt in (("results", "xlsx"), ("report", "docx"), ("decision", "pdf")):
            self.assertEqual(self.client.get(self.download(identifier, fmt)).status_code, 404)
        self.assertFalse(AuditEntry.objects.filter(action="report.exported").exists())

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.download("results", "xlsx"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_an_unknown_report_or_format_is_not_found(self) -> None:
        self.login(self.w.district_admin)
        self.assertEqual(self.client.get(self.download("results", "pdf")).status_code, 404)
        self.assertEqual(self.client.get(self.download("nothing", "xlsx")).status_code, 404)

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from sathach.exams.models import Attempt
from sathach.exams.services.attempts import attempt_save_answers, attempt_start, attempt_submit
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import BaseTestCase
from sathach.reports.exporters.report import ResultsReport
from sathach.reports.selectors import campaign_figures, district_scope
from sathach.reports.tests.factories import campaign_with_results
from sathach.reports.tests.helpers import PDFTOTEXT, open_docx, pdf_text, texts

SVG = "{http://www.w3.org/2000/svg}"


def svgs(html: str) -> dict[str, ET.Element]:
    """The page's inline charts, parsed, by the id of their title."""
    charts = {}
    for match in re.finditer(r"<svg .*?</svg>", html, re.S):
        root = ET.fromstring(match.group(0))
        charts[str(root.get("aria-labelledby")).split("-")[0]] = root
    return charts


def words(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


class DashboardTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = campaign_with_results(self.world)
        self.w: Any = self.world
        self.url = reverse("dashboard", args=[self.campaign.pk])

    def test_the_district_admin_reaches_the_dashboard_from_the_menu_and_the_campaign(self) -> None:
        self.login(self.w.district_admin)
        listing = self.client.get(reverse("dashboard-list"))
        self.assertContains(listing, self.url)
        self.assertContains(
            self.client.get(reverse("campaign-detail", args=[self.campaign.pk])), self.url
        )
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        # The menu marks "Dashboards", not also "Reports", whose address is shorter.
        self.assertContains(
            page, f'<a href="{reverse("dashboard-list")}" aria-current="page">', html=False
        )
        self.assertNotContains(page, f'<a href="{reverse("report-list")}" aria-current="page">')

    def test_the_district_sees_every_commune_against_the_targets(self) -> None:
        self.login(self.w.district_admin)
        html = self.client.get(self.url).content.decode()
        charts = svgs(html)
        self.assertEqual(set(charts), {"rates", "leaders", "devices", "facilities", "scores"})
        rates = words(charts["rates"])
        for name in ("Thị trấn Cù Lao Dung", "Xã Đại Ân 1", "Xã An Thạnh 1"):
            self.assertIn(name, rates)
        # An Thạnh 1: both tested, one of two passed both, below the 85% target.
        self.assertIn("50,00%", rates)
        self.assertIn("Chỉ tiêu đạt: 85,00%", rates)
        devices = words(charts["devices"])
        self.assertIn("1/2 (50,00%)", devices)  # Đại Ân 1: the chairman's token only
        self.assertIn("0/2 (0,00%)", devices)  # the town
        facilities = words(charts["facilities"])
        self.assertIn("2/3", facilities)
        self.assertIn("0/3", facilities)
        # Every leader scored 36/40 = 90%: six in the last band.
        scores = [t.text for t in charts["scores"].iter(f"{SVG}title")]
        self.assertIn("[90; 100]: 6", scores)
        # The data tables follow each chart.
        self.assertContains(self.client.get(self.url), "<caption", count=5)
        # No session of the built-in test: the item statistics say so.
        self.assertIn("Chưa có bài nộp.", html)

    def test_the_council_sees_the_district_dashboard(self) -> None:
        self.login(self.w.council)
        self.assertEqual(
            set(svgs(self.client.get(self.url).content.decode())) >= {"rates", "scores"}, True
        )

    def test_a_commune_officer_sees_their_own_commune_only(self) -> None:
        self.login(self.w.commune_officer)
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        rates = words(svgs(html)["rates"])
        self.assertIn("Xã An Thạnh 1", rates)
        self.assertNotIn("Xã Đại Ân 1", html)
        self.assertNotIn("Thị trấn Cù Lao Dung", html)
        self.assertNotIn('id="items"', html)

    def test_the_others_are_refused(self) -> None:
        self.assertRedirects(
            self.client.get(self.url),
            f"{reverse('login')}?next={self.url}",
            fetch_redirect_response=False,
        )
        for user, status in (
            (self.w.leader, 403),
            (self.w.nobody, 403),
            (self.w.outsider, 404),
        ):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, status, user)
        self.login(self.w.outsider)
        self.assertNotContains(self.client.get(reverse("dashboard-list")), self.url)

    def test_the_report_carries_the_charts_as_pictures(self) -> None:
        exporter = ResultsReport(campaign_figures(district_scope(self.campaign)))
        with translation.override("en"):
            document = open_docx(exporter.render("docx"))
        self.assertEqual(len(document.inline_shapes), 4)
        for shape in document.inline_shapes:
            self.assertAlmostEqual(shape.width.mm, 165, delta=0.5)
        captions = [t for t in texts(document) if t.startswith("Biểu đồ")]
        self.assertEqual(
            captions,
            [
                "Biểu đồ 1. Điểm bài kiểm tra kỹ năng tin học",
                "Biểu đồ 2. Tỷ lệ tham gia và tỷ lệ đạt của từng đơn vị",
                "Biểu đồ 3. Tỷ lệ lãnh đạo có thiết bị ký số của từng đơn vị",
                "Biểu đồ 4. Mức độ chuẩn bị cơ sở vật chất của từng đơn vị",
            ],
        )
        descriptions = document.element.body.xpath(".//wp:docPr/@descr")
        self.assertEqual(len(descriptions), 4)
        self.assertTrue(all(descriptions))
        pdf = exporter.render("pdf")
        self.assertEqual(pdf.count(b"/Subtype /Image"), 4)
        if PDFTOTEXT:
            text = pdf_text(pdf)
            self.assertIn("Biểu đồ 2. Tỷ lệ tham gia và tỷ lệ đạt của từng đơn vị", text)
            self.assertIn("II. ĐỀ NGHỊ KHEN THƯỞNG", text)


class ItemStatisticsDashboardTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.session = make_exam(self.world)
        for person, right in ((self.world.leader_person, 12), (self.world.an_thanh_1_chairman, 4)):
            attempt = Attempt.objects.get(session=self.session, person=person)
            attempt = attempt_start(
                user=person.user, attempt=attempt, access_code=self.session.access_code
            )
            answers = [
                {"p": p, "s": 1, "r": {"choice": 0 if p <= right else 1}} for p in range(1, 13)
            ]
            attempt_save_answers(attempt_id=attempt.pk, token=attempt.token, answers=answers)
            attempt_submit(actor=None, attempt=attempt, by="examinee")
        self.url = reverse("dashboard", args=[self.session.campaign_id])

    def test_the_district_admin_sees_the_items_of_the_latest_session_with_their_wording(
        self,
    ) -> None:
        self.login(self.world.district_admin)
        html = self.client.get(self.url).content.decode()
        items = svgs(html)["items"]
        self.assertIn(self.session.name, items.find(f"{SVG}title").text)  # type: ignore[arg-type,union-attr]
        points = [c for c in items.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
        squares = [r for r in items.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
        self.assertGreater(len(points) + len(squares), 0)
        self.assertRegex(html, re.escape(reverse("question-list")) + r"\d+/")
        # Both scores in the histogram: 100% and 33.33%.
        tips = [t.text for t in svgs(html)["scores"].iter(f"{SVG}title")]
        self.assertIn("[90; 100]: 1", tips)
        self.assertIn("[30; 40): 1", tips)

    def test_the_council_sees_the_item_figures_without_the_questions_wording(self) -> None:
        self.login(self.world.council)
        html = self.client.get(self.url).content.decode()
        self.assertIn("items", svgs(html))
        self.assertNotRegex(html, re.escape(reverse("question-list")) + r"\d+/")

    def test_a_commune_officer_does_not_see_the_item_statistics(self) -> None:
        self.login(self.world.commune_officer)
        html = self.client.get(self.url).content.decode()
        self.assertNotIn("items", svgs(html))

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sathach.campaigns.services import campaign_create
from sathach.core.tables import CHART_BARS, PAGE_SIZE
from sathach.organization.models import AdministrativeUnit, Role
from sathach.organization.testing import BaseTestCase, make_user
from sathach.reports.tests.factories import campaign_with_results
from sathach.reports.tests.province_data import province_campaign

ROW = re.compile(r"<tr>\s*<td>(.*?) <small", re.S)


def communes(html: str) -> list[str]:
    table = html.split('id="province-table"', 1)[1]
    return ROW.findall(table)


class ProvinceViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = campaign_with_results(self.world)
        self.other = campaign_create(
            actor=self.w.outsider,
            code="12/KH-UBND",
            title="Kiểm tra kỹ năng công nghệ thông tin năm 2020",
            issuing_unit=self.w.other_district,
            issued_on=datetime.date(2020, 7, 20),
        )
        self.url = reverse("province-dashboard", args=[self.w.province.pk])

    def test_the_province_admin_sees_every_district_campaign_of_the_province(self) -> None:
        self.login(self.w.province_admin)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            communes(response.content.decode()),
            ["Thị trấn Cù Lao Dung", "Thị trấn Long Phú", "Xã An Thạnh 1", "Xã Đại Ân 1"],
        )
        self.assertContains(response, "Toàn tỉnh")

    def test_a_district_admin_sees_only_their_own_district(self) -> None:
        self.login(self.w.district_admin)
        html = self.client.get(self.url).content.decode()
        self.assertEqual(communes(html), ["Thị trấn Cù Lao Dung", "Xã An Thạnh 1", "Xã Đại Ân 1"])
        self.assertNotIn("12/KH-UBND", html)
        self.login(self.w.outsider)
        self.assertEqual(
            communes(self.client.get(self.url).content.decode()), ["Thị trấn Long Phú"]
        )

    def test_a_commune_officer_and_a_stranger_do_not_reach_it(self) -> None:
        self.login(self.w.commune_officer)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.login(self.w.nobody)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.login(self.w.province_admin)
        district_url = reverse("province-dashboard", args=[self.w.district.pk])
        self.assertEqual(self.client.get(district_url).status_code, 404)

    def today_s_can_tho(self) -> AdministrativeUnit:
        """Thành phố Cần Thơ of today, which took in Sóc Trăng on 1/7/2025 (NQ 202/2025/QH15)."""
        city = AdministrativeUnit(
            code="92", name="Thành phố Cần Thơ", kind="thanh_pho_tw", era="2025"
        )
        city.save()
        return city

    def test_today_s_province_also_shows_the_district_campaigns_of_the_provinces_it_took_in(
        self,
    ) -> None:
        city = self.today_s_can_tho()
        province_campaign(city, 2)
        self.login(make_user("cantho.admin", Role.PROVINCE_ADMIN, city))
        self.assertIn(city, list(self.client.get(reverse("province-list")).context["provinces"]))
        city_url = reverse("province-dashboard", args=[city.pk])
        response = self.client.get(city_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            communes(response.content.decode()),
            [
                "Thị trấn Cù Lao Dung",
                "Thị trấn Long Phú",
                "Xã An Thạnh 1",
                "Xã Đại Ân 1",
                "Xã Thử 0000",
                "Xã Thử 0001",
            ],
        )
        # The old province's admins keep their page and, on the city's, see only their own.
        self.login(self.w.province_admin)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(
            communes(self.client.get(city_url).content.decode()),
            ["Thị trấn Cù Lao Dung", "Thị trấn Long Phú", "Xã An Thạnh 1", "Xã Đại Ân 1"],
        )

    def test_a_province_that_did_not_take_in_the_old_one_does_not_show_its_campaigns(
        self,
    ) -> None:
        hanoi = AdministrativeUnit(
            code="01", name="Thành phố Hà Nội", kind="thanh_pho_tw", era="2025"
        )
        hanoi.save()
        self.login(make_user("hanoi.admin", Role.PROVINCE_ADMIN, hanoi))
        self.assertEqual(
            self.client.get(reverse("province-dashboard", args=[hanoi.pk])).status_code, 404
        )

    def test_it_filters_by_campaign_issuer_and_commune_name(self) -> None:
        self.login(self.w.province_admin)
        by_campaign = self.client.get(self.url, {"campaign": self.other.pk})
        self.assertEqual(communes(by_campaign.content.decode()), ["Thị trấn Long Phú"])
        by_issuer = self.client.get(self.url, {"issuer": self.w.district.pk})
        self.assertEqual(len(communes(by_issuer.content.decode())), 3)
        by_name = self.client.get(self.url, {"q": "dai an"})
        self.assertEqual(communes(by_name.content.decode()), ["Xã Đại Ân 1"])

    def test_it_sorts_by_a_column_both_ways(self) -> None:
        self.login(self.w.province_admin)
        worst = self.client.get(self.url, {"sort": "pass_both", "issuer": self.w.district.pk})
        self.assertEqual(communes(worst.content.decode())[0], "Xã An Thạnh 1")
        best = self.client.get(self.url, {"sort": "-pass_both", "issuer": self.w.district.pk})
        self.assertEqual(communes(best.content.decode())[-1], "Xã An Thạnh 1")
        unknown = self.client.get(self.url, {"sort": "nonsense", "page": "x"})
        self.assertEqual(unknown.status_code, 200)

    def test_the_workbook_holds_the_same_rows_as_the_page(self) -> None:
        self.login(self.w.province_admin)
        export = reverse("province-export", args=[self.w.province.pk])
        response = self.client.get(export, {"issuer": self.w.district.pk, "sort": "-pass_both"})
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        self.assertEqual(rows[0][:4], ("Đợt thi đua", "Đơn vị ban hành", "Mã xã", "Xã"))
        body = rows[1:]
        self.assertEqual([row[3] for row in body][-1], "Xã An Thạnh 1")
        an_thanh = body[-1]
        # Two leaders tested, content 1 both passed, content 2 one of two, both one of two.
        self.assertEqual(an_thanh[4:10], (2, 2, 1.0, 1.0, 0.5, 0.5))
        self.assertEqual(sheet.cell(row=5, column=7).number_format, "0.00%")
        self.login(self.w.commune_officer)
        self.assertEqual(self.client.get(export).status_code, 404)


class ManyCommunesTestCase(BaseTestCase):
    """The pages at a large province's 130 communes and at the country's 3,321."""

    def queries(self, url: str, params: dict[str, Any] | None = None) -> tuple[Any, int]:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url, params or {})
        self.assertEqual(response.status_code, 200)
        return response, len(captured.captured_queries)

    def test_130_communes_page_sort_and_stay_within_a_bounded_number_of_queries(self) -> None:
        w: Any = self.world
        campaign = province_campaign(w.province, 130)
        self.login(w.province_admin)
        url = reverse("province-dashboard", args=[w.province.pk])
        first, count = self.queries(url)
        self.assertEqual(len(communes(first.content.decode())), PAGE_SIZE)
        last, _count = self.queries(url, {"page": 4})
        self.assertEqual(len(communes(last.content.decode())), 130 - 3 * PAGE_SIZE)
        self.assertContains(last, "Trang 4/4")
        self.assertLessEqual(count, 30)
        # A third of the communes passed content 2: they come first when sorted that way.
        best, _count = self.queries(url, {"sort": "-content2"})
        self.assertIn("100,00%", best.content.decode().split("<tbody>")[1].split("</tr>")[0])
        dashboard, dashboard_queries = self.queries(reverse("dashboard", args=[campaign.pk]))
        self.assertLessEqual(dashboard_queries, 30)
        html = dashboard.content.decode()
        self.assertIn(f"Xã 1\u2013{CHART_BARS} trong 130 xã của biểu đồ", html)
        self.assertIn("Xã Thử 0039", html)
        self.assertNotIn("Xã Thử 0040", html)
        tail = self.client.get(reverse("dashboard", args=[campaign.pk]), {"bars": 4})
        self.assertIn("Xã Thử 0129", tail.content.decode())
        self.assertNotIn("Xã Thử 0119", tail.content.decode())

    def test_the_countrys_3321_communes_answer_in_pages(self) -> None:
        w: Any = self.world
        province_campaign(w.province, 3321)
        self.login(w.province_admin)
        url = reverse("province-dashboard", args=[w.province.pk])
        last = -(-3321 // PAGE_SIZE)
        response, count = self.queries(url, {"page": last})
        self.assertEqual(len(communes(response.content.decode())), 3321 - (last - 1) * PAGE_SIZE)
        self.assertLessEqual(count, 30)

"""A province's hundred communes on the readiness page (issue 16, point 5): sorted, found and
paged on the server, 40 a page, with the totals over every commune."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from sathach.core.tables import PAGE_SIZE
from sathach.organization.testing import BaseTestCase
from sathach.reports.tests.province_data import province_campaign


class ReadinessPagingTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = province_campaign(self.w.province, 130)
        self.login(self.w.province_admin)

    def page(self, **query: Any) -> Any:
        return self.client.get(reverse("readiness", args=[self.campaign.pk]), query)

    def communes(self, response: Any) -> list[str]:
        return re.findall(r">(Xã Thử \d{4})</a>", response.content.decode())

    def test_the_communes_are_paged_forty_at_a_time_with_totals_over_all(self) -> None:
        first = self.page()
        self.assertEqual(len(self.communes(first)), PAGE_SIZE)
        self.assertEqual(self.communes(first)[0], "Xã Thử 0000")
        self.assertContains(first, "Thiết bị ký số: 0/130 lãnh đạo")
        self.assertContains(first, "Trang 1/4")
        last = self.page(page=4)
        self.assertEqual(self.communes(last), [f"Xã Thử {n:04d}" for n in range(120, 130)])

    def test_the_table_sorts_and_finds_a_commune_without_diacritics(self) -> None:
        descending = self.page(sort="-unit")
        self.assertEqual(self.communes(descending)[0], "Xã Thử 0129")
        found = self.page(q="xa thu 0042")
        self.assertEqual(self.communes(found), ["Xã Thử 0042"])
        self.assertEqual(self.communes(self.page(q="zzz")), [])
        # Nonsense choices fall back to the default order and the nearest page.
        self.assertEqual(self.page(sort="drop table", page="99").status_code, 200)


class ResultsPagingTests(BaseTestCase):
    """The results page over 130 communes' leaders: sorted, found and paged the same way."""

    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = province_campaign(self.w.province, 130)
        self.login(self.w.province_admin)

    def page(self, **query: Any) -> Any:
        return self.client.get(reverse("result-list", args=[self.campaign.pk]), query)

    def leaders(self, response: Any) -> list[str]:
        return re.findall(r"<td>(Người 9\d{4})<br>", response.content.decode())

    def test_the_leaders_are_paged_sorted_and_found(self) -> None:
        first = self.page()
        self.assertEqual(len(self.leaders(first)), PAGE_SIZE)
        self.assertEqual(self.leaders(first)[0], "Người 90000")
        self.assertEqual(len(self.leaders(self.page(page=4))), 10)
        self.assertEqual(self.leaders(self.page(sort="-unit"))[0], "Người 90129")
        self.assertEqual(self.leaders(self.page(q="nguoi 90042")), ["Người 90042"])
        self.assertEqual(self.leaders(self.page(q="Xã Thử 0007")), ["Người 90007"])

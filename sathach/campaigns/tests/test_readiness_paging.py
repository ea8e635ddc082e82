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


class RankingPagingTests(BaseTestCase):
    """The ranking over 130 communes: ranked over all, shown 40 a page, sorted by any column,
    found by name and cut to those that meet the targets; the live refresh keeps the view."""

    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = province_campaign(self.w.province, 130)
        self.login(self.w.province_admin)

    def page(self, **query: Any) -> Any:
        return self.client.get(reverse("ranking", args=[self.campaign.pk]), query)

    def communes(self, response: Any) -> list[str]:
        return re.findall(r"<summary>(Xã Thử \d{4})</summary>", response.content.decode())

    def test_the_ranking_shows_forty_communes_a_page_best_first(self) -> None:
        first = self.page()
        self.assertEqual(len(self.communes(first)), PAGE_SIZE)
        # Every third commune passes both contents (the province data): those rank first.
        self.assertEqual(self.communes(first)[:3], ["Xã Thử 0000", "Xã Thử 0003", "Xã Thử 0006"])
        self.assertContains(first, "Trang 1/4")
        self.assertEqual(len(self.communes(self.page(page=4))), 10)

    def test_it_sorts_finds_and_keeps_only_the_communes_that_meet_the_targets(self) -> None:
        self.assertEqual(self.communes(self.page(sort="-unit"))[0], "Xã Thử 0129")
        self.assertEqual(self.communes(self.page(q="xa thu 0042")), ["Xã Thử 0042"])
        met = self.page(targets="met")
        self.assertEqual(len(self.communes(met)), PAGE_SIZE)
        self.assertEqual(
            self.communes(self.page(targets="met", page=2)),
            [f"Xã Thử {n:04d}" for n in range(120, 130, 3)],
        )
        missed = self.communes(self.page(targets="missed", q="0001"))
        self.assertEqual(missed, ["Xã Thử 0001"])
        self.assertEqual(self.page(sort="drop table", page="99").status_code, 200)

    def test_the_live_refresh_asks_for_the_same_page_and_order(self) -> None:
        self.campaign.status = "testing"
        self.campaign.save()
        html = self.page(sort="-unit", page=2).content.decode()
        live = re.search(r'data-live-url="([^"]+)"', html)
        assert live is not None
        url = live.group(1).replace("&amp;", "&")
        self.assertIn("sort=-unit", url)
        self.assertIn("page=2", url)
        part = self.client.get(url)
        self.assertEqual(self.communes(part), self.communes(self.page(sort="-unit", page=2)))

"""The province's view of 130 communes on a phone: nothing pushes the page sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from sathach.conftest import artifacts_dir
from sathach.core.tables import PAGE_SIZE
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home
from sathach.reports.tests.province_data import province_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)


def test_the_province_view_of_130_communes_fits_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    world = World()
    campaign = province_campaign(world.province, 130)
    page.set_viewport_size(PHONE)
    sign_in_home(page, live_server, world.province_admin.username)
    for url in (
        reverse("province-dashboard", args=[world.province.pk]) + f"?campaign={campaign.pk}",
        reverse("dashboard", args=[campaign.pk]),
    ):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("svg.chart").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto(f"{live_server.url}{reverse('province-dashboard', args=[world.province.pk])}")
    assert page.locator("#province-table tbody tr").count() == PAGE_SIZE
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir() / "phone-province-130.png"), full_page=True)

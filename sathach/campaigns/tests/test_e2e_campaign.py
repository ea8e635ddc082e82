"""A district admin takes a campaign from preparing to awarded in the browser, with the
council's approval (and its decision on a tie) in between."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sathach.campaigns.models import Award, Campaign, RankingSnapshot
from sathach.campaigns.tests.factories import make_campaign
from sathach.campaigns.tests.test_views import HEADER, workbook_bytes
from sathach.conftest import artifacts_dir
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_out(page: Page) -> None:
    page.click("header .who form button")
    page.wait_for_load_state()


def test_a_campaign_goes_from_preparing_to_awarded(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    world = World()
    # One award for two communes that will tie on every key: the council must decide.
    campaign = make_campaign(world, status=Campaign.Status.PREPARING, awards=1)
    detail = f"{live_server.url}{reverse('campaign-detail', args=[campaign.pk])}"

    sign_in_home(page, live_server, world.district_admin.username)
    page.goto(detail)
    page.click("button[name=to][value=testing]")
    expect(page.locator(".steps li.current")).to_have_count(1)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.TESTING

    results = tmp_path / "ket-qua.xlsx"
    results.write_bytes(
        workbook_bytes(
            [
                HEADER,
                ["31618", "", None, world.an_thanh_1_chairman.pk, "", "", "passed", "passed"],
                ["31627", "", None, world.leader_person.pk, "", "", "passed", "passed"],
            ]
        )
    )
    page.goto(f"{live_server.url}{reverse('result-import', args=[campaign.pk])}")
    page.set_input_files("input[type=file]", str(results))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('result-list', args=[campaign.pk])}")
    page.goto(detail)
    page.click("button[name=to][value=results]")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RESULTS
    sign_out(page)

    sign_in_home(page, live_server, world.council.username)
    page.goto(f"{live_server.url}{reverse('ranking', args=[campaign.pk])}")
    expect(page.locator("tr.award-council")).to_have_count(2)
    page.screenshot(path=str(artifacts_dir() / "ranking-tie.png"), full_page=True)
    page.check(f"input[name=awarded][value='{world.dai_an_1.code}']")
    page.fill("textarea[name=note]", "Hội đồng họp ngày 28/8/2020, biểu quyết chọn Đại Ân 1")
    page.click("form[action$='/ranking/approve/'] button[type=submit]")
    expect(page.locator(".messages li.success")).to_have_count(1)
    snapshot = RankingSnapshot.objects.get(campaign=campaign)
    assert snapshot.tie_decision["awarded"] == [world.dai_an_1.code]
    sign_out(page)

    sign_in_home(page, live_server, world.district_admin.username)
    page.goto(f"{live_server.url}{reverse('ranking', args=[campaign.pk])}")
    page.fill("input[name=number]", "1234/QĐ-UBND")
    page.fill("input[name=signed_on]", "31/08/2020")
    page.fill("input[name=signer_name]", "Huỳnh Thành An")
    page.fill("input[name=signer_title]", "Chủ tịch UBND huyện")
    page.click("form[action$='/awards/'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("1234/QĐ-UBND")
    page.screenshot(path=str(artifacts_dir() / "ranking-awarded.png"), full_page=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.AWARDED
    assert [award.unit for award in Award.objects.all()] == [world.dai_an_1]

"""Each demo role signs in through a real browser and starts at its work (issue 17, point 5),
on the data `make run` loads; a screenshot of each home page is left for people to look at.

The screenshots go to var/test-artifacts/; with SATHACH_DOC_SCREENSHOTS=1 they also replace
those of docs/screenshots/ that docs/USER-GUIDE.md shows:

    SATHACH_DOC_SCREENSHOTS=1 pytest -m e2e sathach/tests/test_e2e_home_demo.py
"""

from __future__ import annotations

import os
import shutil
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from sathach.campaigns.demo import CODE, TRIAL_CODE
from sathach.campaigns.models import Campaign
from sathach.conftest import artifacts_dir
from sathach.exams.models import ExamSession
from sathach.organization.demo import DEMO_PASSWORD
from sathach.organization.tests.test_e2e_roles import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)
DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def shoot(page: Page, name: str) -> None:
    path = artifacts_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("SATHACH_DOC_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)


def open_home(
    browser: Browser, live_server: LiveServer, username: str, viewport: ViewportSize
) -> Page:
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = sign_in(page, live_server, username, DEMO_PASSWORD)
    assert response.status in (200, 302), username
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")
    page.wait_for_load_state()
    assert violations == [], violations
    # Nothing may push the page sideways, on a phone least of all.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], username
    return page


def load_demo() -> None:
    """`load_demo` in a thread of its own: playing the demo's day signs with pyHanko, which
    starts an asyncio loop, and Playwright keeps one running in the main thread."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            call_command("load_demo", stdout=StringIO())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_each_demo_role_starts_at_its_work(browser: Browser, live_server: LiveServer) -> None:
    load_demo()
    trial = Campaign.objects.get(code=TRIAL_CODE)
    played = Campaign.objects.get(code=CODE)

    page = open_home(browser, live_server, "noivu.admin", DESKTOP)
    campaigns = page.locator('[data-role="campaigns"]')
    for campaign in (trial, played):
        expect(
            campaigns.locator(f'a[href="{reverse("campaign-detail", args=[campaign.pk])}"]')
        ).to_be_visible()
    expect(campaigns.locator(f'a[href="{reverse("readiness", args=[trial.pk])}"]')).to_be_visible()
    expect(
        page.locator(f'[data-role="sign-ins"] a[href="{reverse("account-lockouts")}"]')
    ).to_be_visible()
    shoot(page, "home-district-admin")
    page.context.close()

    page = open_home(browser, live_server, "tinh.admin", DESKTOP)
    expect(
        page.locator(
            f'[data-role="campaigns"] a[href="{reverse("campaign-detail", args=[trial.pk])}"]'
        )
    ).to_be_visible()
    page.context.close()

    page = open_home(browser, live_server, "hoidong.chutich", DESKTOP)
    council = page.locator('[data-role="council"]')
    expect(council.locator(f'a[href="{reverse("ranking", args=[played.pk])}"]')).to_be_visible()
    awarded = [award.unit.name for award in played.decisions.get().awards.all()]
    expect(council).to_contain_text(", ".join(awarded))
    shoot(page, "home-council")
    council.locator(f'a[href="{reverse("ranking", args=[played.pk])}"]').click()
    outcome = page.locator('[data-part="awarded"]')
    for name in awarded:
        expect(outcome).to_contain_text(name)
    expect(
        outcome.locator(
            f'a[href="{reverse("report-download", args=[played.pk, "results", "xlsx"])}"]'
        )
    ).to_be_visible()
    page.context.close()

    page = open_home(browser, live_server, "anthanh1.vanphong", DESKTOP)
    commune = page.locator('[data-role="commune"]')
    expect(commune).to_contain_text("Xã An Thạnh 1")
    expect(commune.locator(".leaders-untested li")).to_have_count(3)
    shoot(page, "home-commune-officer")
    page.context.close()

    page = open_home(browser, live_server, "giamthi", DESKTOP)
    rows = page.locator('[data-role="proctor"] tbody tr')
    expect(rows).to_have_count(2)
    for session in ExamSession.objects.filter(proctor__username="giamthi"):
        expect(
            rows.locator(f'a[href="{reverse("session-console", args=[session.pk])}"]')
        ).to_be_visible()
    shoot(page, "home-proctor")
    page.context.close()

    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_home(browser, live_server, "31627.ngantt", viewport)
        practice = page.locator(f'[data-role="examinee"] [data-campaign="{trial.pk}"]')
        expect(practice.locator(".slot")).to_have_count(2)
        expect(practice.locator(".slot").first).to_contain_text("75 phút")
        expect(practice.locator(".slot").last).to_contain_text("30 phút")
        shoot(page, f"home-examinee-{size}")
        if size == "phone":
            practice.locator(".slot").first.locator("a.button").click()
            expect(page).to_have_url(f"{live_server.url}{reverse('my-tests')}")
        page.context.close()

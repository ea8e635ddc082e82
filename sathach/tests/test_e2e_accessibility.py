"""WCAG 2.1 A and AA on the examinee's and the commune officer's main pages (issue 17,
point 7): axe-core (bundled by axe-playwright-python, run inside Debian's chromium) checks
each page at a desktop's and a phone's width, and the test fails on any violation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from sathach.campaigns.models import Campaign
from sathach.campaigns.readiness import facility_item_save
from sathach.campaigns.tests.factories import make_campaign
from sathach.eoffice.models import Kind
from sathach.eoffice.tests.factories import make_servants, make_task
from sathach.exams.models import Attempt
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices for the page's structure, which WCAG's tags leave out: landmarks,
# one <main>, one <h1>, headings in order, a working skip link, table headers with a name.
STRUCTURE = [
    "region",
    "landmark-one-main",
    "landmark-unique",
    "page-has-heading-one",
    "heading-order",
    "skip-link",
    "empty-table-header",
]
SCREENS = {
    "desktop": ViewportSize(width=1280, height=800),
    "phone": ViewportSize(width=390, height=844),
}
_AXE = Axe()


def violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands, one line per element."""
    page.wait_for_load_state()
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA},
        "rules": {rule: {"enabled": True} for rule in STRUCTURE},
        "resultTypes": ["violations"],
    }
    results = _AXE.run(page, options=options)
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            found.append(
                f"{page.url}: {violation['id']} ({violation['impact']}) at {node['target']}: "
                f"{node.get('failureSummary', '')}"
            )
    return found


def check(page: Page, url: str, found: list[str]) -> None:
    page.goto(url)
    found.extend(violations(page))


@pytest.fixture(params=sorted(SCREENS))
def screen(request: pytest.FixtureRequest, page: Page) -> str:
    page.set_viewport_size(SCREENS[request.param])
    return str(request.param)


def test_the_examinees_pages_meet_wcag_2_1_aa(
    page: Page, live_server: LiveServer, screen: str
) -> None:
    world = World()
    session = make_exam(world)
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    found: list[str] = []
    sign_in_home(page, live_server, world.leader.username)
    found.extend(violations(page))
    check(page, f"{live_server.url}{reverse('my-tests')}", found)
    page.fill("input[name=code]", session.access_code)
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{live_server.url}{reverse('attempt', args=[attempt.pk])}")
    page.locator("#q1 label.opt", has_text="Phương án A").click()
    expect(page.locator("#sync")).to_have_class("ok")
    found.extend(violations(page))
    page.click("#submit-open")
    expect(page.locator("#summary-unanswered")).to_be_visible()
    found.extend(violations(page))
    page.click("text=Nộp bài ngay")
    expect(page).to_have_url(f"{live_server.url}{reverse('attempt-review', args=[attempt.pk])}")
    found.extend(violations(page))
    assert not found, "\n".join(found)


def test_the_e_office_test_pages_meet_wcag_2_1_aa(
    page: Page, live_server: LiveServer, screen: str
) -> None:
    world = World()
    make_servants(world)
    task = make_task(world)
    found: list[str] = []
    sign_in_home(page, live_server, world.leader.username)
    check(page, f"{live_server.url}{reverse('eoffice-my')}", found)
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-inbox', args=[task.pk])}")
    found.extend(violations(page))
    incoming = task.documents.filter(kind=Kind.INCOMING).order_by("position").first()
    outgoing = task.documents.get(kind=Kind.OUTGOING)
    assert incoming is not None
    for position in (incoming.position, outgoing.position):
        check(
            page, f"{live_server.url}{reverse('eoffice-document', args=[task.pk, position])}", found
        )
    check(page, f"{live_server.url}{reverse('eoffice-finish', args=[task.pk])}", found)
    assert not found, "\n".join(found)


def test_the_commune_officers_pages_meet_wcag_2_1_aa(
    page: Page, live_server: LiveServer, screen: str
) -> None:
    world = World()
    campaign = make_campaign(world, status=Campaign.Status.PREPARING)
    facility_item_save(
        actor=world.district_admin, campaign=campaign, title="Máy in", weight=Decimal(2)
    )
    found: list[str] = []
    sign_in_home(page, live_server, world.commune_officer.username)
    found.extend(violations(page))
    check(page, f"{live_server.url}{reverse('readiness', args=[campaign.pk])}", found)
    unit = reverse("unit-readiness", args=[campaign.pk, world.an_thanh_1.pk])
    check(page, f"{live_server.url}{unit}", found)
    # The facility declaration's form is folded in a <details>: axe skips what is hidden.
    page.locator("details summary").first.click()
    expect(page.locator("textarea[name=note]").first).to_be_visible()
    found.extend(violations(page))
    assert not found, "\n".join(found)

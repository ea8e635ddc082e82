"""The exam page on any screen (issue 17, point 1), in the browser on a desktop (1280 wide)
and on a phone (390 by 844): the flags survive a reload and a second computer, the first
question shows without scrolling, the navigator stays reachable wherever the examinee has
scrolled."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, FloatRect, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from sathach.conftest import artifacts_dir
from sathach.exams.models import Attempt, ExamSession
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)


class Screens:
    """Browser contexts of a given screen; each fails the test on a Content-Security-Policy
    violation, as the `page` fixture does."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.violations: list[str] = []

    def open(self, viewport: ViewportSize) -> Page:
        phone = viewport["width"] < 500
        context = self.browser.new_context(
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        self.contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: (
                self.violations.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        return page


@pytest.fixture
def screens(browser: Browser) -> Iterator[Screens]:
    screens = Screens(browser)
    yield screens
    for context in screens.contexts:
        context.close()
    assert not screens.violations, screens.violations


def start_test(page: Page, live_server: LiveServer, world: World, session: ExamSession) -> str:
    """Sign the leader in, enter the access code, and return the exam page's address."""
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    sign_in_home(page, live_server, world.leader.username)
    page.goto(f"{live_server.url}{reverse('my-tests')}")
    page.fill("input[name=code]", session.access_code)
    page.click("text=Bắt đầu làm bài")
    url = f"{live_server.url}{reverse('attempt', args=[attempt.pk])}"
    expect(page).to_have_url(url)
    return url


def box(page: Page, selector: str) -> FloatRect:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_flags_survive_a_reload_and_a_second_computer(
    screens: Screens, live_server: LiveServer, viewport: ViewportSize
) -> None:
    world = World()
    session = make_exam(world, per_rule=5)
    page = screens.open(viewport)
    url = start_test(page, live_server, world, session)
    page.locator("#q2 label.opt", has_text="Phương án A").click()
    for position in (2, 4):
        page.locator(f"#q{position} label.flag").click()
    expect(page.locator("#sync")).to_have_class("ok")
    expect(page.locator("#nav-flagged")).to_have_text("2")

    page.reload()
    expect(page.locator("#q2 [data-flag]")).to_be_checked()
    expect(page.locator("#q4 [data-flag]")).to_be_checked()
    expect(page.locator("#q3 [data-flag]")).not_to_be_checked()
    expect(page.locator("#nav4")).to_have_class(re.compile(r"\bflagged\b"))

    # Another computer: no localStorage of the first, only what the server stored.
    other = screens.open(viewport)
    sign_in_home(other, live_server, world.leader.username)
    other.goto(url)
    expect(other.locator("#q2 [data-flag]")).to_be_checked()
    expect(other.locator("#q4 [data-flag]")).to_be_checked()
    expect(other.locator("#nav2")).to_have_class(re.compile(r"^answered flagged$"))
    expect(other.locator("#nav-flagged")).to_have_text("2")
    expect(other.locator("#nav-answered")).to_have_text("1")
    other.click("#submit-open")
    expect(other.locator("#summary-flagged")).to_have_text("Câu đánh dấu xem lại: 2, 4")

    # The first computer learns on its next save that the test moved.
    page.locator("#q4 label.flag").click()
    expect(page.locator("#banner")).to_contain_text("đang được mở trên máy khác")
    other.reload()
    expect(other.locator("#q4 [data-flag]")).to_be_checked()


def test_on_a_phone_the_first_question_shows_and_the_navigator_stays_at_hand(
    screens: Screens, live_server: LiveServer
) -> None:
    world = World()
    session = make_exam(world, per_rule=5)  # 30 questions, as on the test day
    page = screens.open(PHONE)
    start_test(page, live_server, world, session)
    expect(page.locator("#nav30")).to_be_attached()

    assert page.evaluate("window.scrollY") == 0
    question = box(page, "#q1 .q-text")
    assert question["y"] + question["height"] <= PHONE["height"], question
    first_option = box(page, "#q1 label.opt >> nth=0")
    assert first_option["y"] + first_option["height"] <= PHONE["height"], first_option
    head = page.locator(".exam-head")
    expect(head).to_contain_text("30 câu hỏi")
    expect(head).to_contain_text("45 phút")
    expect(head).to_contain_text("điểm đạt: 50% tổng số điểm")
    # The navigator is one line until tapped: its 30 numbers are not in the way.
    expect(page.locator("#navigator")).not_to_have_attribute("open", "")
    expect(page.locator("#nav1")).to_be_hidden()
    page.screenshot(path=str(artifacts_dir() / "exam-phone.png"))

    page.locator("#q1 label.opt", has_text="Phương án A").click()
    page.locator("#q3 label.flag").click()
    expect(page.locator("#navigator summary")).to_have_text(
        "Câu hỏi: 1/30 đã trả lời · 1 đánh dấu xem lại"
    )

    # Far down the page, the navigator is still at the top of the screen.
    page.locator("#q25").scroll_into_view_if_needed()
    summary = box(page, "#navigator summary")
    assert summary["y"] >= 0 and summary["y"] + summary["height"] <= PHONE["height"], summary
    page.click("#navigator summary")
    expect(page.locator("#nav9")).to_be_visible()
    page.screenshot(path=str(artifacts_dir() / "exam-phone-navigator.png"))
    page.click("#nav9")
    expect(page.locator("#nav9")).to_be_hidden()  # the strip closes once a question is chosen
    bar = box(page, ".exam-sticky")
    ninth = box(page, "#q9 legend")
    assert bar["y"] + bar["height"] <= ninth["y"] < PHONE["height"], (bar, ninth)


def test_on_a_desktop_the_navigator_is_open_and_follows_the_scroll(
    screens: Screens, live_server: LiveServer
) -> None:
    world = World()
    session = make_exam(world, per_rule=5)
    page = screens.open(DESKTOP)
    start_test(page, live_server, world, session)
    expect(page.locator("#nav30")).to_be_visible()
    question = box(page, "#q1 .q-text")
    assert question["y"] + question["height"] <= DESKTOP["height"], question
    page.screenshot(path=str(artifacts_dir() / "exam-desktop.png"))

    page.locator("#q28").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    link = box(page, "#nav3")
    assert link["y"] >= 0 and link["y"] + link["height"] <= DESKTOP["height"], link
    page.click("#nav3")
    bar = box(page, ".exam-sticky")
    third = box(page, "#q3 legend")
    assert bar["y"] + bar["height"] <= third["y"] < DESKTOP["height"], (bar, third)
    expect(page.locator("#nav3")).to_be_visible()

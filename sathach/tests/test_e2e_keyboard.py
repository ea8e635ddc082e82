"""Both tests taken with the keyboard alone (issue 17, point 7): after the first page is
opened, the examinee only presses keys (Tab, Shift+Tab, Space, arrows, Enter) and types;
the script reads the page to know where the focus is, and never clicks. The exam page's
text-size control is kept across a reload."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sathach.campaigns.models import Result
from sathach.eoffice.models import Kind, Task
from sathach.eoffice.tests.factories import PIN, make_servants, make_task
from sathach.exams.models import Attempt
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import PASSWORD, World
from sathach.signatures.services import certificate_issue, pki_init, token_set_pin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUS_RING = "rgb(200, 90, 0)"  # site.css's :focus-visible outline colour
INSTRUCTION = "Giao đồng chí chủ trì tham mưu, phối hợp các bộ phận, báo cáo đúng hạn."


def focused(page: Page, selector: str) -> bool:
    try:
        return bool(
            page.evaluate(
                "s => !!document.activeElement && document.activeElement.matches(s)", selector
            )
        )
    except PlaywrightError:  # the page was navigating (a queued action's reload)
        page.wait_for_load_state()
        return False


def tab_to(page: Page, selector: str, *, back: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{selector} never took the focus")


def type_date(page: Page, day: datetime.date) -> None:
    """Type a date into the focused date box, segment by segment. Chromium lays the box out
    in its own interface language (mm/dd/yyyy in Debian's headless chromium), not the page's;
    when the month-first order did not give the date, go back and type it day first."""
    page.keyboard.type(f"{day:%m}{day:%d}{day:%Y}")
    box = page.locator("input:focus")
    if box.input_value() != day.isoformat():
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(f"{day:%d}{day:%m}{day:%Y}")
    expect(box).to_have_value(day.isoformat())


def sign_in_with_keys(page: Page, username: str) -> None:
    """On the sign-in page (its user name box has the focus), then, on the page it leads
    to, the first Tab reaches the skip link, which shows with its focus ring and moves the
    focus to the main content."""
    assert focused(page, "input[name=username]")
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link")
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineColor") == FOCUS_RING
    page.keyboard.press("Enter")
    assert focused(page, "main#main")


def test_a_leader_takes_the_it_skills_test_with_the_keyboard_alone(
    page: Page, live_server: LiveServer
) -> None:
    world = World()
    session = make_exam(world)
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    page.goto(f"{live_server.url}{reverse('login')}?next={reverse('my-tests')}")
    sign_in_with_keys(page, world.leader.username)
    expect(page).to_have_url(f"{live_server.url}{reverse('my-tests')}#main")

    tab_to(page, "input[name=code]")
    page.keyboard.type(session.access_code)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{reverse('attempt', args=[attempt.pk])}")

    positions = list(attempt.items.order_by("position").values_list("position", flat=True))
    for position in positions:
        # One Tab stop per question's options; Space picks the focused option and the
        # arrow keys move between options until the right one ("Phương án A") is picked.
        tab_to(page, f"#q{position} input[type=radio]")
        page.keyboard.press("Space")
        for _ in range(6):
            checked = page.locator(f"#q{position} label.opt:has(input:checked)")
            if "Phương án A" in checked.inner_text():
                break
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"#q{position} label.opt:has(input:checked)")).to_contain_text(
            "Phương án A"
        )
    expect(page.locator("#sync")).to_have_class("ok")

    tab_to(page, "#submit-open")
    page.keyboard.press("Enter")
    expect(page.locator("#summary")).to_be_visible()
    assert focused(page, "#summary h2")
    page.keyboard.press("Tab")
    assert focused(page, "#finish button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{reverse('attempt-review', args=[attempt.pk])}")
    expect(page.locator(".result")).to_contain_text(f"{len(positions)}/{len(positions)}")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert Result.objects.get(person=world.leader_person, content=1).outcome == "passed"


def test_the_exam_pages_text_size_is_kept_across_a_reload(
    page: Page, live_server: LiveServer
) -> None:
    world = World()
    session = make_exam(world)
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    page.goto(f"{live_server.url}{reverse('login')}?next={reverse('my-tests')}")
    sign_in_with_keys(page, world.leader.username)
    tab_to(page, "input[name=code]")
    page.keyboard.type(session.access_code)
    page.keyboard.press("Enter")
    exam_url = f"{live_server.url}{reverse('attempt', args=[attempt.pk])}"
    expect(page).to_have_url(exam_url)
    question = page.locator("#q1 .q-text")
    normal = float(question.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))

    larger = page.locator("button[aria-label='Chữ lớn hơn']")
    expect(larger).to_have_text("A+")
    tab_to(page, "button[aria-label='Chữ lớn hơn']")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    enlarged = float(question.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert enlarged == pytest.approx(normal * 1.3)

    page.reload()
    expect(page.locator("html")).to_have_class("text-130")
    assert float(
        question.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    ) == pytest.approx(enlarged)

    # "A" brings the normal size back, and that too is kept.
    tab_to(page, "button[aria-label='Cỡ chữ bình thường']")
    page.keyboard.press("Space")
    page.reload()
    expect(page.locator("html")).not_to_have_class("text-130")
    assert float(
        question.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    ) == pytest.approx(normal)


def test_a_leader_takes_the_e_office_test_with_the_keyboard_alone(
    page: Page, live_server: LiveServer
) -> None:
    world = World()
    servants = make_servants(world)
    task = make_task(world)
    pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
    token = certificate_issue(actor=None, person=world.leader_person)
    token_set_pin(actor=world.leader, token=token, new_pin=PIN)
    page.goto(f"{live_server.url}{reverse('login')}?next={reverse('eoffice-my')}")
    sign_in_with_keys(page, world.leader.username)
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-my')}#main")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    inbox = f"{live_server.url}{reverse('eoffice-inbox', args=[task.pk])}"
    expect(page).to_have_url(inbox)

    incoming = list(task.documents.filter(kind=Kind.INCOMING).select_related("scenario"))
    for document in incoming:
        link = reverse("eoffice-document", args=[task.pk, document.position])
        tab_to(page, f"main a[href='{link}']")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_contain_text(document.scenario.number)
        # The main handler: arrow keys on the closed list until the right person shows.
        main = servants[document.scenario.main_handler]
        tab_to(page, "select[name=main_handler]")
        for _ in range(len(servants) + 1):
            if page.locator("select[name=main_handler]").input_value() == str(main.pk):
                break
            page.keyboard.press("ArrowDown")
        expect(page.locator("select[name=main_handler]")).to_have_value(str(main.pk))
        for position in document.scenario.coordinators[:1]:
            tab_to(page, f"input[name=coordinators][value='{servants[position].pk}']")
            page.keyboard.press("Space")
        tab_to(page, "textarea[name=instruction]")
        page.keyboard.type(INSTRUCTION)
        assert document.latest_deadline is not None
        tab_to(page, "input[name=deadline]")
        type_date(page, document.latest_deadline)
        page.keyboard.press("Enter")  # Enter in a field sends its form
        expect(page.locator("body")).to_contain_text("Đã chuyển xử lý văn bản.")
        tab_to(page, f".exam-bar a[href='{reverse('eoffice-inbox', args=[task.pk])}']")
        page.keyboard.press("Enter")
        expect(page).to_have_url(inbox)

    draft = task.documents.get(kind=Kind.OUTGOING)
    tab_to(page, f"main a[href='{reverse('eoffice-document', args=[task.pk, draft.position])}']")
    page.keyboard.press("Enter")
    tab_to(page, "input[name=pin]")
    page.keyboard.type(PIN)
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Đã ký số dự thảo")

    tab_to(page, ".exam-bar a.finish")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Bạn đã xử lý xong tất cả văn bản.")
    tab_to(page, "#finish-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-result', args=[task.pk])}")
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    assert task.passed_count == len(incoming) + 1

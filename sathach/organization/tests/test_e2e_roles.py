"""Each role signs in through a real browser and sees its own home page and menu.

Texts are translated and may change, so the checks use structure: links by href, home
sections by their data-role, and the user's own data.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, Response, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from sathach.conftest import DESKTOP, artifacts_dir
from sathach.organization.testing import PASSWORD, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)


@pytest.fixture
def world() -> World:
    return World()


def menu(*names: str) -> list[str]:
    return [reverse(name) for name in names]


ADMIN_MENU = menu(
    "home",
    "campaign-list",
    "report-list",
    "dashboard-list",
    "question-list",
    "pki-overview",
    "document-seal",
    "signature-verify",
    "unit-list",
    "person-list",
    "account-list",
    "account-lockouts",
    "audit-list",
)
READER_MENU = menu(
    "home",
    "campaign-list",
    "report-list",
    "dashboard-list",
    "signature-verify",
    "unit-list",
    "person-list",
)

# role -> (the menu's hrefs in order, the home sections, communes counted on the home page)
ROLES: dict[str, tuple[list[str], list[str], str | None]] = {
    "province_admin": (ADMIN_MENU, ["campaigns", "sign-ins", "organization"], "3"),
    "district_admin": (ADMIN_MENU, ["campaigns", "sign-ins", "organization"], "2"),
    "council": (READER_MENU, ["council"], None),
    "commune_officer": (
        menu(
            "home",
            "campaign-list",
            "report-list",
            "dashboard-list",
            "document-seal",
            "signature-verify",
            "unit-list",
            "person-list",
        ),
        ["commune", "organization"],
        "1",
    ),
    "proctor": (
        menu(
            "home",
            "campaign-list",
            "dashboard-list",
            "signature-verify",
            "unit-list",
            "person-list",
        ),
        ["proctor"],
        None,
    ),
    "examinee": (
        menu("home", "my-tests", "eoffice-my", "my-signature", "my-appeals", "signature-verify"),
        ["examinee"],
        None,
    ),
}


def sign_in(page: Page, live_server: LiveServer, username: str, password: str) -> Response:
    """Fill in the sign-in form and return the response to its POST."""
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    with page.expect_response(posted_to(reverse("login"))) as response:
        page.click('main form button[type="submit"]')
    return response.value


def sign_in_home(page: Page, live_server: LiveServer, username: str) -> None:
    """Sign in with the personas' password and wait until the home page has loaded."""
    sign_in(page, live_server, username, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")
    page.wait_for_load_state()


def posted_to(path: str) -> Callable[[Response], bool]:
    return lambda response: response.request.method == "POST" and response.url.endswith(path)


def attribute_values(page: Page, selector: str, attribute: str) -> list[str]:
    return page.locator(selector).evaluate_all(
        f"elements => elements.map(e => e.getAttribute('{attribute}'))"
    )


@pytest.mark.parametrize("role", ROLES)
def test_it_signs_each_role_in_to_its_own_home_and_menu(
    page: Page, live_server: LiveServer, world: World, role: str
) -> None:
    user = world.personas()[role]
    hrefs, sections, communes = ROLES[role]
    sign_in_home(page, live_server, user.username)

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".who > span")).to_have_text(str(user))
    expect(page.locator("h1")).to_contain_text(str(user))
    assert attribute_values(page, "#nav a", "href") == hrefs
    expect(page.locator(f'#nav a[href="{reverse("home")}"]')).to_have_attribute(
        "aria-current", "page"
    )
    assert attribute_values(page, "main [data-role]", "data-role") == sections
    # On a desktop the menu shows itself; the button is for phones.
    expect(page.locator("#nav")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()
    if communes is not None:
        # The first figure is the number of communes in the role's own units.
        expect(page.locator('[data-role="organization"] dd').first).to_have_text(communes)
    if role == "examinee":
        expect(page.locator('[data-role="examinee"]')).to_contain_text(
            world.leader_person.full_name
        )


def test_a_one_time_password_must_be_replaced_before_reaching_home(
    page: Page, live_server: LiveServer, world: World
) -> None:
    leader = world.leader
    leader.must_change_password = True
    leader.save()
    password_page = f"{live_server.url}{reverse('password_change')}"

    sign_in(page, live_server, leader.username, PASSWORD)
    expect(page).to_have_url(password_page)
    expect(page.locator("main .warning")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('home')}")
    expect(page).to_have_url(password_page)

    new_password = "Dai-An-1-Ngan-2020"
    page.fill('input[name="old_password"]', PASSWORD)
    page.fill('input[name="new_password1"]', new_password)
    page.fill('input[name="new_password2"]', new_password)
    page.click('main form button[type="submit"]')

    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")
    expect(page.locator('[data-role="examinee"]')).to_be_visible()
    expect(page.locator(".messages li")).to_have_count(1)
    leader.refresh_from_db()
    assert not leader.must_change_password
    assert leader.check_password(new_password)


def test_it_locks_sign_in_after_five_wrong_passwords_even_for_the_right_one(
    page: Page, live_server: LiveServer, world: World
) -> None:
    statuses = [
        sign_in(page, live_server, "noivu.admin", "wrong-password").status for _ in range(5)
    ]
    # django-axes answers the fifth failure itself with the lockout page.
    assert statuses == [200, 200, 200, 200, 429]

    response = sign_in(page, live_server, "noivu.admin", PASSWORD)
    assert response.status == 429
    expect(page.locator('input[name="password"]')).to_have_count(0)
    expect(page.locator(f'main a[href="{reverse("login")}"]')).to_be_visible()
    # Our template, not django-axes' plain-text default, in the visitor's language.
    with translation.override("vi"):
        expect(page.locator("main h1")).to_have_text(gettext("Sign-in is locked for a while"))
    page.goto(f"{live_server.url}{reverse('home')}")
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next="))


def test_on_a_phone_the_menu_button_opens_the_navigation(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    sign_in_home(page, live_server, world.district_admin.username)
    nav = page.locator("#nav")
    toggle = page.locator(".menu-toggle")
    expect(nav).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # Nothing may push the page sideways on a 390-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir() / "phone-district_admin-menu.png"), full_page=True)

    nav.locator(f'a[href="{reverse("unit-list")}"]').click()
    expect(page).to_have_url(f"{live_server.url}{reverse('unit-list')}")
    expect(nav).to_be_hidden()


def test_it_takes_a_screenshot_of_each_roles_home_for_people_to_look_at(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    for role, user in world.personas().items():
        context = browser.new_context(
            viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        page = context.new_page()
        sign_in_home(page, live_server, user.username)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            path = artifacts_dir() / f"home-{role}-{size}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.read_bytes().startswith(b"\x89PNG")
        context.close()

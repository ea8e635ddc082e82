"""A leader takes the IT-skills test in the browser through a network drop and a reload,
and every answer is graded: on Django's test server and, on PostgreSQL, on gunicorn as
deployed (the autosave answered on its event loop and batched, sathach.asgi)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sathach.campaigns.models import Result
from sathach.conftest import artifacts_dir
from sathach.exams.bench.exam_day import Server, production_server
from sathach.exams.models import Attempt, ExamSession
from sathach.exams.services.sessions import session_open
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import PASSWORD, World
from sathach.organization.tests.test_e2e_roles import sign_in_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEPLOYED_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture(params=["django", "gunicorn"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Django's live server, then gunicorn with the deployment's settings on the test
    database (PostgreSQL only: gunicorn's processes cannot see an in-memory database)."""
    if request.param == "django":
        yield request.getfixturevalue("live_server")
        return
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn's processes need a server database")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db["PASSWORD"]:
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    with production_server(url, tmp_path) as gunicorn:
        yield gunicorn


def choose_right_answer(page: Page, position: int) -> None:
    # Every factory question's right answer is "Phương án A".
    page.locator(f"#q{position} label.opt", has_text="Phương án A").click()


def test_no_answer_is_lost_to_a_network_drop_and_a_reload(page: Page, server: Any) -> None:
    world = World()
    session = make_exam(world)
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    if isinstance(server, Server):
        # gunicorn has the deployment's hashers, not the tests' fast one.
        with override_settings(PASSWORD_HASHERS=DEPLOYED_HASHERS):
            world.leader.set_password(PASSWORD)
            world.leader.save()

    sign_in_home(page, server, world.leader.username)
    page.goto(f"{server.url}{reverse('my-tests')}")
    page.fill("input[name=code]", session.access_code)
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{server.url}{reverse('attempt', args=[attempt.pk])}")
    expect(page.locator("#clock")).to_have_text(re.compile(r"^4[45]:\d\d$"))

    for position in (1, 2, 3):
        choose_right_answer(page, position)
    expect(page.locator("#sync")).to_have_class("ok")
    expect(page.locator("#nav3")).to_have_class("answered")

    # The connection drops: answers go on being kept in the browser.
    page.context.set_offline(True)
    for position in (4, 5, 6, 7):
        choose_right_answer(page, position)
    expect(page.locator("#sync")).to_have_class("offline")
    expect(page.locator("#nav7")).to_have_class("answered pending")
    page.screenshot(path=str(artifacts_dir() / "exam-offline.png"), full_page=False)

    # The page is reloaded while saves still fail: what was not acknowledged comes back.
    page.route("**/luu/", lambda route: route.abort())
    page.context.set_offline(False)
    page.reload()
    expect(page.locator("#q7 input[type=radio]:checked")).to_have_count(1)
    expect(page.locator("#nav7")).to_have_class("answered pending")
    assert attempt.items.get(position=7).response is None

    # The connection comes back: the pending answers reach the server.
    page.unroute("**/luu/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#sync")).to_have_class("ok", timeout=10000)

    page.click("#submit-open")
    expect(page.locator("#summary-unanswered")).to_contain_text("8, 9, 10, 11, 12")
    page.click("text=Nộp bài ngay")
    expect(page).to_have_url(f"{server.url}{reverse('attempt-review', args=[attempt.pk])}")
    expect(page.locator(".result")).to_contain_text("7/12")
    page.screenshot(path=str(artifacts_dir() / "exam-result.png"), full_page=False)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert [item.fraction for item in attempt.items.order_by("position")][:7] == [1] * 7
    assert Result.objects.get(person=world.leader_person, content=1).outcome == "passed"


def test_the_waiting_room_shows_the_code_box_when_the_proctor_opens(
    page: Page, live_server: Any
) -> None:
    world = World()
    session = make_exam(world, session_status=ExamSession.Status.SCHEDULED)
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    sign_in_home(page, live_server, world.leader.username)
    page.clock.install()
    page.goto(f"{live_server.url}{reverse('my-tests')}")
    # The code box waits already: the examinee types the code as soon as it is read out.
    expect(page.locator("#my-tests")).to_contain_text("Đang chờ giám thị mở ca thi")
    expect(page.locator("#my-tests input[name=code]")).to_be_visible()

    session_open(actor=world.district_admin, session=session)
    page.clock.run_for("01:01")  # the list's next refresh, 60 s after the page opened
    expect(page.locator("#my-tests")).not_to_contain_text("Đang chờ giám thị mở ca thi")
    expect(page.locator("#my-tests input[name=code]")).to_be_visible()
    # The list alone was swapped in: one header, one heading, no page inside the page.
    expect(page.locator("header")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)

    page.fill("input[name=code]", session.access_code)
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{live_server.url}{reverse('attempt', args=[attempt.pk])}")


def test_a_proctor_unlocks_an_examinee_who_typed_five_wrong_codes(
    page: Page, browser: Browser, live_server: Any
) -> None:
    world = World()
    session = make_exam(world)
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    sign_in_home(page, live_server, world.leader.username)
    page.goto(f"{live_server.url}{reverse('my-tests')}")
    for _try in range(5):
        page.fill("input[name=code]", "SAI123")
        page.click("text=Bắt đầu làm bài")
        expect(page.locator(".messages")).to_contain_text("Mã vào thi không đúng")
    page.fill("input[name=code]", session.access_code)
    page.click("text=Bắt đầu làm bài")
    expect(page.locator(".messages")).to_contain_text("Nhập sai mã quá nhiều lần")

    proctor = browser.new_context().new_page()
    sign_in_home(proctor, live_server, world.proctor.username)
    proctor.goto(f"{live_server.url}{reverse('session-console', args=[session.pk])}")
    row = proctor.locator("tr", has_text=world.leader_person.full_name)
    expect(row).to_contain_text("Nhập sai mã vào thi: bị khóa đến")
    row.locator("summary", has_text="Mở khóa nhập mã").click()
    row.locator("input[name=reason]").fill("Thí sinh gõ nhầm bàn phím")
    row.locator("button", has_text="Mở khóa").click()
    expect(proctor.locator(".messages")).to_contain_text("có thể nhập lại mã vào thi")
    expect(proctor.locator("#console")).not_to_contain_text("bị khóa đến")
    expect(proctor.locator("body")).to_contain_text("Thí sinh gõ nhầm bàn phím")  # incident
    proctor.context.close()

    page.fill("input[name=code]", session.access_code)
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{live_server.url}{reverse('attempt', args=[attempt.pk])}")

"""The district prepares a test day from the session's page in a real browser (issue 19,
point 5): it moves the session to another room, the leader is told, and it prints the cards
with one-time passwords; the page reads well on a phone too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sathach.conftest import artifacts_dir
from sathach.exams.models import ExamSession
from sathach.exams.tests.factories import make_exam
from sathach.exams.tests.test_cards import pdf_text
from sathach.notices.models import Message
from sathach.organization.models import Position
from sathach.organization.testing import World, make_person
from sathach.organization.tests.test_e2e_roles import sign_in_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_district_moves_the_room_and_prints_the_cards_with_passwords(
    page: Page, live_server: Any
) -> None:
    world = World()
    session = make_exam(world, session_status=ExamSession.Status.SCHEDULED)
    world.leader_person.email = "ngan.tt@daian1.example"
    world.leader_person.phone = "0912345678"
    world.leader_person.save()
    newcomer = make_person("Trần Thị Ánh", world.dai_an_1, Position.VICE_CHAIRMAN, gender="nu")
    session.examinees.add(newcomer)
    sign_in_home(page, live_server, world.district_admin.username)
    page.goto(f"{live_server.url}{reverse('session-console', args=[session.pk])}")
    page.get_by_role("link", name="Toàn bộ giấy tờ và thông báo của ca thi").click()
    expect(page.locator("h1")).to_contain_text("Giấy tờ và thông báo")

    page.get_by_text("Đổi giờ hoặc phòng thi").click()
    page.get_by_label("Phòng").fill("Hội trường UBND huyện")
    page.get_by_role("button", name="Lưu và báo cho lãnh đạo").click()
    expect(page.locator("main")).to_contain_text("Đã lưu giờ và địa điểm của ca thi")
    expect(page.locator("#time-and-place")).to_contain_text("Hội trường UBND huyện")
    notices = page.locator("#notices")
    expect(notices).to_contain_text("ngan.tt@daian1.example")
    expect(notices).to_contain_text("Đổi ca, giờ hoặc phòng thi")
    assert Message.objects.filter(session=session, kind="session_moved").count() == 2

    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_download() as download:
        page.get_by_role("button", name="In thẻ kèm mật khẩu dùng một lần").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    newcomer.refresh_from_db()
    assert newcomer.user is not None
    assert newcomer.user.username in text
    assert "Hội trường UBND huyện" in text
    page.screenshot(path=str(artifacts_dir() / "session-papers.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(artifacts_dir() / "session-papers-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for english in ("session", "Notices", "Papers", "None"):
        expect(page.locator("main")).not_to_contain_text(english)

"""A leader does a practical task in the browser: downloads the file to work on, sends it
back through a dropped connection, sees the server acknowledge it, submits, and reads the
grading criterion by criterion; the typing box refuses pasting (issue 18, point 5)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sathach.conftest import artifacts_dir
from sathach.exams.models import Attempt, AttemptItem
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home
from sathach.practical.models import Upload
from sathach.practical.tests.helpers import practical_exam

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOCUMENT_TASK = {
    "criteria": [
        {"key": "paper", "weight": "1"},
        {"key": "margins", "weight": "2"},
        {"key": "font", "weight": "1"},
        {"key": "contains_text", "weight": "1", "params": {"phrases": ["Kính gửi"]}},
    ],
    "starter": {"text": "Kính gửi: Ủy ban nhân dân các xã\nNội dung công văn."},
    "starter_required": True,
}


def begin(page: Page, server: Any, world: World, kind: str, data: dict[str, Any]) -> Attempt:
    session = practical_exam(world, kind=kind, data=data)
    attempt = Attempt.objects.get(session=session, person=world.leader_person)
    sign_in_home(page, server, world.leader.username)
    page.goto(f"{server.url}{reverse('my-tests')}")
    page.fill("input[name=code]", session.access_code)
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{server.url}{reverse('attempt', args=[attempt.pk])}")
    return attempt


def test_a_leader_downloads_works_sends_through_a_drop_and_reads_the_grading(
    page: Page, browser: Browser, live_server: Any, tmp_path: Path
) -> None:
    world = World()
    attempt = begin(page, live_server, world, "document", DOCUMENT_TASK)
    slot = AttemptItem.objects.get(attempt=attempt, version__type="document")
    task = page.locator(f"#q{slot.position}")
    task.scroll_into_view_if_needed()

    with page.expect_download() as downloaded:
        task.get_by_text("Tải tệp bài làm").click()
    worked = tmp_path / "cong-van.docx"
    downloaded.value.save_as(worked)
    with zipfile.ZipFile(worked) as package:
        assert "Kính gửi" in package.read("word/document.xml").decode()

    # The connection drops as the file is sent: the page says it has not arrived.
    page.context.set_offline(True)
    task.locator("input[type=file]").set_input_files(str(worked))
    task.get_by_role("button", name="Gửi tệp").click()
    expect(task.locator("[data-status]")).to_contain_text("CHƯA đến máy chủ")
    assert not Upload.objects.exists()
    page.screenshot(path=str(artifacts_dir() / "practical-not-arrived.png"))

    # It comes back: the page sends it again by itself, and the server says it has it.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(task.locator("[data-status]")).to_contain_text(
        "Máy chủ đã nhận tệp cong-van.docx", timeout=15000
    )
    expect(page.locator(f"#nav{slot.position}")).to_have_class("answered")
    upload = Upload.objects.get(item=slot)
    assert upload.origin == Upload.Origin.OWN

    # After a reload the slot still shows the file the server holds.
    page.reload()
    expect(page.locator(f"#q{slot.position} [data-status]")).to_contain_text(
        "Máy chủ đã nhận tệp cong-van.docx"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(f"#q{slot.position}").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir() / "practical-phone.png"))

    page.click("#submit-open")
    page.click("text=Nộp bài ngay")
    expect(page).to_have_url(f"{live_server.url}{reverse('attempt-review', args=[attempt.pk])}")
    criteria = page.locator("table.criteria")
    expect(criteria).to_contain_text("Lề")
    expect(criteria).to_contain_text("mm")
    expect(criteria).to_contain_text("Times New Roman")
    page.screenshot(path=str(artifacts_dir() / "practical-review.png"), full_page=True)

    # The proctor looks at the file as pictures of its pages and changes one criterion.
    proctor = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in_home(proctor, live_server, world.proctor.username)
    proctor.goto(f"{live_server.url}{reverse('session-console', args=[attempt.session_id])}")
    proctor.get_by_role("link", name="Bài thực hành: tệp và chấm điểm").first.click()
    expect(proctor.locator("main")).to_contain_text("cong-van.docx")
    expect(proctor.locator("main")).to_contain_text("làm từ tệp tải về của chính bài thi này")
    proctor.get_by_role("link", name="Xem các trang").first.click()
    picture = proctor.locator("figure.page-image img").first
    expect(picture).to_be_visible()
    assert proctor.evaluate("(img) => img.naturalWidth", picture.element_handle()) > 100
    proctor.go_back()
    proctor.get_by_text("Sửa điểm một tiêu chí").click()
    proctor.get_by_label("Tiêu chí").select_option("font")
    proctor.get_by_label("Điểm").fill("1")
    proctor.get_by_label("Lý do").fill(
        "Máy thi không có phông Times New Roman, đã dùng phông tương đương"
    )
    proctor.get_by_role("button", name="Sửa điểm").click()
    expect(proctor.locator(".messages")).to_contain_text("Đã sửa điểm tiêu chí")
    proctor.screenshot(path=str(artifacts_dir() / "practical-proctor.png"), full_page=True)
    page.reload()
    expect(page.locator("table.criteria")).to_contain_text("Máy thi không có phông Times New Roman")


def test_the_typing_box_refuses_pasting_and_saves_what_is_typed(
    page: Page, live_server: Any
) -> None:
    world = World()
    passage = "Ủy ban nhân dân xã thông báo lịch tiêm chủng."
    data = {
        "criteria": [{"key": "accuracy", "weight": "2"}, {"key": "no_paste", "weight": "1"}],
        "starter": {"passage": passage},
    }
    attempt = begin(page, live_server, world, "typing", data)
    slot = AttemptItem.objects.get(attempt=attempt, version__type="typing")
    box = page.locator(f"#q{slot.position} textarea")
    box.click()
    page.evaluate(
        """(selector) => {
        const area = document.querySelector(selector);
        const data = new DataTransfer();
        data.setData('text/plain', 'dán vào');
        area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""",
        f"#q{slot.position} textarea",
    )
    expect(page.locator(f"#q{slot.position} [data-status]")).to_contain_text("Không được dán")
    expect(box).to_have_value("")
    box.press_sequentially(passage, delay=5)
    expect(page.locator(f"#nav{slot.position}")).to_have_class("answered", timeout=10000)
    slot.refresh_from_db()
    assert slot.response is not None
    assert slot.response["text"] == passage
    assert slot.response["pastes"] == 1
    assert slot.response["ms"] > 0

"""The e-office test without traps, in the browser (issue 17, point 2): "Nộp bài" sits at the
far end of the bar and asks on a page that lists what is not done; a wrong PIN says how many
tries are left and a lock until when, with the date; on a phone the document comes before
the PIN form, and a browser without a PDF viewer gets the pages as pictures."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from sathach.conftest import artifacts_dir
from sathach.eoffice.models import Kind, Task
from sathach.eoffice.tests.factories import PIN, make_servants, make_task
from sathach.organization.models import Person
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home
from sathach.signatures.services import certificate_issue, pki_init, token_set_pin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
INSTRUCTION = "Giao đồng chí chủ trì tham mưu, phối hợp các bộ phận, báo cáo đúng hạn."
LOCKED = r"bị khóa đến \d\d:\d\d ngày \d\d/\d\d/\d{4}"


def started_task(page: Page, live_server: LiveServer) -> tuple[dict[str, Person], Task]:
    world = World()
    servants = make_servants(world)
    task = make_task(world)
    pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
    token = certificate_issue(actor=None, person=world.leader_person)
    token_set_pin(actor=world.leader, token=token, new_pin=PIN)
    sign_in_home(page, live_server, world.leader.username)
    page.goto(f"{live_server.url}{reverse('eoffice-my')}")
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-inbox', args=[task.pk])}")
    return servants, task


def test_submit_lists_what_is_not_done_and_a_wrong_pin_says_what_is_left(
    page: Page, live_server: LiveServer
) -> None:
    servants, task = started_task(page, live_server)

    # "Nộp bài" is at the far end of the bar, away from the inbox link.
    inbox = page.locator(".exam-bar a:has-text('Hộp văn bản')").bounding_box()
    finish = page.locator(".exam-bar a:has-text('Nộp bài')").bounding_box()
    assert inbox is not None and finish is not None
    assert finish["x"] - (inbox["x"] + inbox["width"]) > 400

    first = task.documents.filter(kind=Kind.INCOMING).select_related("scenario").first()
    assert first is not None and first.latest_deadline is not None
    page.goto(f"{live_server.url}{reverse('eoffice-document', args=[task.pk, first.position])}")
    page.select_option("select[name=main_handler]", str(servants[first.scenario.main_handler].pk))
    page.fill("textarea[name=instruction]", INSTRUCTION)
    page.fill("input[name=deadline]", first.latest_deadline.isoformat())
    page.click("form button:has-text('Chuyển xử lý')")
    expect(page.locator("body")).to_contain_text("Đã chuyển xử lý văn bản.")

    # Asking lists each document not forwarded and the draft not signed, and submits nothing.
    page.click(".exam-bar a:has-text('Nộp bài')")
    listed = page.locator(".unfinished")
    expect(listed).to_contain_text("Còn 4 văn bản chưa xử lý xong")
    expect(listed.locator("li:has-text('chưa chuyển xử lý')")).to_have_count(3)
    expect(listed.locator("li:has-text('chưa ký số')")).to_have_count(1)
    expect(listed).not_to_contain_text(first.scenario.number)
    page.screenshot(path=str(artifacts_dir() / "eoffice-submit-confirmation.png"), full_page=True)
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS

    # The draft not signed: its link leads to it; a wrong PIN says how many tries are left.
    listed.locator("li:has-text('chưa ký số') a").click()
    page.fill("input[name=pin]", "000001")
    page.click("form button:has-text('Ký số')")
    expect(page.locator(".messages")).to_contain_text(
        "Mã PIN không đúng. Còn 4 lần thử, sau đó chức năng ký số bị khóa 15 phút."
    )
    for _try in range(4):
        page.fill("input[name=pin]", "000001")
        page.click("form button:has-text('Ký số')")
    message = page.locator(".messages")
    expect(message).to_contain_text("đây là lần thử cuối cùng")
    expect(message).to_have_text(re.compile(LOCKED))
    expect(message).to_contain_text("báo giám thị")

    page.click(".exam-bar a:has-text('Nộp bài')")
    page.click("#finish-form button:has-text('Nộp bài ngay')")
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-result', args=[task.pk])}")


def test_on_a_phone_the_document_comes_before_the_pin_form_as_pictures(
    page: Page, live_server: LiveServer
) -> None:
    # A phone's browser has no PDF viewer.
    page.context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'pdfViewerEnabled', {get: () => false});"
    )
    _servants, task = started_task(page, live_server)
    draft = task.documents.get(kind=Kind.OUTGOING)
    url = f"{live_server.url}{reverse('eoffice-document', args=[task.pk, draft.position])}"

    page.set_viewport_size(PHONE)
    page.goto(url)
    pictures = page.locator(".page-images img")
    expect(pictures.first).to_be_visible()
    expect(page.locator("#no-pdf-viewer")).to_be_visible()
    assert page.locator("iframe").count() == 0
    page.wait_for_function(
        "() => [...document.querySelectorAll('.page-images img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    viewer = page.locator(".document-viewer").bounding_box()
    pin = page.locator("input[name=pin]").bounding_box()
    assert viewer is not None and pin is not None
    assert viewer["y"] + viewer["height"] <= pin["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir() / "eoffice-phone-document.png"), full_page=True)

    # On a wide screen the document stands to the right of the forms.
    page.set_viewport_size(ViewportSize(width=1366, height=768))
    viewer = page.locator(".document-viewer").bounding_box()
    pin = page.locator("input[name=pin]").bounding_box()
    assert viewer is not None and pin is not None
    assert viewer["x"] > pin["x"] + pin["width"]


def test_view_as_images_shows_the_pages_in_a_browser_with_a_pdf_viewer(
    page: Page, live_server: LiveServer
) -> None:
    _servants, task = started_task(page, live_server)
    document = task.documents.filter(kind=Kind.INCOMING).first()
    assert document is not None
    page.goto(f"{live_server.url}{reverse('eoffice-document', args=[task.pk, document.position])}")
    if page.evaluate("navigator.pdfViewerEnabled") is False:
        pytest.skip("this chromium shows no PDF")  # the phone test covers the fallback
    expect(page.locator("iframe.document-frame")).to_be_visible()
    page.click("text=Xem dạng ảnh")
    expect(page.locator(".page-images img").first).to_be_visible()
    assert page.locator("iframe").count() == 0

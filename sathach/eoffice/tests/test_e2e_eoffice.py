"""A leader takes the e-office test in the browser: forwards every incoming document, signs
the outgoing draft with the PIN, submits, and reads the graded result with its reasons."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sathach.campaigns.models import Result
from sathach.conftest import artifacts_dir
from sathach.eoffice.models import Kind, Task, TaskDocument
from sathach.eoffice.tests.factories import PIN, make_servants, make_task
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home
from sathach.signatures.services import certificate_issue, pki_init, token_set_pin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTRUCTION = "Giao đồng chí chủ trì tham mưu, phối hợp các bộ phận, báo cáo đúng hạn."


def test_a_leader_forwards_signs_submits_and_reads_the_reasons(
    page: Page, live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    world = World()
    servants = make_servants(world)
    task = make_task(world)
    pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
    token = certificate_issue(actor=None, person=world.leader_person)
    token_set_pin(actor=world.leader, token=token, new_pin=PIN)
    shots = artifacts_dir()

    sign_in_home(page, live_server, world.leader.username)
    page.goto(f"{live_server.url}{reverse('eoffice-my')}")
    page.click("text=Bắt đầu làm bài")
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-inbox', args=[task.pk])}")
    expect(page.locator("nav.filters")).to_contain_text("Chưa xử lý (5)")
    page.screenshot(path=str(shots / "eoffice-inbox.png"), full_page=True)

    incoming = list(task.documents.filter(kind=Kind.INCOMING).select_related("scenario"))
    for index, document in enumerate(incoming):
        page.goto(f"{live_server.url}{reverse('eoffice-inbox', args=[task.pk])}")
        page.click(f"a[href='{reverse('eoffice-document', args=[task.pk, document.position])}']")
        expect(page.locator("h1")).to_contain_text(document.scenario.number)
        main = servants[document.scenario.main_handler]
        page.select_option("select[name=main_handler]", str(main.pk))
        for position in document.scenario.coordinators[:1]:
            page.check(f"input[name=coordinators][value='{servants[position].pk}']")
        # The last one is forwarded with a bare "chuyển": the result must say why it fails.
        page.fill("textarea[name=instruction]", "chuyển" if index == 3 else INSTRUCTION)
        assert document.latest_deadline is not None
        page.fill("input[name=deadline]", document.latest_deadline.isoformat())
        page.click("form button:has-text('Chuyển xử lý')")
        expect(page.locator("body")).to_contain_text("Đã chuyển xử lý văn bản.")

    page.goto(f"{live_server.url}{reverse('eoffice-inbox', args=[task.pk])}")
    expect(page.locator("nav.filters")).to_contain_text("Đã xử lý (4)")
    page.click("text=Dự thảo văn bản đi cần ký")
    page.fill("input[name=pin]", PIN)
    page.click("form button:has-text('Ký số')")
    expect(page.locator("body")).to_contain_text("Đã ký số dự thảo")

    # "Nộp bài" asks on a page of its own: nothing is left undone here.
    page.click(".exam-bar a:has-text('Nộp bài')")
    expect(page.locator("main")).to_contain_text("Bạn đã xử lý xong tất cả văn bản.")
    page.click("#finish-form button:has-text('Nộp bài ngay')")
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-result', args=[task.pk])}")
    result = page.locator("main, body").first
    expect(result).to_contain_text("Không đạt")
    expect(result).to_contain_text("4/5")
    expect(page.locator("ol.review li.wrong")).to_have_count(1)
    expect(page.locator("ol.review li.wrong")).to_contain_text("quá sơ sài")
    expect(page.locator("ol.review li.right")).to_have_count(4)
    page.screenshot(path=str(shots / "eoffice-result.png"), full_page=True)
    # A copy in the run's own temporary folder too, next to the other test outputs.
    page.screenshot(path=str(tmp_path_factory.mktemp("eoffice") / "eoffice-result.png"))

    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    assert task.passed_count == 4
    assert task.passed is False
    outgoing = task.documents.get(kind=Kind.OUTGOING)
    assert outgoing.passed is True
    assert Result.objects.get(person=world.leader_person, content=2).outcome == "failed"


def test_nothing_typed_is_lost_when_the_network_drops_mid_task(
    page: Page, live_server: LiveServer
) -> None:
    """The leader forwards a document offline, then again while the server cannot be
    reached and reloads the page; both actions are kept in the browser, resent, and graded."""
    world = World()
    servants = make_servants(world)
    task = make_task(world)
    sign_in_home(page, live_server, world.leader.username)
    page.goto(f"{live_server.url}{reverse('eoffice-my')}")
    page.click("text=Bắt đầu làm bài")
    first, second = list(
        task.documents.filter(kind=Kind.INCOMING).select_related("scenario").order_by("position")
    )[:2]

    def forward(document: TaskDocument) -> None:
        page.goto(
            f"{live_server.url}{reverse('eoffice-document', args=[task.pk, document.position])}"
        )
        page.select_option(
            "select[name=main_handler]", str(servants[document.scenario.main_handler].pk)
        )
        page.fill("textarea[name=instruction]", INSTRUCTION)
        assert document.latest_deadline is not None
        page.fill("input[name=deadline]", document.latest_deadline.isoformat())

    # 1. The connection drops: the action waits in the browser, then goes when it is back.
    forward(first)
    page.context.set_offline(True)
    page.click("form button:has-text('Chuyển xử lý')")
    expect(page.locator("#queue-status")).to_contain_text("Mất kết nối")
    first.refresh_from_db()
    assert first.forwarded_at is None
    page.context.set_offline(False)  # the browser fires "online"; the queue sends
    expect(page.locator("body")).to_contain_text("Đã chuyển xử lý văn bản.", timeout=15000)
    first.refresh_from_db()
    assert first.main_handler_id == servants[first.scenario.main_handler].pk

    # 2. The server cannot be reached and the leader reloads: the form comes back as typed
    # and the action is sent once the server answers again.
    forward(second)
    page.route("**/hanh-dong/", lambda route: route.abort())
    page.click("form button:has-text('Chuyển xử lý')")
    expect(page.locator("#queue-status")).to_contain_text("Mất kết nối")
    page.reload()
    expect(page.locator("textarea[name=instruction]")).to_have_value(INSTRUCTION)
    expect(page.locator("#queue-status")).to_contain_text("Mất kết nối")
    second.refresh_from_db()
    assert second.forwarded_at is None
    page.unroute("**/hanh-dong/")
    expect(page.locator("body")).to_contain_text("Đã chuyển xử lý văn bản.", timeout=15000)

    page.click(".exam-bar a:has-text('Nộp bài')")
    expect(page.locator(".unfinished")).to_contain_text("Còn 3 văn bản chưa xử lý xong")
    page.click("#finish-form button:has-text('Nộp bài ngay')")
    expect(page).to_have_url(f"{live_server.url}{reverse('eoffice-result', args=[task.pk])}")
    task.refresh_from_db()
    graded = {d.position: d.reasons for d in task.documents.all()}
    assert graded[first.position] == [] and graded[second.position] == []
    assert Result.objects.filter(campaign=task.campaign, person=world.leader_person).exists()
    assert Task.objects.get(pk=task.pk).status == Task.Status.SUBMITTED

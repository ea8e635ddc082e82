"""The district writes a practical task in the browser: the kind, the statement, the raw
text to download and the criteria of Nghị định 30/2020 with their points (issue 18, point 1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sathach.conftest import artifacts_dir
from sathach.exams.models import QuestionVersion
from sathach.exams.tests.factories import make_bank
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_district_writes_a_document_task_in_the_browser(page: Page, live_server: Any) -> None:
    world = World()
    bank = make_bank(per_topic=1)
    sign_in_home(page, live_server, world.district_admin.username)
    page.goto(f"{live_server.url}{reverse('question-list')}?bank={bank.pk}")
    page.get_by_role("link", name="Thêm bài thực hành").click()
    page.get_by_role("link", name="Thực hành: văn bản").click()

    page.get_by_label("Mô đun").select_option("IU03")
    page.get_by_label("Chủ đề").fill("Soạn thảo văn bản hành chính")
    page.get_by_label("Đề bài").fill(
        "Trình bày công văn dưới đây theo thể thức Nghị định 30/2020/NĐ-CP."
    )
    page.locator("textarea[name=starter]").fill(
        "Kính gửi: Trưởng các ấp\nUBND xã đề nghị các ấp rà soát hộ nghèo năm 2026."
    )
    page.locator("input[name=c-margins-on]").check()
    page.locator("input[name=c-margins-weight]").fill("2")
    page.locator("input[name=c-font-on]").check()
    page.screenshot(path=str(artifacts_dir() / "practical-task-editor.png"), full_page=True)
    page.get_by_role("button", name="Lưu").click()

    version = QuestionVersion.objects.get(type="document")
    keys = [c["key"] for c in version.data["criteria"]]
    assert keys == ["margins", "font"] or sorted(keys) == ["font", "margins"]
    assert version.data["starter"]["text"].startswith("Kính gửi")
    page.goto(f"{live_server.url}{reverse('question-detail', args=[version.question_id])}")
    expect(page.locator("main")).to_contain_text("Lề trang")
    expect(page.locator("main")).to_contain_text("lề trái (mm)")
    expect(page.locator("main")).not_to_contain_text("margins")

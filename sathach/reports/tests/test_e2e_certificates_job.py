"""The Giấy khen job page in the browser (issue 17, point 6): open while the batch waits, it
says so; once the worker has signed, the page says it finished, by itself, lists the
certificates in ranking order, and stops asking the server."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sathach.core.models import Job
from sathach.organization.testing import World
from sathach.organization.tests.test_e2e_roles import sign_in_home
from sathach.reports.jobs import award_certificates_run
from sathach.reports.tests.certificates import PIN, awarded_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign(job_pk: int) -> None:
    """The worker's side of the batch (the worker itself wants the main thread)."""
    try:
        award_certificates_run.call(job_pk)
    finally:
        connection.close()


def test_the_job_page_says_it_finished_by_itself_and_stops_asking(
    page: Page, live_server: LiveServer, settings: object, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    # Queued, so that the page is seen before the batch runs.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]
    world = World()
    campaign, _token = awarded_campaign(world)
    # The page's timers run only when the test moves this clock: no waiting on live.js.
    page.clock.install()
    sign_in_home(page, live_server, world.district_admin.username)
    page.goto(f"{live_server.url}{reverse('report-certificates', args=[campaign.pk])}")
    page.fill("input[name=pin]", PIN)
    page.click("main form button[type=submit]")
    job = Job.objects.get(kind=Job.Kind.CERTIFICATES)
    expect(page).to_have_url(
        f"{live_server.url}{reverse('report-certificates-job', args=[campaign.pk, job.pk])}"
    )
    expect(page.locator("h2.job-state")).to_have_text("Đang chờ ký Giấy khen…")

    # In a thread of its own: the browser's driver holds this one's event loop, which the
    # signing library's own asyncio.run may not share.
    worker = threading.Thread(target=_sign, args=[job.pk])
    worker.start()
    worker.join()

    # live.js fetches the state again every two seconds: no reload here.
    page.clock.run_for(2_500)
    expect(page.locator("h2.job-state")).to_have_text("Đã xong: đã ký 2 Giấy khen.")
    expect(page.locator("main")).not_to_contain_text("Đang ký")
    expect(page.locator("ol.certificates li")).to_have_count(2)
    names = page.locator("ol.certificates li a").all_inner_texts()
    assert names == ["Thị trấn Cù Lao Dung", "Xã Đại Ân 1"], names
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.clock.run_for(10_000)  # five more ticks, had live.js not stopped
    assert fetched == [], fetched

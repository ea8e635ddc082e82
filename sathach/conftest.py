"""Fixtures for the browser tests (`@pytest.mark.e2e`): Debian's chromium through Playwright.

Playwright cannot download its own browsers here, so it drives the system chromium
(`scripts/system-packages.sh test` installs it; CHROMIUM points elsewhere).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

# Playwright's sync API keeps an asyncio loop running in the test thread, which makes
# Django refuse ORM calls there (SynchronousOnlyOperation) unless this is set.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = ViewportSize(width=1366, height=768)
_REPORT = pytest.StashKey[dict[str, pytest.TestReport]]()


def artifacts_dir() -> Path:
    """Where screenshots go, for people to look at after a run (ignored by git)."""
    path = Path(settings.VAR_DIR) / "test-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_configure(config: pytest.Config) -> None:
    # The real hasher spends about 0.2 s on each password and the personas have eight,
    # made again for every test class; the suite does not test the hasher's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded files (evidence, certificates) go to a folder of their own, not var/media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="sathach-test-media-")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The browser tests run last: Playwright's sync API leaves its event loop running in the
    # main thread for the rest of the session, and pyHanko (signing, validation) calls
    # asyncio.run(), which refuses to start inside a running loop.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep each phase's outcome on the item, so that `page` can tell a failed test at teardown.
    report = yield
    item.stash.setdefault(_REPORT, {})[report.when] = report
    return report


@pytest.fixture(autouse=True)
def _browser_test_settings(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("e2e") is None:
        return
    settings = request.getfixturevalue("settings")
    # The live server serves /static/ from the apps' folders and knows nothing of the
    # hashed names in collectstatic's manifest, which a `make run` leaves in var/static.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if shutil.which(executable) is None:
        reason = (
            f"chromium not found at {executable}: install Debian's chromium "
            "(scripts/system-packages.sh test) or set CHROMIUM"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test (no cookies carried over), desktop-sized and
    Vietnamese; a failed test leaves a screenshot in var/test-artifacts/. Every test fails
    when the browser reports a violation of the Content-Security-Policy (an inline script,
    handler or style that the policy blocked, so that part of the page silently did nothing)."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    reports = request.node.stash.get(_REPORT, {})
    if any(report.failed for report in reports.values()):
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(artifacts_dir() / f"failed-{name}.png"), full_page=True)
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))

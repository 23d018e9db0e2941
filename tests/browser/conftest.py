"""Browser tests: Playwright drives Debian's Chromium (never a downloaded build)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in
# the same test (fixtures, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    path = os.environ.get("KHLANG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "ไม่พบ Chromium (ติดตั้ง chromium ด้วย make test) / Chromium not found: "
            "install Debian's chromium (make test does this)"
        )
    return path


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="khlang-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_path(),
            args=CHROMIUM_ARGS,
            headless=True,
            locale="th-TH",
            viewport={"width": 1100, "height": 800},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    browser.clear_cookies()
    tab = browser.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    tab.close()


@pytest.fixture
def screenshot_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("screens")

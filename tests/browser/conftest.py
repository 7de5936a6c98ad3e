"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
# Without these, Chromium tries to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def settle_after_click() -> None:
    """Makes every click wait until the page it leads to has been parsed.

    A click that submits a form or follows a link returns once the new page's response has been
    committed, not once its document is parsed: ``page.locator(...).count()`` right after it can
    still see an empty document (CI once saw a safety report's confirmation missing that way).
    Waiting for ``domcontentloaded`` after every click settles that; a click that navigates
    nowhere returns at once, since the current document is already loaded."""
    from playwright.sync_api import Locator

    if getattr(Locator.click, "settles", False):
        return
    click = Locator.click

    def click_and_settle(self: Locator, *args: Any, **kwargs: Any) -> None:
        click(self, *args, **kwargs)
        self.page.wait_for_load_state("domcontentloaded")

    click_and_settle.settles = True  # type: ignore[attr-defined]
    Locator.click = click_and_settle  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM:
        if os.environ.get("SANCTUARY_REQUIRE_BROWSER"):
            pytest.fail("Debian's chromium is not installed, and CI requires the browser tests")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    settle_after_click()

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup: None, live_server: Any) -> Any:
    """pytest-django's server, started only once the test database exists. Run on its own, a
    browser test would otherwise start it first, while the settings still name the in-memory
    database: it would then share the test thread's SQLite connection, and crash."""
    return live_server

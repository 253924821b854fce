"""Debian's Chromium driven by Playwright, for the e2e tests and the screenshot script.

Rules: always `/usr/bin/chromium` (never a browser downloaded by `playwright install`); one browser per test
module, one fresh context (cookies, storage) per page so tests never share a shopper; a 15 s default
timeout, generous for a loaded 2-core machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, *, javascript: bool = True, width: int = 1280) -> Page:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    return context.new_page()


def assert_accessible(page: Page, where: str = "") -> None:
    """axe-core (shipped offline with axe-playwright-python) finds no violation on the page as it stands."""
    results = Axe().run(page)
    assert results.violations_count == 0, f"{where or page.url}: {results.generate_report()}"

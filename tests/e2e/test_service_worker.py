"""The service worker in real Chromium: visited catalog pages open offline, unvisited ones show the offline
page, private pages are never kept, and a POST empties the page cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontProcess]:
    proc = start_storefront(tmp_path_factory.mktemp("sw-shop"), magento_url=sandbox.url)
    try:
        yield proc
    finally:
        proc.stop()


def cached_paths(page: Page) -> list[str]:
    return page.evaluate(
        """async () => {
            const cache = await caches.open('pages-v1');
            return (await cache.keys()).map((r) => new URL(r.url).pathname);
        }"""
    )


def controlled_page(browser: Browser, shop: StorefrontProcess) -> Page:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{shop.url}/")
    page.evaluate("navigator.serviceWorker.register('/sw.js')")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the worker controls the page
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page


def test_visited_pages_open_offline_and_unvisited_ones_show_the_offline_page(
    browser: Browser, shop: StorefrontProcess
) -> None:
    page = controlled_page(browser, shop)
    page.goto(f"{shop.url}/de/")
    page.wait_for_function("caches.open('pages-v1').then(c => c.keys()).then(k => k.length >= 3)")
    assert {"/", "/de/", "/offline/"} <= set(cached_paths(page))
    # The page's own content; the header's personal slot is loaded from the network-only fragment, so
    # offline it keeps its no-JS fallback links.
    german = page.inner_html("main")

    page.context.set_offline(True)
    page.goto(f"{shop.url}/de/")
    assert page.inner_html("main") == german
    page.goto(f"{shop.url}/never-visited.html")
    assert "You're offline" in page.inner_text("h1")
    page.context.close()


def test_private_responses_are_never_kept(browser: Browser, shop: StorefrontProcess) -> None:
    page = controlled_page(browser, shop)
    page.goto(f"{shop.url}/_fragment/header")
    page.goto(f"{shop.url}/healthz")
    page.goto(f"{shop.url}/")
    kept = cached_paths(page)
    assert "/_fragment/header" not in kept and "/healthz" not in kept
    page.context.close()


def test_a_post_empties_the_page_cache(browser: Browser, shop: StorefrontProcess) -> None:
    page = controlled_page(browser, shop)
    page.goto(f"{shop.url}/de/")
    page.wait_for_function("caches.open('pages-v1').then(c => c.keys()).then(k => k.length >= 3)")
    page.evaluate("fetch('/_preview/purge', {method: 'POST'})")
    page.wait_for_function(
        "caches.open('pages-v1').then(c => c.keys()).then(k => k.length === 1 && k[0].url.endsWith('/offline/'))"
    )
    assert cached_paths(page) == ["/offline/"]
    page.context.close()

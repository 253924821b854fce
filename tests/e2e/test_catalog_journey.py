"""Shopper journeys through the catalog in real Chromium, with JavaScript and without, plus axe checks.

The storefront runs as a real gunicorn process against the session's sandbox; the browser is Debian's
Chromium (never a downloaded one). Journey: home → category → colour filter → product → choose a variant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import new_page
from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontProcess]:
    proc = start_storefront(tmp_path_factory.mktemp("catalog-shop"), magento_url=sandbox.url)
    try:
        yield proc
    finally:
        proc.stop()


def open_category(page: Page, shop: StorefrontProcess) -> None:
    page.goto(f"{shop.url}/")
    expect(page.locator("h2#shop-by-category")).to_be_visible()
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Men", exact=True).click()
    expect(page.locator("h1")).to_have_text("Men")
    expect(page.locator(".grid .product-card").first).to_be_visible()


def choose_colour_filter(page: Page) -> str:
    """Click the first colour in the layered navigation; return its label."""
    if page.viewport_size["width"] < 1000:  # on phones the filters start folded
        page.locator("details.filters summary").click()
    option = page.locator(".filter-swatches a").first
    label = option.locator("span").first.inner_text()
    option.click()
    expect(page.locator(".chips")).to_contain_text(f"Color: {label}")
    return label


def test_journey_with_javascript(browser: Browser, shop: StorefrontProcess) -> None:
    page = new_page(browser, javascript=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_category(page, shop)

    before = page.locator(".count").inner_text()
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        choose_colour_filter(page)
    assert re.search(r"\?color=\d+$", page.url), "htmx pushed the filtered URL"
    assert page.locator(".count").inner_text() != before
    assert page.locator("header.site-header").count() == 1  # swapped in place, not a page load

    page.locator(".grid .card-link").first.click()
    expect(page.locator(".buybox h1")).to_be_visible()
    parent_sku = page.locator(".sku span").inner_text()

    page.locator(".option.color label").first.click()
    expect(page.locator(".option.color legend strong")).to_be_visible()  # the htmx swap shows the choice
    page.locator(".option.text .value:not(.unavailable) label").first.click()
    expect(page.locator(".sku span")).not_to_have_text(parent_sku)
    child_sku = page.locator(".sku span").inner_text()
    assert child_sku.startswith(parent_sku + "-")
    assert "color=" in page.url and "size=" in page.url
    expect(page.locator("input[name=variant_sku]")).to_have_value(child_sku)
    expect(page.get_by_role("button", name="Show this selection")).to_be_hidden()  # the no-JS fallback hides
    assert errors == []
    page.context.close()


def test_journey_without_javascript(browser: Browser, shop: StorefrontProcess) -> None:
    page = new_page(browser, javascript=False, width=390)
    open_category(page, shop)
    label = choose_colour_filter(page)
    assert re.search(r"\?color=\d+$", page.url)
    assert label

    page.locator(".grid .card-link").first.click()
    expect(page.locator(".buybox h1")).to_be_visible()
    parent_sku = page.locator(".sku span").inner_text()
    page.locator(".option.color label").first.click()
    page.locator(".option.text .value:not(.unavailable) label").first.click()
    page.get_by_role("button", name="Show this selection").click()
    expect(page.locator(".sku span")).not_to_have_text(parent_sku)
    assert page.locator(".sku span").inner_text().startswith(parent_sku + "-")
    assert page.locator(".option input:checked").count() == 2  # the choice survives the reload
    page.context.close()


def test_autocomplete_is_keyboard_accessible(browser: Browser, shop: StorefrontProcess) -> None:
    page = new_page(browser, javascript=True)
    page.goto(f"{shop.url}/")
    box = page.get_by_role("combobox", name="Search products")
    box.click()
    box.press_sequentially("jack", delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    options = page.locator("#suggest [role=option]")
    expect(options.first).to_be_visible()
    box.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", first_id)
    expect(options.first).to_have_attribute("aria-selected", "true")
    target = options.first.get_attribute("href")
    box.press("Enter")
    page.wait_for_url(f"**{target}")
    page.goto(f"{shop.url}/")
    box = page.get_by_role("combobox", name="Search products")
    box.fill("jacket")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/men/tops-men/jackets-men.html",
        "/montana-wind-jacket.html",
        "/search?q=jacket",
        "/about-us",
        "/no-such-page.html",
    ],
)
def test_axe_finds_no_violations(browser: Browser, shop: StorefrontProcess, path: str) -> None:
    page = new_page(browser, javascript=True)
    page.goto(f"{shop.url}{path}", wait_until="networkidle")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.context.close()

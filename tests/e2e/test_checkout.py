"""Cart and checkout in real Chromium: guest checkout with and without JavaScript, customer checkout with a
saved address (through the real sign-in page), and axe on the cart and every checkout step.

The storefront runs as a real gunicorn process against the session's sandbox; the browser is Debian's
Chromium (never a downloaded one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.cart.shop_helpers import DEMO_EMAIL, DEMO_PASSWORD, configurable
from tests.support.browser import assert_accessible, new_page
from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontProcess]:
    proc = start_storefront(tmp_path_factory.mktemp("checkout-shop"), magento_url=sandbox.url)
    try:
        yield proc
    finally:
        proc.stop()


def add_configurable_from_product_page(
    page: Page, shop: StorefrontProcess, sandbox: SandboxProcess, *, javascript: bool = True
) -> None:
    """Choose the variant and add it; with JS the page stays put (htmx status line + mini-cart), then the
    shopper follows the status line's link; without JS the POST redirects to the cart with a message."""
    product = configurable(sandbox.url)
    page.goto(f"{shop.url}{product.url}")
    for code, value in product.chosen.items():
        page.locator(f"label[for='opt-{code}-{value}']").click()
        expect(page.locator(f"#opt-{code}-{value}")).to_be_checked()
    if javascript:  # wait for htmx to swap in the chosen variant (it pushes the choice into the URL)
        for code, value in product.chosen.items():
            expect(page).to_have_url(re.compile(rf"[?&]{code}={value}(&|$)"))
        expect(page.locator("#buy input[name=variant_sku]")).to_have_value(product.variant_sku)
    page.get_by_role("button", name="Add to cart").click()
    if javascript:
        expect(page.locator("#buy-status")).to_contain_text("Added to your cart")
        expect(page.locator("#header-personal .count")).to_have_text(re.compile(r"[1-9]"))
        page.locator("#buy-status").get_by_role("link", name=re.compile("View cart")).click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    if not javascript:
        expect(page.locator(".messages")).to_contain_text("added to your cart")
    expect(page.locator(".cart-lines")).to_contain_text(product.variant_sku)


def fill_address(page: Page) -> None:
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Tester")
    page.get_by_label("Street address", exact=True).fill("1 Main Street")
    page.get_by_label("City").fill("Austin")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State or province (for countries that list them)").select_option(label="Texas")
    page.get_by_label("Postcode").fill("78701")
    page.get_by_label("Phone number").fill("5551234")


def guest_checkout(
    page: Page, shop: StorefrontProcess, sandbox: SandboxProcess, *, axe: bool, javascript: bool = True
) -> str:
    add_configurable_from_product_page(page, shop, sandbox, javascript=javascript)
    if axe:
        assert_accessible(page, "cart")
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page.locator("h2").first).to_have_text("Contact")
    if axe:
        assert_accessible(page, "email step")
    page.get_by_label("E-mail address").fill("ana@example.com")
    page.get_by_role("button", name="Continue to shipping").click()
    expect(page.locator("h2").first).to_have_text("Shipping address")
    if axe:
        assert_accessible(page, "shipping step")
    fill_address(page)
    page.get_by_role("button", name="Continue to shipping method").click()
    expect(page.locator("h2").first).to_have_text("Shipping method")
    if axe:
        assert_accessible(page, "method step")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.locator("h2").first).to_have_text("Payment")
    if axe:
        assert_accessible(page, "payment step")
    page.get_by_label("Check / Money order").check()
    page.get_by_role("button", name="Review your order").click()
    expect(page.locator("h2").first).to_have_text("Review and place order")
    if axe:
        assert_accessible(page, "review step")
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("h1")).to_have_text("Thank you for your order")
    if axe:
        assert_accessible(page, "confirmation")
    return page.locator(".order-number strong").inner_text()


def test_htmx_quantity_update_changes_the_mini_cart_without_a_reload(
    browser: Browser, shop: StorefrontProcess, sandbox: SandboxProcess
) -> None:
    # First in the module: later checkouts consume the variant's stock.
    page = new_page(browser, javascript=True)
    add_configurable_from_product_page(page, shop, sandbox)
    expect(page.locator("#header-personal .count")).to_have_text("1")  # the header fragment has loaded
    page.evaluate("window.__marker = 1")
    page.locator(".cart-lines input[name=qty]").first.fill("2")
    with page.expect_response(lambda r: r.url.endswith("/cart/update")):
        page.locator(".cart-lines").get_by_role("button", name=re.compile("^Update")).first.click()
    expect(page.locator("#header-personal .count")).to_have_text("2")
    assert page.evaluate("window.__marker") == 1, "the page was not reloaded"
    page.context.close()


def test_guest_checkout_with_javascript_and_axe_on_every_step(
    browser: Browser, shop: StorefrontProcess, sandbox: SandboxProcess
) -> None:
    page = new_page(browser, javascript=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    number = guest_checkout(page, shop, sandbox, axe=True)
    assert re.fullmatch(r"\d{9}", number)
    page.goto(f"{shop.url}/cart/")
    expect(page.locator(".empty")).to_have_text("Your cart is empty.")
    assert not errors
    page.context.close()


def test_guest_checkout_without_javascript(browser: Browser, shop: StorefrontProcess, sandbox: SandboxProcess) -> None:
    page = new_page(browser, javascript=False)
    number = guest_checkout(page, shop, sandbox, axe=False, javascript=False)
    assert re.fullmatch(r"\d{9}", number)
    page.context.close()


def test_customer_checkout_with_a_saved_address(
    browser: Browser, shop: StorefrontProcess, sandbox: SandboxProcess
) -> None:
    page = new_page(browser, javascript=True)
    page.goto(f"{shop.url}/account/login/")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#header-personal")).to_contain_text("Hello")
    add_configurable_from_product_page(page, shop, sandbox)
    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page.locator("h2").first).to_have_text("Shipping address")
    saved = page.locator("input[name=saved_address]")
    expect(saved).to_have_count(2)
    assert_accessible(page, "customer shipping step")
    page.get_by_role("button", name="Ship here").click()
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("button", name="Review your order").click()
    expect(page.locator(".review")).to_contain_text("Check / Money order")
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("h1")).to_have_text("Thank you for your order")
    assert re.fullmatch(r"\d{9}", page.locator(".order-number strong").inner_text())
    page.context.close()

"""The account journey in real Chromium with JavaScript disabled (every page must work without it):
register → log out → log in → add and edit an address → reset the password through the mailed link → view an
order; then axe on every account page reports no violations (issue 6)."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.support.sandbox import SandboxProcess, free_port, start_sandbox
from tests.support.storefront import StorefrontProcess, start_storefront

pytestmark = pytest.mark.e2e
EMAIL = "journey@example.com"
FIRST_PASSWORD = "Journey-Pass-1"
SECOND_PASSWORD = "Journey-Pass-2"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxProcess, StorefrontProcess]]:
    """A sandbox whose reset mails link to this storefront, and the storefront as a real gunicorn process."""
    port = free_port()
    sandbox = start_sandbox(
        tmp_path_factory.mktemp("accounts-sandbox"), env={"SANDBOX_STOREFRONT_URL": f"http://127.0.0.1:{port}"}
    )
    try:
        shop = start_storefront(tmp_path_factory.mktemp("accounts-shop"), magento_url=sandbox.url, port=port)
        try:
            yield sandbox, shop
        finally:
            shop.stop()
    finally:
        sandbox.stop()


def _rest(sandbox: SandboxProcess, method: str, path: str, body: object = None, token: str = "") -> Any:
    data = json.dumps(body if body is not None else {}).encode() if method != "GET" else None
    request = urllib.request.Request(f"{sandbox.url}/rest/default{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def place_order_as(sandbox: SandboxProcess, email: str, password: str) -> None:
    """The customer buys something through Magento (the checkout is another part's job)."""
    token = _rest(sandbox, "POST", "/V1/integration/customer/token", {"username": email, "password": password})
    _rest(sandbox, "POST", "/V1/carts/mine", token=token)
    _rest(sandbox, "POST", "/V1/carts/mine/items", {"cartItem": {"sku": "MJ01-M-White", "qty": 2}}, token)
    address = {
        "firstname": "Jo",
        "lastname": "Ney",
        "street": ["1 Test Way"],
        "city": "Austin",
        "region_id": 57,
        "region_code": "TX",
        "country_id": "US",
        "postcode": "78701",
        "telephone": "5550100",
        "email": email,
    }
    info = {
        "shipping_address": address,
        "billing_address": address,
        "shipping_carrier_code": "flatrate",
        "shipping_method_code": "flatrate",
    }
    _rest(sandbox, "POST", "/V1/carts/mine/shipping-information", {"addressInformation": info}, token)
    _rest(sandbox, "POST", "/V1/carts/mine/payment-information", {"paymentMethod": {"method": "checkmo"}}, token)


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")


def test_the_account_journey_without_javascript(browser: Browser, stack) -> None:
    sandbox, shop = stack
    sandbox.reset()
    base = shop.url
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    # Register.
    page.goto(f"{base}/account/register/")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Ney")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(FIRST_PASSWORD)
    page.get_by_label("Confirm password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.locator("main")).to_contain_text("Thank you for registering")
    expect(page.locator("main")).to_contain_text(EMAIL)

    # Log out, log in.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/account/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next="))
    sign_in(page, base, EMAIL, FIRST_PASSWORD)

    # Add an address, then edit it.
    page.get_by_role("link", name="Address book").first.click()
    page.get_by_role("link", name="Add new address").click()
    page.get_by_label("Phone number").fill("512-555-0100")
    page.get_by_label("Street address", exact=True).fill("500 Congress Ave")
    page.get_by_label("City").fill("Austin")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State/Province", exact=True).select_option(label="Texas")
    page.get_by_label("Zip/Postal code").fill("78701")
    page.get_by_label("Use as my default shipping address").check()
    page.get_by_role("button", name="Save address").click()
    expect(page.locator("main")).to_contain_text("You saved the address.")
    expect(page.locator(".address-list")).to_contain_text("500 Congress Ave")
    expect(page.locator(".address-list")).to_contain_text("Default shipping")
    page.get_by_role("link", name="Edit address 1").click()
    expect(page.get_by_label("City")).to_have_value("Austin")
    page.get_by_label("City").fill("Round Rock")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator(".address-list")).to_contain_text("Round Rock")

    # Reset the password through the link in the mail.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/account/forgot-password/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Reset my password").click()
    expect(page.locator("main")).to_contain_text("you will receive an email")
    mail = sandbox._call("GET", "/sandbox/outbox")[-1]
    assert mail["to"] == EMAIL and mail["reset_url"].startswith(base)
    page.goto(mail["reset_url"])
    expect(page).to_have_url(f"{base}/customer/account/createPassword/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("New password", exact=True).fill(SECOND_PASSWORD)
    page.get_by_label("Confirm new password").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Set a new password").click()
    expect(page.locator("main")).to_contain_text("You updated your password")

    # View an order.
    place_order_as(sandbox, EMAIL, SECOND_PASSWORD)
    sign_in(page, base, EMAIL, SECOND_PASSWORD)
    page.get_by_role("link", name="My orders").click()
    page.get_by_role("link", name=re.compile(r"^View order")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Order #")
    main = page.locator("main")
    for text in ("Montana Wind Jacket", "MJ01-M-White", "Pending", "Austin", "Check / Money order"):
        expect(main).to_contain_text(text)
    context.close()


ANONYMOUS_PAGES = ["/account/login/", "/account/register/", "/account/forgot-password/"]
PRIVATE_PAGES = [
    "/account/",
    "/account/profile/",
    "/account/password/",
    "/account/addresses/",
    "/account/addresses/new/",
    "/account/orders/",
    "/account/logout/",
]


def _axe(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_axe_finds_no_violations_on_any_account_page(browser: Browser, stack) -> None:
    sandbox, shop = stack
    sandbox.reset()
    base = shop.url
    context = browser.new_context()
    page = context.new_page()
    for path in ANONYMOUS_PAGES:
        page.goto(f"{base}{path}")
        _axe(page)
    # Pages with errors shown, too.
    page.goto(f"{base}/account/login/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".form-errors")).to_be_visible()
    _axe(page)

    sign_in(page, base, "roni_cost@example.com", "Password123!")
    for path in PRIVATE_PAGES:
        page.goto(f"{base}{path}")
        _axe(page)
    page.goto(f"{base}/account/addresses/")
    page.get_by_role("link", name="Edit address 1").click()
    _axe(page)
    page.goto(f"{base}/account/orders/")
    page.get_by_role("link", name=re.compile(r"^View order")).first.click()
    _axe(page)
    page.goto(f"{base}/account/addresses/new/")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator(".form-errors")).to_be_visible()
    _axe(page)

    sandbox._call("POST", "/sandbox/reset")
    page.goto(f"{base}/account/logout/")
    page.get_by_role("button", name="Sign out now").click()
    # The home page is a cached page: its message arrives with the header fragment, and passes axe too.
    expect(page.locator("#flash")).to_contain_text("You are signed out.")
    _axe(page)
    page.goto(f"{base}/account/forgot-password/")
    page.get_by_label("Email").fill("roni_cost@example.com")
    page.get_by_role("button", name="Reset my password").click()
    page.goto(sandbox._call("GET", "/sandbox/outbox")[-1]["reset_url"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    _axe(page)
    context.close()

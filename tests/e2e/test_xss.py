"""XSS in real Chromium: hostile content planted through the paths an attacker really has, and no script runs.

Paths: a product's name, description and short description and a CMS page and block, saved through Magento's
admin REST routes (``PUT /V1/products/{sku}``, ``PUT /V1/cmsPage/{id}``, ``PUT /V1/cmsBlock/{id}``) of the
sandbox; search terms in the URL and typed into the autocomplete; a customer who registers with hostile first
and last names; hostile address fields in the address book and in a guest checkout.

Rules:
- The browser context ignores our Content-Security-Policy (``bypass_csp``): the CSP would stop inline handlers
  on its own, and this test is about the layer beneath it — escaping and sanitising — which must hold alone.
- Every page gets a ``dialog`` listener (any alert/confirm/prompt is recorded and fails the test) and a DOM scan
  for what could run later (event-handler attributes, ``javascript:`` URLs, iframes, executable inline script).
- Where the payload is plain text (names, search terms, addresses) it must be visible as that text.
- The payloads are planted before the storefront starts (so no page is cached without them) and the sandbox is
  reset afterwards (catalog and CMS edits are undone, the customers removed).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_checkout import add_configurable_from_product_page
from tests.integration.sandbox.commerce_helpers import ADMIN
from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

pytestmark = pytest.mark.e2e

# Each payload names itself in its alert, so a fired dialog says which one got through.
SCRIPT = '<script>alert("xss-script")</script>'
IMG = '<img src=x onerror=alert("xss-img")>'
BREAK = '"><svg onload=alert("xss-svg")>'
LINK = "<a href=\"javascript:alert('xss-link')\">xss-link</a>"
ALL = f"{SCRIPT}{IMG}{BREAK}{LINK}"
SHORT = '"><svg onload=alert(1)>'  # for fields with short limits (telephone, postcode)

PRODUCT_SKU = "MJ01"
PRODUCT_URL = "/montana-wind-jacket.html"
PRODUCT_NAME = f"Montana {IMG} Jacket"
ABOUT_PAGE_ID, ABOUT_URL = 3, "/about-us"
NOTICE_BLOCK_ID = 2  # "site-notice", shown on every page

DOM_SCAN = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) found.push(`${el.tagName}[${n}]`);
      if (n === 'srcdoc') found.push(`${el.tagName}[srcdoc]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(n)
          && /^[\\s\\x00-\\x1f]*(javascript|vbscript|data:text\\/html)/i.test(a.value)) {
        found.push(`${el.tagName}[${n}=${a.value}]`);
      }
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE'].includes(el.tagName)) found.push(el.tagName);
    if (el.tagName === 'SCRIPT' && !el.src) {
      if (el.type === 'application/ld+json') {
        try { JSON.parse(el.textContent); } catch (e) { found.push('broken ld+json'); }
      } else {
        found.push('inline script: ' + el.textContent.slice(0, 60));
      }
    }
  }
  return found;
}"""


def admin_call(sandbox: SandboxProcess, method: str, path: str, body: dict[str, Any], token: str = "") -> Any:
    request = urllib.request.Request(f"{sandbox.url}/rest/V1/{path}", data=json.dumps(body).encode(), method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def shop(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontProcess]:
    sandbox.reset()
    token = admin_call(sandbox, "POST", "integration/admin/token", ADMIN)
    description = [
        {"attribute_code": "description", "value": f"<p>Safe description words.</p>{ALL}<p>After the payloads.</p>"},
        {"attribute_code": "short_description", "value": f"<p>Short and safe.</p>{ALL}"},
    ]
    admin_call(
        sandbox,
        "PUT",
        f"products/{PRODUCT_SKU}",
        {"product": {"name": PRODUCT_NAME, "custom_attributes": description}},
        token,
    )
    admin_call(
        sandbox,
        "PUT",
        f"cmsPage/{ABOUT_PAGE_ID}",
        {
            "page": {
                "title": f"About {IMG}",
                "meta_title": f"About {IMG}",
                "content_heading": f"Heading {BREAK}",
                "content": f"<p>CMS text.</p>{ALL}",
            }
        },
        token,
    )
    admin_call(
        sandbox, "PUT", f"cmsBlock/{NOTICE_BLOCK_ID}", {"block": {"content": f"<p>Notice text.</p>{ALL}"}}, token
    )
    proc = start_storefront(tmp_path_factory.mktemp("xss-shop"), magento_url=sandbox.url)
    try:
        yield proc
    finally:
        proc.stop()
        sandbox.reset()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    tab.on("dialog", record)
    tab.dialogs = dialogs  # type: ignore[attr-defined]
    yield tab
    context.close()


def assert_no_script_ran(page: Page, where: str) -> None:
    page.wait_for_load_state("networkidle")  # htmx fragments (header, suggestions) have been swapped in
    assert page.dialogs == [], f"{where}: a dialog fired: {page.dialogs}"  # type: ignore[attr-defined]
    assert page.evaluate(DOM_SCAN) == [], f"{where}: executable markup in the DOM"


def test_product_name_and_descriptions(page: Page, shop: StorefrontProcess) -> None:
    page.goto(f"{shop.url}{PRODUCT_URL}")
    expect(page.locator("h1")).to_have_text(PRODUCT_NAME)  # escaped: the name shows as typed
    expect(page.locator(".description")).to_contain_text("Safe description words.")
    expect(page.locator(".description")).to_contain_text("After the payloads.")
    expect(page.locator(".short")).to_contain_text("Short and safe.")
    assert_no_script_ran(page, "product page")


def test_cms_page_and_block(page: Page, shop: StorefrontProcess) -> None:
    page.goto(f"{shop.url}{ABOUT_URL}")
    expect(page.locator("main")).to_contain_text("CMS text.")
    expect(page.locator("h1")).to_contain_text(f"Heading {BREAK}")
    expect(page).to_have_title(re.compile(re.escape(f"About {IMG}")))
    expect(page.locator(".notice-bar")).to_contain_text("Notice text.")
    assert_no_script_ran(page, "CMS page")
    page.goto(f"{shop.url}/")
    expect(page.locator(".notice-bar")).to_contain_text("Notice text.")
    assert_no_script_ran(page, "home page with the CMS block")


def test_search_term_in_the_url(page: Page, shop: StorefrontProcess) -> None:
    page.goto(f"{shop.url}/search?{urllib.parse.urlencode({'q': ALL})}")
    expect(page.locator("main")).to_contain_text(ALL[:100])  # the term is shown as text (the box caps it at 128)
    assert_no_script_ran(page, "search page")
    page.goto(f"{shop.url}/search?{urllib.parse.urlencode({'q': 'Montana'})}")
    expect(page.locator(".product-card").first).to_contain_text(PRODUCT_NAME)
    assert_no_script_ran(page, "search results with a hostile product name")


def test_search_autocomplete(page: Page, shop: StorefrontProcess) -> None:
    page.goto(f"{shop.url}/")
    page.locator("#q").press_sequentially("Montana", delay=20)
    expect(page.locator("#suggest")).to_contain_text(PRODUCT_NAME)
    expect(page.locator("#sg-all")).to_contain_text("Montana")
    assert_no_script_ran(page, "suggestions for a hostile product name")
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially(f"Montana {BREAK}", delay=5)
    assert_no_script_ran(page, "suggestions for a hostile term")
    page.goto(f"{shop.url}/search/suggest?{urllib.parse.urlencode({'q': f'Montana {ALL}'})}")
    assert_no_script_ran(page, "the suggestion fragment opened directly")


def register(page: Page, shop: StorefrontProcess, firstname: str, lastname: str) -> str:
    email = f"xss-{uuid.uuid4().hex[:8]}@example.com"
    password = f"Xss-{uuid.uuid4().hex[:10]}"
    page.goto(f"{shop.url}/account/register/")
    page.get_by_label("First name").fill(firstname)
    page.get_by_label("Last name").fill(lastname)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create an account").click()
    expect(page.locator("main")).to_contain_text("Thank you for registering")
    return email


def test_customer_names_in_header_and_dashboard(page: Page, shop: StorefrontProcess) -> None:
    first, last = f"Ann {IMG}{SCRIPT}", f"Lee {BREAK}"
    register(page, shop, first, last)
    page.goto(f"{shop.url}/account/")
    expect(page.locator("main")).to_contain_text(f"{first} {last}")
    expect(page.locator("#header-personal .hello")).to_contain_text(first)  # the htmx header fragment
    assert_no_script_ran(page, "account dashboard and header")
    page.goto(f"{shop.url}{ABOUT_URL}")  # a cached page: the greeting arrives through the fragment only
    expect(page.locator("#header-personal .hello")).to_contain_text(first)
    assert_no_script_ran(page, "cached page with a hostile name in the header")


def test_address_book(page: Page, shop: StorefrontProcess) -> None:
    register(page, shop, "Addy", "Book")
    page.goto(f"{shop.url}/account/addresses/new/")
    page.get_by_label("First name").fill(f"Ada {IMG}")
    page.get_by_label("Last name").fill(f"Lov {SCRIPT}")
    page.get_by_label("Company").fill(f"Co {BREAK}")
    page.get_by_label("Phone number").fill(SHORT)
    page.get_by_label("Street address", exact=True).fill(f"1 {LINK} Street")
    page.get_by_label("City").fill(f"City {IMG}")
    page.get_by_label("Country").select_option("FR")  # no region list: the free-text region is used
    page.get_by_label("State/Province (if not listed)").fill(f"Region {BREAK}")
    page.get_by_label("Zip/Postal code").fill("75001")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator("main")).to_contain_text("You saved the address.")
    book = page.locator(".address-list")
    for text in (f"Ada {IMG}", f"Lov {SCRIPT}", f"Co {BREAK}", f"1 {LINK} Street", f"City {IMG}", f"Region {BREAK}"):
        expect(book).to_contain_text(text)
    expect(book).to_contain_text(SHORT)
    assert_no_script_ran(page, "address book")
    page.get_by_role("link", name="Edit address 1").click()
    expect(page.get_by_label("City")).to_have_value(f"City {IMG}")  # a form value, not markup
    assert_no_script_ran(page, "address edit form")


def test_checkout_address_and_review(page: Page, shop: StorefrontProcess, sandbox: SandboxProcess) -> None:
    add_configurable_from_product_page(page, shop, sandbox)
    page.get_by_role("link", name="Proceed to checkout").click()
    page.get_by_label("E-mail address").fill("xss-guest@example.com")
    page.get_by_role("button", name="Continue to shipping").click()
    page.get_by_label("First name").fill(f"Gia {IMG}")
    page.get_by_label("Last name").fill(f"Est {SCRIPT}")
    page.get_by_label("Street address", exact=True).fill(f"2 {BREAK} Road")
    page.get_by_label("City").fill(f"Town {LINK}")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State or province (for countries that list them)").select_option(label="Texas")
    page.get_by_label("Postcode").fill("78701")
    page.get_by_label("Phone number").fill(SHORT)
    page.get_by_role("button", name="Continue to shipping method").click()
    expect(page.locator(".address-line")).to_contain_text(f"Gia {IMG} Est {SCRIPT}, 2 {BREAK} Road, Town {LINK}")
    assert_no_script_ran(page, "shipping method step")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_label("Check / Money order").check()
    page.get_by_role("button", name="Review your order").click()
    review = page.locator(".review")
    for text in (f"Gia {IMG} Est {SCRIPT}", f"2 {BREAK} Road", f"Town {LINK}", SHORT):
        expect(review).to_contain_text(text)
    assert_no_script_ran(page, "checkout review")

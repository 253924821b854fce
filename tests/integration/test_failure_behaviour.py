"""Failure behaviour end to end (DESIGN.md §4 "What the shopper sees", §5 ERROR state), with real processes.

A storefront gunicorn runs against its OWN sandbox process (killing it must not break other tests) and, for the
Redis scenarios, its own redis-server. The knobs that govern failure are set small through the environment
(as an operator would), so outages, time-outs and the circuit's cool-down fit in a test:

- Magento down (process killed): cached catalog pages are served stale, uncached ones and private pages get the
  friendly 503 with ``Retry-After``, a POST adds nothing; the shop recovers without a restart.
- Magento slow: time-outs, the circuit opens (counted at the sandbox, not timed), ``/healthz`` keeps answering
  during a burst.
- 429 from Magento: a small Retry-After is waited out and retried, a large one becomes a 503.
- Magento's maintenance 503: the maintenance variant of the page.
- Magento answers, but nothing a page can be built from (a resolver's "internal" error, a firewall's 403, an
  unexpected 4xx): the stale copy or the friendly 503, never a 500.
- Redis down: pages still render (uncached), nobody is logged out, nothing answers 500; recovery without restart.

Every response is also checked for a sensible ``Cache-Control``: error pages are never cacheable downstream.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from storefront.pagecache.revalidate import sign
from tests.integration.cart.shop_helpers import ADDRESS, DEMO_EMAIL, DEMO_PASSWORD, customer_token, graphql, rest
from tests.support.redis import RedisProcess, start_redis
from tests.support.sandbox import SandboxProcess, start_sandbox
from tests.support.storefront import StorefrontProcess, start_storefront

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
READ_TIMEOUT = 1.0
BREAKER_RESET = 5.0
BREAKER_THRESHOLD = 3
GET_RETRIES = 2
# Small on purpose: a category page is past its fresh + stale-while-revalidate windows after 2 s, so a request
# during an outage goes through the ERROR state (render fails → stale-if-error copy).
CATEGORY_WINDOWS = "1,1,3600"
KNOBS = {
    "MAGENTO_CONNECT_TIMEOUT": "0.5",
    "MAGENTO_READ_TIMEOUT": str(READ_TIMEOUT),
    "MAGENTO_BREAKER_THRESHOLD": str(BREAKER_THRESHOLD),
    "MAGENTO_BREAKER_RESET": str(BREAKER_RESET),
    "MAGENTO_GET_RETRIES": str(GET_RETRIES),
    "MAGENTO_RETRY_AFTER_MAX": "2",
    "PAGECACHE_CATEGORY": CATEGORY_WINDOWS,
    "PAGECACHE_ERROR_BACKOFF": "0.2",
    "PAGECACHE_REFRESH_BACKOFF": "0.2",
    "GUNICORN_THREADS": "8",  # so the bulkhead allows 6 Magento calls in flight per worker
    "MAGENTO_IN_FLIGHT_WAIT": "0.02",
}
MAX_IN_FLIGHT = 6
FRIENDLY_503 = "reach the shop right now"
# What must never reach a shopper's error page: stack traces, exception names, upstream addresses.
LEAKS = re.compile(r"Traceback|httpx|httpcore|ConnectError|ReadTimeout|MagentoUnavailable|127\.0\.0\.1:\d+|/graphql")


# --- catalog facts (asked from the sandbox, as a shopper would see them) ----------------------------------------


@dataclass(frozen=True)
class Catalog:
    category_path: str
    category_name: str
    products: tuple[tuple[str, str], ...]  # (path, name) of simple in-stock products
    skus: tuple[str, ...]


def discover(base_url: str) -> Catalog:
    categories = graphql(
        base_url, "{ categories { items { children { name url_path url_suffix include_in_menu } } } }"
    )["categories"]["items"][0]["children"]
    top = next(c for c in categories if c["include_in_menu"])
    items = graphql(
        base_url,
        """{ products(filter: {price: {from: "1"}}, pageSize: 100) { items {
             __typename sku name url_key url_suffix stock_status } } }""",
    )["products"]["items"]
    simple = [i for i in items if i["__typename"] == "SimpleProduct" and i["stock_status"] == "IN_STOCK"]
    return Catalog(
        category_path="/" + top["url_path"] + (top["url_suffix"] or ""),
        category_name=top["name"],
        products=tuple(("/" + i["url_key"] + (i["url_suffix"] or ""), i["name"]) for i in simple),
        skus=tuple(i["sku"] for i in simple),
    )


# --- processes ------------------------------------------------------------------------------------------------


def kill_hard(sandbox: SandboxProcess) -> None:
    """Magento vanishes: SIGKILL, no graceful shutdown (connections are refused from now on)."""
    process, sandbox.process = sandbox.process, None
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_until(predicate: Callable[[], bool], timeout: float = 15.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def ready(shop: StorefrontProcess) -> bool:
    try:
        return httpx.get(f"{shop.url}/readyz", timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def magento(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    proc = start_sandbox(tmp_path_factory.mktemp("failure-sandbox"))
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def catalog(magento: SandboxProcess) -> Catalog:
    return discover(magento.url)


@pytest.fixture(scope="module")
def storefront(magento: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontProcess]:
    proc = start_storefront(tmp_path_factory.mktemp("failure-shop"), magento_url=magento.url, extra_env=KNOBS)
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def patient_storefront(
    magento: SandboxProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StorefrontProcess]:
    """A second storefront whose read timeout is long: a hanging Magento holds its calls for seconds."""
    env = {**KNOBS, "MAGENTO_READ_TIMEOUT": "4"}
    proc = start_storefront(tmp_path_factory.mktemp("failure-patient"), magento_url=magento.url, extra_env=env)
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def shop(magento: SandboxProcess, storefront: StorefrontProcess) -> Iterator[StorefrontProcess]:
    """The storefront with a healthy Magento behind it: sandbox running and reset, circuit closed."""
    if magento.process is None or magento.process.poll() is not None:
        magento.start()
    magento.reset()
    assert wait_until(lambda: ready(storefront)), "the storefront did not see Magento healthy again"
    magento.reset_counters()
    yield storefront
    if magento.process is not None:
        magento.clear_faults()


def browser() -> httpx.Client:
    return httpx.Client(timeout=30, headers=SAME_ORIGIN, follow_redirects=False)


def sign_in(client: httpx.Client, shop: StorefrontProcess) -> None:
    answer = client.post(f"{shop.url}/account/login/", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert answer.status_code in (302, 303), answer.text[:500]
    assert "sessionid" in client.cookies


def assert_friendly_503(response: httpx.Response, *, maintenance: bool = False) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "no-store" in response.headers["Cache-Control"], "an error page must never be cached downstream"
    assert 'sessionid=""' not in response.headers.get("set-cookie", ""), "an outage never signs anybody out"
    text = response.text
    if maintenance:
        assert "down for maintenance" in text
    else:
        assert FRIENDLY_503 in text
    assert not LEAKS.search(text), LEAKS.search(text)


def cart_lines(client: httpx.Client, shop: StorefrontProcess) -> int:
    """The lines the shopper sees on the cart page."""
    page = client.get(f"{shop.url}/cart/")
    assert page.status_code == 200
    return page.text.count('<tr class="line"')


def magento_cart_quantity(magento: SandboxProcess) -> float:
    """What Magento itself holds in the demo customer's cart (the source of truth)."""
    cart = rest(magento.url, "GET", "/V1/carts/mine", token=customer_token(magento.url))
    return sum(item["qty"] for item in cart["items"])


# --- 1. Magento down ------------------------------------------------------------------------------------------


def test_magento_down_stale_pages_friendly_503s_and_recovery_without_restart(
    shop: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    shopper = browser()
    sign_in(shopper, shop)
    first_path, first_name = catalog.products[0]
    uncached_path, uncached_name = catalog.products[1]
    added = shopper.post(f"{shop.url}/cart/add", data={"sku": catalog.skus[0], "qty": "1"})
    assert added.status_code == 303
    before = (cart_lines(shopper, shop), magento_cart_quantity(magento))
    assert before[0] >= 1
    warm = httpx.get(f"{shop.url}{catalog.category_path}")
    assert warm.status_code == 200 and warm.headers["X-Cache"] == "MISS"
    assert httpx.get(f"{shop.url}{first_path}").status_code == 200

    kill_hard(magento)
    time.sleep(2.2)  # the category copy is now past fresh + stale-while-revalidate, within stale-if-error

    stale = httpx.get(f"{shop.url}{catalog.category_path}")
    assert stale.status_code == 200
    assert stale.headers["X-Cache"] == "STALE"
    assert catalog.category_name in stale.text
    assert stale.headers["Cache-Control"].startswith("public, max-age=0")
    assert "stale-if-error=3600" in stale.headers["Cache-Control"]
    assert "set-cookie" not in stale.headers

    assert_friendly_503(httpx.get(f"{shop.url}{uncached_path}"))
    assert_friendly_503(httpx.get(f"{shop.url}/search?q=jacket"))
    for private in ("/cart/", "/checkout/shipping", "/account/"):
        response = shopper.get(f"{shop.url}{private}")
        assert_friendly_503(response)

    # A POST while Magento is down: a clear message, nothing written (htmx and plain forms alike).
    product_page = f"{shop.url}{first_path}"
    swapped = shopper.post(
        f"{shop.url}/cart/add", data={"sku": catalog.skus[1], "qty": "1"}, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200 and 'role="alert"' in swapped.text
    assert "We could not add the product just now" in swapped.text
    assert not LEAKS.search(swapped.text)
    plain = shopper.post(
        f"{shop.url}/cart/add", data={"sku": catalog.skus[1], "qty": "1"}, headers={"Referer": product_page}
    )
    assert plain.status_code == 303 and plain.headers["Location"] == product_page, "back to the product, not the cart"
    # Back on the product page (its copy cached before the outage), the refusal is told there, without JS too.
    back = shopper.get(product_page)
    assert back.status_code == 200 and first_name in back.text
    assert "We could not add the product just now" in back.text
    assert back.headers["Cache-Control"] == "private, no-store"

    readiness = httpx.get(f"{shop.url}/readyz")
    assert readiness.status_code == 503 and readiness.json()["magento"].startswith("down")
    assert readiness.json()["circuit"] == "open", "the refused connections opened the circuit"

    magento.start()  # the same port, the same database
    assert wait_until(lambda: httpx.get(f"{shop.url}{uncached_path}").status_code == 200, timeout=10)
    assert uncached_name in httpx.get(f"{shop.url}{uncached_path}").text
    cart_page = shopper.get(f"{shop.url}/cart/")
    assert cart_page.status_code == 200 and "We could not add the product just now" not in cart_page.text, "once"
    assert cart_page.headers["Cache-Control"] == "private, no-store"
    account = shopper.get(f"{shop.url}/account/")
    assert account.status_code == 200, "the shopper is still signed in after the outage"
    assert DEMO_EMAIL in account.text
    after = (cart_lines(shopper, shop), magento_cart_quantity(magento))
    assert after == before, "the refused add left nothing half-written"
    # The product page cached before the outage is still whole (HIT or re-rendered), not an error page.
    assert first_name in httpx.get(f"{shop.url}{first_path}").text


# --- 2. Magento slow ------------------------------------------------------------------------------------------


def test_slow_magento_times_out_opens_the_circuit_and_then_fails_fast(
    shop: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    latency = 1.5  # longer than the storefront's read timeout
    magento.fault(path="^/graphql", latency_ms=int(latency * 1000))
    paths = [path for path, _ in catalog.products[2:8]]

    first = httpx.get(f"{shop.url}{paths[0]}", timeout=30)
    assert_friendly_503(first)
    # A read timeout is never retried: the first three requests each spend one attempt, which opens the breaker
    # (threshold 3); from then on nothing reaches Magento.
    for path in paths[1:]:
        assert_friendly_503(httpx.get(f"{shop.url}{path}", timeout=30))
    readiness = httpx.get(f"{shop.url}/readyz", timeout=30)
    assert readiness.status_code == 503 and readiness.headers["Cache-Control"] == "no-store"
    assert readiness.json()["circuit"] == "open" and readiness.json()["magento"].startswith("down")

    time.sleep(latency + 0.3)  # the sandbox counts a call when it finishes answering it
    assert magento.counters()["total"] == BREAKER_THRESHOLD, "only the attempts before the circuit opened"

    magento.clear_faults()
    assert wait_until(lambda: httpx.get(f"{shop.url}{paths[-1]}").status_code == 200, timeout=BREAKER_RESET + 5)


def test_an_add_that_magento_made_without_answering_in_time_is_not_reported_as_not_added(
    shop: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    client = browser()
    first = client.post(f"{shop.url}/cart/add", data={"sku": catalog.skus[3], "qty": "1"})
    assert first.status_code == 303 and first.headers["Location"] == "/cart/"
    # Magento takes the next add but answers after the storefront's read timeout (it still stores the line).
    magento.fault(path=r"/V1/guest-carts/[^/]+/items$", latency_ms=int((READ_TIMEOUT + 0.5) * 1000), times=1)
    swapped = client.post(
        f"{shop.url}/cart/add", data={"sku": catalog.skus[4], "qty": "1"}, headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200 and 'role="alert"' in swapped.text
    assert "may or may not be in your cart" in swapped.text and "could not add" not in swapped.text
    # The message was right to hedge: once Magento finishes, the line is there.
    assert wait_until(lambda: cart_lines(client, shop) == 2, timeout=5)
    # A refusal before anything reached Magento (the circuit open, no connection) still says "not added".
    kill_hard(magento)
    refused = client.post(
        f"{shop.url}/cart/add", data={"sku": catalog.skus[5], "qty": "1"}, headers={"HX-Request": "true"}
    )
    assert "We could not add the product just now" in refused.text


def test_a_hanging_magento_does_not_exhaust_the_worker(
    shop: StorefrontProcess, patient_storefront: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    assert wait_until(lambda: ready(patient_storefront))
    magento.reset_counters()
    hang = 6.0
    magento.fault(path="^/graphql", hang=True, hang_seconds=hang)
    paths = [path for path, _ in catalog.products[:24]]
    assert len(paths) == 24
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(max_workers=len(paths)) as pool:
        burst = [pool.submit(client.get, f"{patient_storefront.url}{path}") for path in paths]
        time.sleep(0.3)  # the burst is in the worker's hands
        health = httpx.get(f"{patient_storefront.url}/healthz", timeout=30)
        still_in_flight = sum(not future.done() for future in burst)
        wait(burst)
    assert health.status_code == 200 and health.json() == {"ok": True}
    # The requests Magento holds (one per bulkhead slot) are still held when /healthz answers: it did not have
    # to wait for their read time-outs to free a thread.
    assert still_in_flight >= MAX_IN_FLIGHT, "/healthz answered only after the held requests had timed out"
    for future in burst:
        assert_friendly_503(future.result())
    time.sleep(hang + 0.5)  # hung calls are counted when the sandbox lets go of them
    # One call per slot, plus the retries of the first time-outs that beat the breaker to opening.
    bound = MAX_IN_FLIGHT + BREAKER_THRESHOLD - 1
    assert magento.counters()["total"] <= bound, "only the bulkhead's calls reached Magento, not the whole burst"


# --- 3. 429 from Magento ----------------------------------------------------------------------------------------


def test_a_short_retry_after_is_waited_out_and_the_page_renders(
    shop: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    path, name = catalog.products[9]
    magento.fault(path="^/graphql", status=429, retry_after=1, times=1)
    page = httpx.get(f"{shop.url}{path}", timeout=30)
    assert page.status_code == 200 and name in page.text
    assert page.headers["X-Cache"] == "MISS" and page.headers["Cache-Control"].startswith("public, max-age=0")
    assert magento.counters()["total"] == 2, "one refused call, one retried call"


def test_a_long_retry_after_becomes_a_503_that_passes_it_on(
    shop: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    path, _ = catalog.products[10]
    magento.fault(path="^/graphql", status=429, retry_after=30, times=1)
    page = httpx.get(f"{shop.url}{path}", timeout=30)
    assert_friendly_503(page)
    assert page.headers["Retry-After"] == "30"
    assert magento.counters()["total"] == 1, "beyond the bound the storefront does not wait and retry"


# --- 4. Maintenance -------------------------------------------------------------------------------------------


def test_magento_maintenance_shows_the_maintenance_page(
    shop: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    assert httpx.get(f"{shop.url}{catalog.category_path}").status_code == 200
    time.sleep(2.2)  # the category copy is past fresh + stale-while-revalidate: its next request renders
    magento.fault(path="^/graphql", status=503, retry_after=120)
    stale = httpx.get(f"{shop.url}{catalog.category_path}")
    assert (stale.status_code, stale.headers["X-Cache"]) == (200, "STALE"), "cached pages stay up in maintenance"
    assert catalog.category_name in stale.text
    paths = [path for path, _ in catalog.products[11:16]]
    for path in paths:  # more than the breaker's threshold: the open circuit keeps saying "maintenance"
        page = httpx.get(f"{shop.url}{path}", timeout=30)
        assert_friendly_503(page, maintenance=True)
        assert page.headers["Retry-After"] == "120", "Magento's own estimate is passed on"
    assert magento.counters()["total"] < len(paths), "the circuit opened during the maintenance window"


# --- 4b. Magento answers, but nothing a page can be built from --------------------------------------------------


def test_a_magento_error_no_page_can_be_built_from_is_a_stale_copy_or_a_friendly_503_never_a_500(
    shop: StorefrontProcess, magento: SandboxProcess, catalog: Catalog
) -> None:
    """A resolver that throws (200, root field null, "internal"), a firewall's 403, an unexpected 4xx."""
    warm = httpx.get(f"{shop.url}{catalog.category_path}")
    assert warm.status_code == 200
    time.sleep(2.2)  # past fresh + stale-while-revalidate: the next request renders, and that render fails
    magento.fault(path="^/graphql", resolver_error=True)
    stale = httpx.get(f"{shop.url}{catalog.category_path}")
    assert stale.status_code == 200 and stale.headers["X-Cache"] == "STALE"
    assert catalog.category_name in stale.text
    assert_friendly_503(httpx.get(f"{shop.url}/search?q=resolver+fault+{time.monotonic_ns()}"))
    magento.clear_faults()

    for status in (403, 413):
        magento.fault(path="^/graphql", status=status)
        assert_friendly_503(httpx.get(f"{shop.url}/search?q=status+{status}+{time.monotonic_ns()}"))
        magento.clear_faults()

    shopper = browser()
    sign_in(shopper, shop)
    for fault in ({"resolver_error": True}, {"status": 403}):
        magento.fault(path="^/graphql", operation="AccountDashboard", **fault)
        assert_friendly_503(shopper.get(f"{shop.url}/account/"))
        magento.clear_faults()
    account = shopper.get(f"{shop.url}/account/")
    assert account.status_code == 200 and DEMO_EMAIL in account.text, "the shopper is still signed in"


def guest_to_review(client: httpx.Client, site: str, sku: str) -> None:
    """A guest with one item walks the checkout steps up to the review page."""
    address = {**{k: v for k, v in ADDRESS.items() if k != "street"}, "street1": ADDRESS["street"]}
    steps = [
        ("/cart/add", {"sku": sku, "qty": "1"}, "/cart/"),
        ("/checkout/", {"email": "ana@example.com"}, "/checkout/shipping"),
        ("/checkout/shipping", address, "/checkout/method"),
        ("/checkout/method", {"method": "flatrate_flatrate"}, "/checkout/payment"),
        ("/checkout/payment", {"payment": "checkmo", "billing_same": "1"}, "/checkout/review"),
    ]
    for path, data, goes_to in steps:
        answer = client.post(f"{site}{path}", data=data)
        assert (answer.status_code, answer.headers.get("Location")) == (303, goes_to), (path, answer.text[:300])


def orders_sent(magento: SandboxProcess) -> int:
    return magento.counters().get("rest:POST /V1/guest-carts/:cartId/payment-information", 0)


# --- 5. Redis down --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_for_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    proc = start_redis(tmp_path_factory.mktemp("failure-redis"))
    try:
        yield proc
    finally:
        proc.stop()  # the revived server, when the test brought one back


@pytest.fixture(scope="module")
def redis_storefront(
    magento: SandboxProcess, redis_for_shop: RedisProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StorefrontProcess]:
    env = {**KNOBS, "CACHE_KEY_PREFIX": "failure", "PAGECACHE_CATEGORY": "300,86400,604800"}
    proc = start_storefront(
        tmp_path_factory.mktemp("failure-redis-shop"),
        magento_url=magento.url,
        redis_url=redis_for_shop.url,
        extra_env=env,
    )
    try:
        yield proc
    finally:
        proc.stop()


def test_redis_down_the_shop_serves_uncached_and_nobody_is_logged_out(
    shop: StorefrontProcess,
    redis_storefront: StorefrontProcess,
    redis_for_shop: RedisProcess,
    magento: SandboxProcess,
    catalog: Catalog,
    tmp_path: Path,
) -> None:
    site = redis_storefront.url
    assert wait_until(lambda: ready(redis_storefront))
    shopper = browser()
    sign_in(shopper, redis_storefront)
    httpx.get(f"{site}{catalog.category_path}")
    assert httpx.get(f"{site}{catalog.category_path}").headers["X-Cache"] == "HIT", "Redis holds the page"

    redis_for_shop.process.kill()
    redis_for_shop.process.wait(timeout=10)

    product_path, product_name = catalog.products[3]
    catalog_pages = {
        "/": "",
        catalog.category_path: catalog.category_name,
        product_path: product_name,
        "/search?q=bag": "bag",
    }
    for path, expected in catalog_pages.items():
        for _ in range(2):  # twice: nothing gets cached while Redis is away, and nothing breaks either
            page = shopper.get(f"{site}{path}")
            assert page.status_code == 200, (path, page.status_code)
            assert page.headers["X-Cache"] == "MISS", "rendered, not served from a cache that is not there"
            assert expected in page.text
            assert page.headers["Cache-Control"].startswith("public, max-age=0")
    for path in ("/cart/", "/account/", "/account/orders/", "/_fragment/header", "/checkout/"):
        page = shopper.get(f"{site}{path}")
        assert page.status_code < 500, (path, page.status_code)
        assert "no-store" in page.headers["Cache-Control"], path
    account = shopper.get(f"{site}/account/")
    assert account.status_code == 200 and DEMO_EMAIL in account.text, "sessions live in the database (cached_db)"
    added = shopper.post(f"{site}/cart/add", data={"sku": catalog.skus[2], "qty": "1"})
    assert added.status_code == 303 and added.headers["Location"] == "/cart/", "rate limits fail open"
    assert cart_lines(shopper, redis_storefront) >= 1

    # Checkout works up to the review; place-order refuses honestly (no lock, no order) instead of risking two.
    guest = browser()
    guest_to_review(guest, site, catalog.skus[4])
    refused = guest.post(f"{site}/checkout/place-order")
    assert (refused.status_code, refused.headers["Location"]) == (303, "/checkout/review")
    review = guest.get(f"{site}/checkout/review")
    assert review.status_code == 200 and "nothing was ordered" in review.text
    assert orders_sent(magento) == 0

    # Magento's purge webhook is still accepted (for the Varnish edges): the replay guard cannot remember while
    # Redis is away, and signature and timestamp still have to hold.
    raw = json.dumps({"tags": ["cat_c_1"]}).encode()
    stamp = str(int(time.time()))
    webhook = {"Content-Type": "application/json", "X-Storefront-Timestamp": stamp}
    purged = httpx.post(
        f"{site}/_revalidate",
        content=raw,
        headers={**webhook, "X-Storefront-Signature": sign(settings.REVALIDATE_SECRET, stamp, raw)},
    )
    assert purged.status_code == 200 and purged.json()["ok"] is True, purged.text
    forged = httpx.post(f"{site}/_revalidate", content=raw, headers={**webhook, "X-Storefront-Signature": "0" * 64})
    assert forged.status_code == 401

    readiness = httpx.get(f"{site}/readyz")
    assert readiness.status_code == 503 and readiness.headers["Content-Type"] == "application/json"
    assert readiness.json()["redis"].startswith("down") and readiness.json()["magento"] == "ok"
    assert readiness.headers["Cache-Control"] == "no-store"
    # Each error django-redis ignored is one log line naming it, not a traceback.
    log = redis_storefront.log_path.read_text(errors="replace")
    ignored = [line for line in log.splitlines() if "Exception ignored" in line]
    assert ignored and all("ConnectionError" in line for line in ignored), ignored[:3]
    assert "Traceback" not in log

    # Redis comes back (empty) on the same port: caching resumes without restarting the storefront.
    revived = start_redis(tmp_path, port=redis_for_shop.port)  # empty, as after a crash without persistence
    redis_for_shop.process = revived.process

    def cached_again() -> bool:
        return httpx.get(f"{site}{catalog.category_path}").headers["X-Cache"] == "HIT"

    assert wait_until(cached_again, timeout=20, step=0.5)
    assert wait_until(lambda: ready(redis_storefront))
    account = shopper.get(f"{site}/account/")
    assert account.status_code == 200 and DEMO_EMAIL in account.text, "still signed in after Redis came back empty"
    placed = guest.post(f"{site}/checkout/place-order")
    assert (placed.status_code, placed.headers["Location"]) == (303, "/checkout/success")
    assert orders_sent(magento) == 1

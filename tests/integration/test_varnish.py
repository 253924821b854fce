"""Debian's Varnish with our VCL in front of a real storefront (gunicorn, Redis) and the sandbox as Magento.

What an operator would check after deploying deploy/varnish/default.vcl: catalog pages are served from Varnish
on the second request, personal pages never are, tracking parameters and foreign cookies do not split the
cache, brotli gets through, and a product save in Magento — through the storefront's signed webhook — purges
the pages that show the product in Varnish too (soft by default: served stale once, then fresh), while a hard
purge makes the next request a miss with the new content.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from storefront.pagecache.revalidate import sign
from tests.integration.test_revalidation_e2e import pick_pages
from tests.support.redis import RedisProcess, free_port
from tests.support.sandbox import SandboxProcess, start_sandbox
from tests.support.storefront import StorefrontProcess, start_storefront
from tests.support.varnish import VarnishProcess, start_varnish, varnish_missing

pytestmark = pytest.mark.skipif(varnish_missing() is not None, reason=varnish_missing() or "")
SECRET = "varnish-test-secret"  # pragma: allowlist secret


@dataclass
class Stack:
    sandbox: SandboxProcess
    shop: StorefrontProcess
    edge: VarnishProcess


@pytest.fixture(scope="module")
def stack(redis_server: RedisProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("varnish")
    shop_port, edge_port = free_port(), free_port()  # each needs to know where the other listens
    sandbox = start_sandbox(
        workdir / "sandbox",
        env={
            "STOREFRONT_REVALIDATE_URL": f"http://127.0.0.1:{shop_port}/_revalidate",
            "STOREFRONT_REVALIDATE_SECRET": SECRET,
        },
    )
    shop = edge = None
    try:
        shop = start_storefront(
            workdir / "shop",
            magento_url=sandbox.url,
            redis_url=redis_server.url,
            port=shop_port,
            extra_env={
                "CACHE_KEY_PREFIX": "varnish",
                "REVALIDATE_SECRET": SECRET,
                "VARNISH_PURGE_URLS": f"http://127.0.0.1:{edge_port}/",
            },
        )
        edge = start_varnish(workdir / "varnish", backend_port=shop_port, port=edge_port)
        yield Stack(sandbox, shop, edge)
    finally:
        if edge is not None:
            edge.stop()
        if shop is not None:
            shop.stop()
        sandbox.stop()


@pytest.fixture(scope="module")
def pages(stack: Stack) -> tuple[str, str, str, str, str]:
    return pick_pages(stack.sandbox)


def get(stack: Stack, path: str, **headers: str) -> httpx.Response:
    response = httpx.get(f"{stack.edge.url}{path}", headers=headers, timeout=30)
    assert response.status_code == 200, (path, response.status_code, stack.edge.log())
    return response


def test_a_catalog_page_is_a_varnish_hit_the_second_time(stack: Stack, pages) -> None:
    _, product, _, _, _ = pages
    first = get(stack, product)
    second = get(stack, product)
    assert first.headers["X-Edge"] == "MISS"
    assert second.headers["X-Edge"] == "HIT"
    assert len(second.headers["X-Varnish"].split()) == 2  # this request's id and the stored object's
    assert second.text == first.text
    assert "public" in second.headers["Cache-Control"]
    assert "xkey" in second.headers and "all" in second.headers["xkey"].split()


def test_tracking_parameters_and_foreign_cookies_hit_the_same_object(stack: Stack, pages) -> None:
    _, _, _, other_category, _ = pages
    get(stack, other_category)
    campaign = get(stack, f"{other_category}?utm_source=news&gclid=abc", Cookie="sessionid=abc; _ga=GA1.2")
    assert campaign.headers["X-Edge"] == "HIT"
    # A real query parameter is a different page, in any order.
    paged = get(stack, f"{other_category}?p=2&product_list_order=name")
    reordered = get(stack, f"{other_category}?product_list_order=name&utm_medium=x&p=2")
    assert paged.headers["X-Edge"] == "MISS" and reordered.headers["X-Edge"] == "HIT"


def test_the_currency_cookie_is_part_of_the_key(stack: Stack, pages) -> None:
    _, _, _, _, other_product = pages
    get(stack, other_product)
    assert get(stack, other_product, Cookie="currency=EUR").headers["X-Edge"] == "MISS"
    assert get(stack, other_product, Cookie="theme=dark; currency=EUR").headers["X-Edge"] == "HIT"
    assert get(stack, other_product).headers["X-Edge"] == "HIT"


def test_brotli_reaches_the_browser_through_varnish(stack: Stack, pages) -> None:
    category, _, _, _, _ = pages
    get(stack, category, **{"Accept-Encoding": "gzip, deflate, br"})
    again = httpx.get(f"{stack.edge.url}{category}", headers={"Accept-Encoding": "br"}, timeout=30)
    assert again.headers["Content-Encoding"] == "br" and again.headers["X-Edge"] == "HIT"
    plain = httpx.get(f"{stack.edge.url}{category}", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers and "<html" in plain.text.lower()


def test_personal_pages_are_never_cached(stack: Stack) -> None:
    with httpx.Client(base_url=stack.edge.url, timeout=30) as browser:
        for path in ("/cart/", "/_fragment/header", "/account/login/"):
            answers = [browser.get(path) for _ in range(2)]
            for answer in answers:
                assert answer.status_code == 200, (path, answer.status_code)
                assert answer.headers["X-Edge"] == "PASS", path
                assert "no-store" in answer.headers["Cache-Control"]
                assert len(answer.headers["X-Varnish"].split()) == 1  # never delivered from a stored object


def test_a_message_for_the_visitor_passes_varnish_and_shows_on_the_cached_page_once(stack: Stack, pages) -> None:
    _, product, sku, _, _ = pages
    get(stack, product)
    assert get(stack, product).headers["X-Edge"] == "HIT"
    with httpx.Client(base_url=stack.edge.url, timeout=30, headers={"Sec-Fetch-Site": "same-origin"}) as browser:
        refused = browser.post(
            "/cart/add", data={"sku": sku, "qty": "9999"}, headers={"Referer": f"{stack.edge.url}{product}"}
        )
        assert refused.status_code == 303 and refused.headers["Location"].endswith(product), refused.text[:300]
        shown = browser.get(product)
        assert shown.status_code == 200 and shown.headers["X-Edge"] == "PASS"
        assert '<div id="flash" role="status"><p class="message error">' in shown.text
        assert "no-store" in shown.headers["Cache-Control"]
        after = browser.get(product)
        assert after.headers["X-Edge"] == "HIT" and '<div id="flash" role="status"></div>' in after.text
    assert '<div id="flash" role="status"></div>' in get(stack, product).text, "the stored object never had it"


def test_a_product_save_in_magento_purges_varnish_softly(stack: Stack, pages) -> None:
    category, product, sku, _, other_product = pages
    for path in (product, category, other_product):
        get(stack, path)
        assert get(stack, path).headers["X-Edge"] == "HIT"

    new_name = f"Edge rename {time.time_ns()}"
    rename(stack, sku, new_name)

    # Soft: the stale copy is served at once (no wait for Magento) and refreshed behind it.
    assert get(stack, product).headers["X-Edge"] == "STALE"
    assert get(stack, other_product).headers["X-Edge"] == "HIT"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answers = [get(stack, p) for p in (product, category)]
        if all(new_name in a.text and a.headers["X-Edge"] == "HIT" for a in answers):
            break
        time.sleep(0.3)
    else:
        raise AssertionError("Varnish kept serving the old product name after the purge")


def webhook(stack: Stack, payload: dict[str, object]) -> httpx.Response:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    return httpx.post(
        f"{stack.edge.url}/_revalidate",  # through Varnish, which passes it on
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Storefront-Timestamp": stamp,
            "X-Storefront-Signature": sign(SECRET, stamp, body),
        },
        timeout=30,
    )


def rename(stack: Stack, sku: str, name: str) -> None:
    token = httpx.post(
        f"{stack.sandbox.url}/rest/V1/integration/admin/token",
        json={"username": "admin", "password": "sandbox123"},  # pragma: allowlist secret
    ).json()
    saved = httpx.put(
        f"{stack.sandbox.url}/rest/V1/products/{sku}",
        json={"product": {"name": name}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert saved.status_code == 200
    # Magento (the sandbox) told the storefront, which told Varnish.
    assert httpx.get(f"{stack.sandbox.url}/sandbox/webhooks").json()[-1]["status"] == 200


def test_a_hard_purge_makes_the_next_request_a_miss_with_new_content(stack: Stack, pages) -> None:
    _, product, sku, _, _ = pages
    get(stack, product)
    assert get(stack, product).headers["X-Edge"] in {"HIT", "STALE"}
    new_name = f"Hard rename {time.time_ns()}"
    rename(stack, sku, new_name)

    answer = webhook(stack, {"paths": [product], "hard": True})
    assert answer.status_code == 200
    assert answer.json()["edge"] == {"edges": 1, "failed": 0, "objects": answer.json()["edge"]["objects"]}
    assert answer.json()["edge"]["objects"] >= 1

    after = get(stack, product)
    assert after.headers["X-Edge"] == "MISS"
    assert after.headers["X-Cache"] == "MISS"  # rendered again by the storefront, not an old copy
    assert new_name in after.text
    assert get(stack, product).headers["X-Edge"] == "HIT"


def test_only_allowed_purgers_may_purge(stack: Stack, pages) -> None:
    _, _, _, _, other_product = pages
    get(stack, other_product)
    # From an allowed address but through another proxy (nginx adds X-Forwarded-For): refused.
    relayed = httpx.request(
        "PURGE", f"{stack.edge.url}/", headers={"xkey-purge": "all", "X-Forwarded-For": "203.0.113.9"}
    )
    assert relayed.status_code == 403
    assert get(stack, other_product).headers["X-Edge"] == "HIT"
    missing = httpx.request("PURGE", f"{stack.edge.url}/")
    assert missing.status_code == 400

"""End to end, as in production: a merchandiser changes a product in Magento (the sandbox's admin REST API);
Magento calls our signed revalidation webhook with the product's cache tags; the product page and the
category page that lists it refresh, while unrelated pages stay HIT."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.redis import RedisProcess, free_port
from tests.support.sandbox import SandboxProcess, start_sandbox
from tests.support.storefront import StorefrontProcess, start_storefront

CATEGORY_ITEMS = """query Items($uid: String!) {
  products(filter: {category_uid: {eq: $uid}}, pageSize: 24, sort: {position: ASC}) {
    items { __typename sku name url_key url_suffix }
  }
}"""
TREE = "{ categories { items { children { children { uid url_path url_suffix product_count } } } } }"


@pytest.fixture(scope="module")
def stack(
    redis_server: RedisProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SandboxProcess, StorefrontProcess]]:
    workdir = tmp_path_factory.mktemp("revalidation")
    port = free_port()  # the sandbox must know where the storefront's webhook will listen
    sandbox = start_sandbox(
        workdir / "sandbox", env={"STOREFRONT_REVALIDATE_URL": f"http://127.0.0.1:{port}/_revalidate"}
    )
    shop = start_storefront(
        workdir / "shop",
        magento_url=sandbox.url,
        redis_url=redis_server.url,
        port=port,
        extra_env={"CACHE_KEY_PREFIX": "reval"},
    )
    try:
        yield sandbox, shop
    finally:
        shop.stop()
        sandbox.stop()


def graphql(sandbox: SandboxProcess, query: str, **variables: object) -> dict:
    import json

    params = {"query": query, **({"variables": json.dumps(variables)} if variables else {})}
    return httpx.get(f"{sandbox.url}/graphql", params=params, timeout=30).json()["data"]


def pick_pages(sandbox: SandboxProcess) -> tuple[str, str, str, str, str]:
    """A category with a simple product on its first page, that product, and an unrelated category/product."""
    leaves = [c for top in graphql(sandbox, TREE)["categories"]["items"][0]["children"] for c in top["children"]]
    leaves = [c for c in leaves if c["product_count"]]
    chosen = None
    for leaf in leaves:
        items = graphql(sandbox, CATEGORY_ITEMS, uid=leaf["uid"])["products"]["items"]
        simple = next((i for i in items if i["__typename"] == "SimpleProduct"), None)
        if simple and chosen is None:
            chosen = (leaf, simple, {i["sku"] for i in items})
            continue
        if chosen and items and not ({i["sku"] for i in items} & chosen[2]):
            other = items[0]
            leaf0, product, _ = chosen
            return (
                f"/{leaf0['url_path']}{leaf0['url_suffix'] or ''}",
                f"/{product['url_key']}{product['url_suffix'] or ''}",
                product["sku"],
                f"/{leaf['url_path']}{leaf['url_suffix'] or ''}",
                f"/{other['url_key']}{other['url_suffix'] or ''}",
            )
    raise AssertionError("the seed has no suitable categories")


def x_cache(shop: StorefrontProcess, path: str) -> str:
    response = httpx.get(f"{shop.url}{path}", timeout=30)
    assert response.status_code == 200, (path, response.status_code)
    return response.headers["X-Cache"]


def test_a_product_save_in_magento_refreshes_exactly_the_pages_that_show_it(stack) -> None:
    sandbox, shop = stack
    category, product, sku, other_category, other_product = pick_pages(sandbox)
    pages = [category, product, other_category, other_product]
    assert [x_cache(shop, p) for p in pages] == ["MISS"] * 4
    assert [x_cache(shop, p) for p in pages] == ["HIT"] * 4

    token = httpx.post(
        f"{sandbox.url}/rest/V1/integration/admin/token", json={"username": "admin", "password": "sandbox123"}
    ).json()
    new_name = f"Renamed for the test {int(time.time())}"
    saved = httpx.put(
        f"{sandbox.url}/rest/V1/products/{sku}",
        json={"product": {"name": new_name}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert saved.status_code == 200
    webhook = httpx.get(f"{sandbox.url}/sandbox/webhooks").json()[-1]
    assert webhook["status"] == 200, webhook

    assert x_cache(shop, product) == "STALE"
    assert x_cache(shop, category) == "STALE"
    assert x_cache(shop, other_category) == "HIT"
    assert x_cache(shop, other_product) == "HIT"

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        fresh = [httpx.get(f"{shop.url}{p}") for p in (product, category)]
        if all(new_name in r.text and r.headers["X-Cache"] == "HIT" for r in fresh):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the product and category pages did not refresh with the new name")

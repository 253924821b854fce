"""Locust profile for any running shop (a staging deployment included): browse, search, add to cart, open the
checkout, and never place an order, so it is safe against a real Magento. The full load and fault suite, with
orders, outages and a report, is ``make load`` (bench/load/, docs/load.md).

Run headless against a running shop, e.g.:
    .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8000

The mix (weights): browse home/category/product 70, search 15, add to cart 10, cart and checkout entry 5.
Catalog URLs are discovered from the shop's own sitemap at start, so the profile works against any catalog.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET

from locust import HttpUser, between, events, task

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SEARCH_TERMS = ["jacket", "tee", "yoga", "bag", "short", "hoodie", "watch", "pant", "bra", "tank"]
PAGES: dict[str, list[str]] = {"category": [], "product": []}


def _locs(xml: bytes) -> list[str]:
    try:
        return [(loc.text or "").strip() for loc in ET.fromstring(xml).iter(f"{NS}loc")]  # noqa: S314 - own sitemap
    except ET.ParseError:
        return []


@events.test_start.add_listener
def discover(environment, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    """Read the shop's sitemap once. A child sitemap named after categories or products says what it lists;
    otherwise Magento's URL shape decides (category paths nest, product URL keys do not)."""
    import httpx

    host = environment.host.rstrip("/")
    index = httpx.get(f"{host}/sitemap.xml", timeout=30).content
    children = [c for c in _locs(index) if c.endswith(".xml")] or [f"{host}/sitemap.xml"]
    for child in children:
        locs = _locs(httpx.get(child, timeout=30).content) if child != f"{host}/sitemap.xml" else _locs(index)
        for url in locs:
            path = re.sub(r"^https?://[^/]+", "", url)
            if "categor" in child:
                kind = "category"
            elif "product" in child:
                kind = "product"
            else:
                kind = "category" if path.strip("/").count("/") else "product"
            PAGES[kind].append(path)
    PAGES["category"] = PAGES["category"][:200] or ["/"]
    PAGES["product"] = PAGES["product"][:2000] or ["/"]


class Shopper(HttpUser):
    wait_time = between(1, 4)

    @task(20)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(30)
    def category(self) -> None:
        path = random.choice(PAGES["category"])
        self.client.get(path, name="category")
        if random.random() < 0.3:
            self.client.get(f"{path}?p=2", name="category page 2")

    @task(20)
    def product(self) -> None:
        self.client.get(random.choice(PAGES["product"]), name="product")

    @task(15)
    def search(self) -> None:
        self.client.get("/search", params={"q": random.choice(SEARCH_TERMS)}, name="search")

    @task(10)
    def add_to_cart(self) -> None:
        product = random.choice(PAGES["product"])
        page = self.client.get(product, name="product")
        sku = re.search(r'name="sku" value="([^"]+)"', page.text or "")
        if sku:
            self.client.post(
                "/cart/add",
                data={"sku": sku.group(1), "qty": "1"},
                headers={"Sec-Fetch-Site": "same-origin"},
                name="add to cart",
            )

    @task(5)
    def checkout(self) -> None:
        self.add_to_cart()
        self.client.get("/cart/", name="cart")
        self.client.get("/checkout/", name="checkout")

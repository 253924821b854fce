"""Locust users for the load and fault suite (`make load`, bench/load/run.py starts this file headless).

Rules:
- The mix is browse 60 (home 15, category 25, product 20), search 15, cart 15, checkout 10; one user is one
  shopper with its own cookies (session, cart), so every checkout is a real guest checkout through the five steps.
- Every state-changing POST carries a same-origin ``Origin`` (and ``Sec-Fetch-Site``), as a browser's would.
- What the runner needs is recorded in a side channel, not taken from Locust's stats: one row per request
  (time, name, X-Cache state, milliseconds, status, error kind) and one row per order confirmation seen. The
  file named by ``LOAD_OUT`` is written when Locust quits; the runner classifies and aggregates it.
- A GET row keeps its path and query (the page cache's key), so a 503 in the outage for a page that was served
  from the page cache before it shows as what it is: a cached copy not served stale.
- A 5xx row also keeps the response's ``X-Request-ID``, so the runner can name its cause from the storefront's
  log (a Magento timeout, the bulkhead, an open circuit, or nothing from Magento: the storefront's own fault).
- Error kinds: ``HTTP <status>``, ``connection error`` (no answer at all) and ``wrong content`` (a 2xx/3xx that
  is not what the step should show: no add-to-cart form, a checkout step that lands on another page, a
  confirmation without an order number). A form that lands on the wrong page is recorded with the message the
  shop showed the shopper there (or, failing that, in the header fragment).
- The catalogue comes from ``LOAD_CATALOG`` (JSON written by the runner from the sandbox's GraphQL), so only
  in-stock products with plenty of stock are bought and the run measures the shop, not stock-outs.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from requests import Response

CATALOG: dict[str, Any] = json.loads(Path(os.environ["LOAD_CATALOG"]).read_text())
OUT = Path(os.environ["LOAD_OUT"])
TIMEOUT = 60  # seconds; longer than gunicorn's worker timeout, so a stuck worker shows as an HTTP error
SEARCH_TERMS = ["jacket", "tee", "yoga", "bag", "short", "hoodie", "watch", "pant", "bra", "tank", "zzzz-none"]
ADDRESS = {
    "firstname": "Load",
    "lastname": "Tester",
    "street1": "1 Main Street",
    "city": "Austin",
    "postcode": "78701",
    "country_id": "US",
    "region_id": "57",
    "telephone": "5551234",
}
ORDER_NUMBER = re.compile(r"order number is <strong>([^<]+)</strong>")
MESSAGE = re.compile(r'<p class="message [^"]*">([^<]+)</p>')

# Side channel: columns rather than dicts keep 100k+ rows small.
ROWS: dict[str, list[Any]] = {
    "t": [],
    "name": [],
    "state": [],
    "ms": [],
    "status": [],
    "error": [],
    "rid": [],
    "path": [],
}
DETAILS: dict[str, int] = {}  # failure message -> count, e.g. which page a checkout step landed on
ORDERS: list[dict[str, Any]] = []
CHECKOUTS: dict[str, int] = {}
_user_ids = itertools.count(1)


def _kind(response: Any, exception: BaseException | None) -> str:
    status = getattr(response, "status_code", 0) or 0
    if exception is None:
        return ""
    if status >= 400:
        return f"HTTP {status}"
    if status == 0:
        return "connection error"
    return "wrong content"


@events.request.add_listener
def record(name: str, response_time: float, response: Any, exception: BaseException | None, **_kw: Any) -> None:
    headers = getattr(response, "headers", None) or {}
    ROWS["t"].append(round(time.time(), 3))
    ROWS["name"].append(name)
    ROWS["state"].append(headers.get("X-Cache", "-"))
    ROWS["ms"].append(round(response_time, 1))
    ROWS["status"].append(getattr(response, "status_code", 0) or 0)
    kind = _kind(response, exception)
    ROWS["error"].append(kind)
    # The storefront's request id of a 5xx: the runner finds in the storefront log what Magento did.
    ROWS["rid"].append(headers.get("X-Request-ID", "") if ROWS["status"][-1] >= 500 else "")
    # Path and query as asked (the page cache's key): a 503 in the outage for a page served before it is a
    # cached copy that was not served stale.
    request = getattr(response, "request", None)
    ROWS["path"].append(getattr(request, "path_url", "") if getattr(request, "method", "") == "GET" else "")
    if kind:
        detail = f"{name}: {str(exception)[:160]}"
        DETAILS[detail] = DETAILS.get(detail, 0) + 1


@events.quitting.add_listener
def dump(**_kw: Any) -> None:
    OUT.write_text(json.dumps({"rows": ROWS, "orders": ORDERS, "checkouts": CHECKOUTS, "details": DETAILS}))


def _outcome(what: str) -> None:
    CHECKOUTS[what] = CHECKOUTS.get(what, 0) + 1


ANSWER_LOST = "your order may already have been placed"


def _path(response: Response) -> str:
    return re.sub(r"^https?://[^/]+", "", response.url).split("?")[0]


class Shopper(HttpUser):
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.number = next(_user_ids)
        self.last_status = 0  # of the last form POST (a 503 page asks the shopper to try again)
        origin = self.host.rstrip("/")
        self.post_headers = {"Origin": origin, "Sec-Fetch-Site": "same-origin"}

    # --- helpers -------------------------------------------------------------------------------------------
    def page(self, path: str, name: str, must_contain: str = "</html>") -> Response | None:
        with self.client.get(path, name=name, timeout=TIMEOUT, catch_response=True) as response:
            if response.ok and must_contain not in (response.text or ""):
                response.failure(f"wrong content: {name} without {must_contain!r}")
            return response if response.ok else None

    def post(
        self,
        path: str,
        data: dict[str, str],
        name: str,
        lands_on: str | None = None,
        must_contain: str = "",
        referer: str = "",
    ) -> Response | None:
        """POST a form and follow the 303 like a browser; ``lands_on`` is the path the step must end on."""
        headers = {**self.post_headers, **({"Referer": self.host.rstrip("/") + referer} if referer else {})}
        with self.client.post(
            path, data=data, headers=headers, name=name, timeout=TIMEOUT, catch_response=True
        ) as response:
            self.last_status = response.status_code
            if not response.ok:
                return None
            landed = re.sub(r"^https?://[^/]+", "", response.url).split("?")[0]
            if lands_on is not None and landed != lands_on:
                response.failure(f"wrong content: {name} landed on {landed}{self.told(response)}")
                return None
            if must_contain and must_contain not in (response.text or ""):
                response.failure(f"wrong content: {name} without {must_contain!r}")
                return None
            return response

    def told(self, landed: Response) -> str:
        """The message the shop showed this shopper on the page the form landed on (a refused add goes back to
        the cached product page, which then carries it in ``#flash``), as ``": <text>"``; else the header
        fragment's (as a browser's htmx would show it); empty when there is none."""
        found = MESSAGE.search(landed.text or "")
        if found is None:
            fragment = self.client.get("/_fragment/header", name="header fragment", timeout=TIMEOUT)
            found = MESSAGE.search(fragment.text or "") if fragment.ok else None
        return f": {found.group(1)[:120]}" if found else ""

    def add_something(self) -> bool:
        item = random.choice(CATALOG["purchasable"])
        if not self.page(item["url"], "product", 'name="sku"'):
            return False
        data = {"sku": item["sku"], "qty": "1", **item["options"]}
        # With the product page as Referer, as a browser sends it, a refused add goes back to the product page
        # with its message; without it the storefront would fall back to the cart and hide the failure.
        added = self.post("/cart/add", data, "cart add", "/cart/", "added to your cart", referer=item["url"])
        return added is not None

    # --- the mix ---------------------------------------------------------------------------------------------
    @task(15)
    def home(self) -> None:
        self.page("/", "home")

    @task(25)
    def category(self) -> None:
        path = random.choice(CATALOG["categories"])
        self.page(path, "category")
        if random.random() < 0.3:
            self.page(f"{path}?p=2", "category")

    @task(20)
    def product(self) -> None:
        self.page(random.choice(CATALOG["products"]), "product", 'name="sku"')

    @task(15)
    def search(self) -> None:
        self.page(f"/search?q={random.choice(SEARCH_TERMS)}", "search")

    @task(15)
    def cart(self) -> None:
        if self.add_something():
            self.page("/cart/", "cart")

    @task(10)
    def checkout(self) -> None:
        _outcome("started")
        if not self.add_something():
            _outcome("add to cart failed")
            return
        steps = [
            ("/checkout/", {"email": f"load{self.number}@example.com"}, "checkout email", "/checkout/shipping"),
            ("/checkout/shipping", ADDRESS, "checkout shipping", "/checkout/method"),
            ("/checkout/method", {"method": "flatrate_flatrate"}, "checkout method", "/checkout/payment"),
            ("/checkout/payment", {"payment": "checkmo", "billing_same": "1"}, "checkout payment", "/checkout/review"),
        ]
        if not self.page("/cart/", "cart"):
            _outcome("cart failed")
            return
        for path, data, name, lands_on in steps:
            if self.post(path, data, name, lands_on) is None:
                _outcome(f"{name} failed")
                return
        _outcome("place order submitted")
        placed = self.post("/checkout/place-order", {}, "place order", None)
        if placed is not None and _path(placed) == "/checkout/review" and ANSWER_LOST in (placed.text or ""):
            # Magento did not answer in time; the page asks the shopper to press again, as a shopper would.
            _outcome("place order: no answer, pressed again")
            time.sleep(random.uniform(5, 10))
            placed = self.post("/checkout/place-order", {}, "place order (again)", "/checkout/success")
        for _ in range(3):
            if placed is not None or self.last_status != 503:
                break
            # The outage page's "Go back and try again" leads to the review step, which first asks Magento
            # whether an unanswered order went through (then it shows the confirmation); a shopper tries again.
            _outcome("place order: 503, tried again")
            time.sleep(random.uniform(10, 15))
            back = self.page("/checkout/review", "place order (try again)")
            if back is not None and _path(back) == "/checkout/success":
                placed = back
            elif back is not None and _path(back) == "/checkout/review":
                placed = self.post("/checkout/place-order", {}, "place order (again)", "/checkout/success")
        if placed is not None and _path(placed) != "/checkout/success":
            _outcome(f"place order landed on {_path(placed)}")
            placed = None
        found = ORDER_NUMBER.search(placed.text or "") if placed is not None else None
        if not found:
            _outcome("place order failed")
            return
        _outcome("confirmed")
        ORDERS.append({"t": time.time(), "number": found.group(1), "user": self.number})

"""The synthetic checkout: one guest order placed through a running storefront, step by step, timed.

Rules:
- It speaks HTTP to the storefront the way a shopper's browser without JavaScript does (links, forms, cookies,
  redirects), so a run exercises everything a real order passes through — gunicorn, middleware, page cache,
  sessions, CSRF, the cart and checkout views and, behind them, the configured Magento. Calling the cart and
  checkout services in-process would miss a broken deployment (proxy, static files, workers, settings).
- Every step checks what a shopper would see (status, the page it landed on, the form it needs) and raises
  ``StepFailed`` naming the step; nothing is retried, so a failure is reported exactly as it happened.
- The only thing it reads from the page is what our own templates render (card links, the buy form, the
  checkout forms, the order number); it never reads Magento directly.
- It never prints cookies, tokens or form values other than the synthetic e-mail and the order number.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

USER_AGENT = "storefront-synthetic-checkout/1"


class StepFailed(Exception):
    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


@dataclass
class Address:
    firstname: str = "Synthetic"
    lastname: str = "Monitor"
    street1: str = "1 Synthetic Way"
    city: str = "Austin"
    country_id: str = "US"
    region: str = "Texas"  # a region name as the storefront lists it, or free text for countries without a list
    postcode: str = "78701"
    telephone: str = "5550100"


@dataclass
class Options:
    base_url: str
    email: str
    address: Address
    category: str = ""  # a category URL path; "" = the first entry of the category menu
    shipping_method: str = ""  # carrier_method code; "" = the first one offered
    payment: str = "checkmo"
    timeout: float = 20.0
    max_products: int = 12  # product pages tried before giving up on finding one that can be bought


@dataclass
class Step:
    name: str
    ms: float
    status: int
    detail: str = ""


@dataclass
class Result:
    steps: list[Step] = field(default_factory=list)
    order_number: str = ""
    failed: StepFailed | None = None

    @property
    def total_ms(self) -> float:
        return sum(step.ms for step in self.steps)


class _Page(HTMLParser):
    """The few things of our own templates the journey needs, collected in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.menu: list[str] = []
        self.cards: list[dict[str, Any]] = []
        self.forms: list[dict[str, Any]] = []
        self.order_number = ""
        self._in_menu = False
        self._in_unavailable = False
        self._select: dict[str, Any] | None = None
        self._optgroup = ""
        self._option: dict[str, Any] | None = None
        self._in_order_number = 0
        self._text: list[str] = []

    @property
    def _form(self) -> dict[str, Any] | None:
        return self.forms[-1] if self.forms and self.forms[-1]["open"] else None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attrs_list}
        classes = set(attrs.get("class", "").split())
        if tag == "nav" and "menu" in classes:
            self._in_menu = True
        elif tag == "a" and self._in_menu and attrs.get("href"):
            self.menu.append(attrs["href"])
        elif tag == "li" and "product-card" in classes:
            self.cards.append({"url": "", "out_of_stock": False})
        elif tag == "a" and "card-link" in classes and self.cards:
            self.cards[-1]["url"] = attrs.get("href", "")
        elif tag == "span" and {"stock", "out"} <= classes and self.cards:
            self.cards[-1]["out_of_stock"] = True
        elif tag == "span" and "value" in classes:
            self._in_unavailable = "unavailable" in classes
        elif tag == "form":
            self.forms.append(
                {
                    "open": True,
                    "id": attrs.get("id", ""),
                    "action": attrs.get("action", ""),
                    "method": attrs.get("method", "get").lower(),
                    "inputs": [],
                    "selects": {},
                    "submit_disabled": False,
                }
            )
        elif tag == "input" and self._form is not None:
            self._form["inputs"].append({**attrs, "_unavailable": self._in_unavailable})
        elif tag == "button" and self._form is not None and "primary" in classes:
            self._form["submit_disabled"] = "disabled" in attrs
        elif tag == "select" and self._form is not None:
            self._select = {"options": []}
            self._form["selects"][attrs.get("name", "")] = self._select
        elif tag == "optgroup":
            self._optgroup = attrs.get("label", "")
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value", ""), "group": self._optgroup, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "p" and "order-number" in classes:
            self._in_order_number = 1
        elif tag == "strong" and self._in_order_number:
            self._in_order_number = 2

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_menu = False
        elif tag == "span":
            self._in_unavailable = False
        elif tag == "form" and self._form is not None:
            self._form["open"] = False
        elif tag == "select":
            self._select = None
        elif tag == "optgroup":
            self._optgroup = ""
        elif tag == "option":
            self._option = None
        elif tag == "strong" and self._in_order_number == 2:
            self.order_number = "".join(self._text).strip()
            self._in_order_number = 0

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._in_order_number == 2:
            self._text.append(data)

    def form(self, *, action_ends: str = "", form_id: str = "", marker: str = "") -> dict[str, Any] | None:
        for form in self.forms:
            if form_id and form["id"] != form_id:
                continue
            if action_ends and not form["action"].split("?")[0].endswith(action_ends):
                continue
            if marker and not any(i.get("name") == marker for i in form["inputs"]) and marker not in form["selects"]:
                continue
            return form
        return None


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


class Journey:
    """One synthetic checkout; ``run()`` returns the timed steps and the order number, or the failed step."""

    def __init__(self, options: Options, *, on_step: Callable[[Step], None] | None = None) -> None:
        self.options = options
        self.base = options.base_url.rstrip("/")
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.base))
        self.client = httpx.Client(
            base_url=self.base,
            timeout=options.timeout,
            follow_redirects=True,
            # Our CSRF check accepts a same-origin Origin header (storefront/csrf.py), as from a browser.
            headers={"User-Agent": USER_AGENT, "Origin": origin},
        )
        self.result = Result()
        self.on_step = on_step or (lambda step: None)

    # --- plumbing ---
    def _request(self, step: str, method: str, url: str, data: dict[str, str] | None = None) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = self.client.request(method, url, data=data)
        except httpx.HTTPError as exc:
            self._record(step, started, 0, f"{method} {url}")
            raise StepFailed(step, f"{type(exc).__name__} on {method} {url}: {exc}") from None
        return response

    def _record(self, step: str, started: float, status: int, detail: str = "") -> None:
        recorded = Step(step, (time.perf_counter() - started) * 1000, status, detail)
        self.result.steps.append(recorded)
        self.on_step(recorded)

    def _step(
        self, step: str, method: str, url: str, data: dict[str, str] | None = None, *, lands_on: str = ""
    ) -> tuple[httpx.Response, _Page]:
        started = time.perf_counter()
        response = self._request(step, method, url, data)
        landed = response.url.path
        self._record(step, started, response.status_code, landed if landed != urlsplit(url).path else "")
        if response.status_code != 200:
            raise StepFailed(step, f"{method} {url} answered {response.status_code} at {landed}")
        if lands_on and not landed.endswith(lands_on):
            message = _first_message(response.text)
            raise StepFailed(step, f"expected {lands_on}, landed on {landed}" + (f" ({message})" if message else ""))
        return response, parse(response.text)

    # --- the journey ---
    def run(self) -> Result:
        try:
            with self.client:
                self._journey()
        except StepFailed as failed:
            self.result.failed = failed
        return self.result

    def _journey(self) -> None:
        _, home = self._step("home", "GET", "/")
        category = self.options.category or next(iter(home.menu), "")
        if not category:
            raise StepFailed("home", "the home page shows no category menu")
        _, listing = self._step("category", "GET", category)
        cards = [card for card in listing.cards if card["url"] and not card["out_of_stock"]]
        if not cards:
            raise StepFailed("category", f"{category} lists no product in stock")
        fields = self._choose_product(cards[: self.options.max_products])
        self._step("add_to_cart", "POST", "/cart/add", fields, lands_on="/cart/")
        cart, _ = self._step("cart", "GET", "/cart/")
        if 'href="/checkout/"' not in cart.text:
            message = _first_message(cart.text)
            raise StepFailed("cart", "the cart offers no way to checkout" + (f" ({message})" if message else ""))
        _, email_page = self._step("checkout", "GET", "/checkout/", lands_on="/checkout/")
        if email_page.form(marker="email") is None:
            raise StepFailed("checkout", "no e-mail form (is a customer signed in?)")
        _, shipping = self._step(
            "email", "POST", "/checkout/", {"email": self.options.email}, lands_on="/checkout/shipping"
        )
        address = self._address_fields(shipping)
        _, method_page = self._step(
            "shipping_address", "POST", "/checkout/shipping", address, lands_on="/checkout/method"
        )
        method = self._pick("shipping_method", method_page, "method", self.options.shipping_method)
        _, payment_page = self._step(
            "shipping_method", "POST", "/checkout/method", {"method": method}, lands_on="/checkout/payment"
        )
        payment = self._pick("payment", payment_page, "payment", self.options.payment)
        pay = {"payment": payment, "billing_same": "1"}
        self._step("payment", "POST", "/checkout/payment", pay, lands_on="/checkout/review")
        _, success = self._step("place_order", "POST", "/checkout/place-order", {}, lands_on="/checkout/success")
        if not success.order_number:
            raise StepFailed("place_order", "the confirmation page shows no order number")
        self.result.order_number = success.order_number

    def _choose_product(self, cards: list[dict[str, Any]]) -> dict[str, str]:
        """The first product page whose Add to cart button is enabled, with an available choice per option."""
        for card in cards:
            _, page = self._step("product", "GET", card["url"])
            buy = page.form(form_id="buy")
            if buy is None:
                continue
            choice: dict[str, str] = {}
            for field_input in buy["inputs"]:
                name = field_input.get("name", "")
                if field_input.get("type") == "radio" and not field_input["_unavailable"] and name not in choice:
                    choice[name] = field_input.get("value", "")
            if choice:  # a configurable: show that selection (the no-JS path) to learn if it can be bought
                _, page = self._step("product", "GET", f"{urlsplit(card['url']).path}?{urlencode(choice)}")
                buy = page.form(form_id="buy")
                if buy is None:
                    continue
            if buy["submit_disabled"]:
                continue
            hidden = {i["name"]: i.get("value", "") for i in buy["inputs"] if i.get("type") == "hidden" and "name" in i}
            if "sku" not in hidden:
                continue
            return {**hidden, **choice, "qty": "1"}
        raise StepFailed("product", f"none of {len(cards)} product pages could be added to the cart")

    def _address_fields(self, page: _Page) -> dict[str, str]:
        a = self.options.address
        fields = {
            "firstname": a.firstname,
            "lastname": a.lastname,
            "company": "",
            "street1": a.street1,
            "street2": "",
            "city": a.city,
            "country_id": a.country_id,
            "region_id": "",
            "region": "",
            "postcode": a.postcode,
            "telephone": a.telephone,
        }
        form = page.form(action_ends="/checkout/shipping", marker="street1")
        if form is None:
            raise StepFailed("shipping_address", "no address form on the shipping step")
        countries = {o["value"]: o["text"].strip() for o in form["selects"].get("country_id", {}).get("options", [])}
        if a.country_id not in countries:
            raise StepFailed("shipping_address", f"country {a.country_id} is not offered")
        regions = [o for o in form["selects"].get("region_id", {}).get("options", []) if o["value"]]
        listed = [o for o in regions if o["group"] == countries[a.country_id]]
        if listed:
            match = next((o for o in listed if o["text"].strip().lower() == a.region.lower()), None)
            if match is None:
                raise StepFailed("shipping_address", f"region {a.region!r} is not listed for {a.country_id}")
            fields["region_id"] = match["value"]
        else:
            fields["region"] = a.region
        return fields

    def _pick(self, step: str, page: _Page, name: str, wanted: str) -> str:
        offered = [i.get("value", "") for form in page.forms for i in form["inputs"] if i.get("name") == name]
        if not offered:
            raise StepFailed(step, f"no {name.replace('_', ' ')} is offered")
        if wanted and wanted not in offered:
            raise StepFailed(step, f"{wanted} is not offered (offered: {', '.join(offered)})")
        return wanted or offered[0]


def _first_message(html: str) -> str:
    """The first flash message or form error on a page, for the failure line (shopper-facing text only)."""

    class _Messages(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.depth = 0
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            classes = set((dict(attrs).get("class") or "").split())
            if self.depth:
                self.depth += 1
            elif not self.text and classes & {"messages", "message", "error"}:
                self.depth = 1

        def handle_endtag(self, tag: str) -> None:
            if self.depth:
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.depth:
                self.text.append(data)

    parser = _Messages()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split())[:200]

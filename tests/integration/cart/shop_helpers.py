"""Helpers for cart, checkout and journey tests: find sellable products in the sandbox, sign a customer in.

Rules: products are discovered through the sandbox's public GraphQL (as a shopper would see them), never
hard-coded beyond the documented seed facts; a customer is signed in through Magento's real token route
and ``customer_session.sign_in`` on a test request, so the ``customer_signed_in`` receivers run.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

DEMO_EMAIL = "roni_cost@example.com"
DEMO_EMAIL_3 = "roni_cost3@example.com"
DEMO_PASSWORD = "Password123!"

ADDRESS = {
    "firstname": "Ana",
    "lastname": "Tester",
    "street": "1 Main Street",
    "city": "Austin",
    "postcode": "78701",
    "country_id": "US",
    "region_id": "57",
    "telephone": "5551234",
}


@dataclass(frozen=True)
class Configurable:
    sku: str
    url: str
    chosen: dict[str, str]  # attribute code -> value_index of an in-stock variant
    variant_sku: str


def graphql(base_url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        base_url + "/graphql", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    if "data" not in payload or payload.get("errors"):
        raise AssertionError(f"sandbox GraphQL failed: {payload.get('errors')}")
    return payload["data"]


def rest(base_url: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body if body is not None else {}).encode() if method in ("POST", "PUT") else None
    request = urllib.request.Request(base_url + "/rest/default" + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def customer_token(base_url: str, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> str:
    return rest(base_url, "POST", "/V1/integration/customer/token", {"username": email, "password": password})


_PRODUCTS = """query { products(filter: {price: {from: "1"}}, pageSize: 100) { items {
  __typename sku url_key url_suffix stock_status
  ... on ConfigurableProduct { variants { product { sku stock_status } attributes { code value_index } } }
} } }"""


def _items(base_url: str) -> list[dict[str, Any]]:
    return graphql(base_url, _PRODUCTS)["products"]["items"]


def simple_sku(base_url: str, skip: int = 0) -> str:
    found = [
        item["sku"]
        for item in _items(base_url)
        if item["__typename"] == "SimpleProduct" and item["stock_status"] == "IN_STOCK"
    ]
    return found[skip]


def configurable(base_url: str) -> Configurable:
    for item in _items(base_url):
        if item["__typename"] != "ConfigurableProduct" or item["stock_status"] != "IN_STOCK":
            continue
        for variant in item.get("variants") or []:
            if variant["product"]["stock_status"] == "IN_STOCK":
                chosen = {a["code"]: str(a["value_index"]) for a in variant["attributes"]}
                url = "/" + item["url_key"] + (item.get("url_suffix") or "")
                return Configurable(item["sku"], url, chosen, variant["product"]["sku"])
    raise LookupError("no in-stock configurable in the sandbox")


def same_origin() -> dict[str, str]:
    return {"Sec-Fetch-Site": "same-origin"}


def sign_in_client(client: Any, base_url: str, email: str = DEMO_EMAIL) -> str:
    """Sign ``client`` in as a real customer (token from the sandbox) the way the accounts app does."""
    from django.contrib.sessions.backends.base import SessionBase
    from django.http import HttpRequest

    from storefront import customer_session

    token = customer_token(base_url, email)
    request = HttpRequest()
    request.path = "/"
    session: SessionBase = client.session
    request.session = session
    customer_session.sign_in(request, token, firstname="Roni", email=email)
    session.save()
    client.cookies["sessionid"] = session.session_key
    return token


def quote_url(query: dict[str, str]) -> str:
    return urllib.parse.urlencode(query)

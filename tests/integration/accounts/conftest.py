"""Fixtures for the account tests: browsers that pass the CSRF check as a real one does, signed-in
shoppers, direct calls to the sandbox (as Magento) and an empty shared cache per test (rate limits)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from storefront import customer_session

RONI = "roni_cost@example.com"
RONI3 = "roni_cost3@example.com"
PASSWORD = "Password123!"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Rate-limit counters and the country list live in the shared cache: start every test without them."""
    cache.clear()
    yield
    cache.clear()


def browser(ip: str = "10.0.0.1") -> Client:
    """A client like a current browser on our own pages: ``Sec-Fetch-Site: same-origin`` on every request,
    Django's CSRF check enforced (so a missing header would be refused)."""
    return Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "same-origin"}, REMOTE_ADDR=ip)


def sign_in(client: Client, email: str = RONI, password: str = PASSWORD, next_url: str = "") -> Any:
    data = {"email": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/account/login/", data)


def session_token(client: Client) -> str | None:
    return client.session.get(customer_session.TOKEN)


def magento(sandbox: Any, method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, Any]:
    """Call the sandbox's REST API directly, as another client of Magento would."""
    data = json.dumps(body).encode() if body is not None else (b"{}" if method in ("POST", "PUT") else None)
    request = urllib.request.Request(f"{sandbox.url}/rest/default{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def order_numbers(sandbox: Any, token: str) -> list[str]:
    """The customer's order numbers, asked of Magento directly (GraphQL ``customer { orders }``)."""
    query = "{ customer { orders(pageSize: 50) { items { number } } } }"
    request = urllib.request.Request(
        f"{sandbox.url}/graphql", data=json.dumps({"query": query}).encode(), method="POST"
    )
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.loads(response.read())
    return [o["number"] for o in data["data"]["customer"]["orders"]["items"]]


def outbox(sandbox: Any) -> list[dict[str, Any]]:
    return sandbox._call("GET", "/sandbox/outbox")

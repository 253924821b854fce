"""Helpers for the sandbox's REST/customer-GraphQL tests: a tiny JSON client and catalog look-ups.

Rules: every call goes over HTTP to the real sandbox process; the catalog is read from the process's own
SQLite file (read-only) only to *choose* test products (a configurable with stock, an out-of-stock simple),
so the tests do not hard-code the seed's SKUs.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.sandbox import SandboxProcess

DEMO_EMAIL = "roni_cost@example.com"
DEMO_PASSWORD = "Password123!"
ADMIN = {"username": "admin", "password": "sandbox123"}


@dataclass
class Reply:
    status: int
    body: Any

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body!r})"


class Rest:
    def __init__(self, sandbox: SandboxProcess, store: str = "default") -> None:
        self.base = f"{sandbox.url}/rest/{store}/V1/"
        self.http = httpx.Client(timeout=30)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None, **kw: Any) -> Reply:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
            kw["content"] = json.dumps(body)
        response = self.http.request(method, self.base + path, headers=headers, **kw)
        return Reply(response.status_code, response.json() if response.content else None)

    def get(self, path: str, token: str | None = None, **kw: Any) -> Reply:
        return self.call("GET", path, token=token, **kw)

    def post(self, path: str, body: Any = None, token: str | None = None) -> Reply:
        return self.call("POST", path, body, token)

    def put(self, path: str, body: Any = None, token: str | None = None) -> Reply:
        return self.call("PUT", path, body, token)

    def delete(self, path: str, token: str | None = None) -> Reply:
        return self.call("DELETE", path, token=token)

    def ok(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        reply = self.call(method, path, body, token)
        assert reply.status == 200, reply
        return reply.body

    def login(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> str:
        return self.ok("POST", "integration/customer/token", {"username": email, "password": password})

    def register(self, password: str = "Secret-pass1", **customer: Any) -> tuple[dict[str, Any], str]:
        email = customer.pop("email", f"t-{uuid.uuid4().hex[:10]}@example.com")
        data = {"email": email, "firstname": "Test", "lastname": "Shopper", **customer}
        created = self.ok("POST", "customers", {"customer": data, "password": password})
        return created, self.login(email, password)


def graphql(
    sandbox: SandboxProcess, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = httpx.post(
        f"{sandbox.url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )
    return response.status_code, response.json()


def _db(sandbox: SandboxProcess) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{sandbox.env['SANDBOX_DB']}?mode=ro", uri=True)


@dataclass(frozen=True)
class Child:
    parent_sku: str
    sku: str
    color: int
    size: int
    qty: float
    price: float


def configurable_child(sandbox: SandboxProcess, min_qty: int = 10) -> Child:
    """A configurable parent and one in-stock child with plenty of stock and no special price."""
    with _db(sandbox) as db:
        row = db.execute(
            "SELECT p.sku, c.sku, c.color, c.size, c.qty, c.price FROM sandbox_catalog_product c "
            "JOIN sandbox_catalog_product p ON p.id = c.parent_id "
            "WHERE c.in_stock = 1 AND c.status = 1 AND p.status = 1 AND c.qty >= ? AND c.special_price IS NULL "
            "ORDER BY c.id LIMIT 1",
            (min_qty,),
        ).fetchone()
    assert row, "the seed has no configurable child with stock"
    return Child(*row)


def simple_product(sandbox: SandboxProcess, *, min_qty: int = 10, max_price: float = 1e9) -> tuple[str, float]:
    with _db(sandbox) as db:
        row = db.execute(
            "SELECT sku, price FROM sandbox_catalog_product WHERE type_id = 'simple' AND parent_id IS NULL "
            "AND in_stock = 1 AND status = 1 AND qty >= ? AND special_price IS NULL AND price <= ? "
            "ORDER BY id LIMIT 1",
            (min_qty, max_price),
        ).fetchone()
    assert row, "the seed has no plain simple product with stock"
    return row[0], row[1]


def out_of_stock_simple(sandbox: SandboxProcess) -> str:
    with _db(sandbox) as db:
        row = db.execute(
            "SELECT sku FROM sandbox_catalog_product WHERE type_id = 'simple' AND in_stock = 0 ORDER BY id LIMIT 1"
        ).fetchone()
    assert row, "the seed has no out-of-stock product"
    return row[0]


def attribute_ids(sandbox: SandboxProcess) -> dict[str, int]:
    with _db(sandbox) as db:
        return dict(db.execute("SELECT code, attribute_id FROM sandbox_catalog_attribute").fetchall())


def product_qty(sandbox: SandboxProcess, sku: str) -> float:
    with _db(sandbox) as db:
        return db.execute("SELECT qty FROM sandbox_catalog_product WHERE sku = ?", (sku,)).fetchone()[0]


US_ADDRESS = {
    "firstname": "Ana",
    "lastname": "Lima",
    "street": ["1 Main St"],
    "city": "Los Angeles",
    "region_id": 12,
    "region_code": "CA",
    "country_id": "US",
    "postcode": "90001",
    "telephone": "555-0100",
}


def shipping_info(carrier: str = "flatrate", method: str = "flatrate", **address: Any) -> dict[str, Any]:
    addr = {**US_ADDRESS, **address}
    return {
        "addressInformation": {
            "shipping_address": addr,
            "billing_address": addr,
            "shipping_carrier_code": carrier,
            "shipping_method_code": method,
        }
    }

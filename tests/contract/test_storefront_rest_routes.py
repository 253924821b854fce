"""Every REST call the storefront makes is a real Magento route a shopper may call, with real body keys.

The calls are collected from the source of every ``upstream.py`` (the only modules that talk to Magento):
each ``.rest("METHOD", "/V1/…", json={…})`` with literal method and path. A call built any other way fails
the collection test, so nothing slips past the check.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import pytest

from tests.support.magento_reference import (
    REPO,
    REST_VERSIONS,
    body_keys,
    shopper_operations,
    template_to_openapi,
)

APPS = ("catalog", "cart", "checkout", "accounts")


@dataclass(frozen=True)
class RestCall:
    where: str
    method: str
    path: str
    body: frozenset[str] | None


def collect_rest_calls() -> tuple[list[RestCall], list[str]]:
    calls: list[RestCall] = []
    problems: list[str] = []
    for app in APPS:
        source = REPO / app / "upstream.py"
        if not source.exists():
            continue
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "rest":
                continue
            where = f"{app}/upstream.py:{node.lineno}"
            if len(node.args) < 2 or not all(isinstance(a, ast.Constant) for a in node.args[:2]):
                problems.append(f"{where}: method and path must be literal strings")
                continue
            body = None
            for kw in node.keywords:
                if kw.arg == "json" and isinstance(kw.value, ast.Dict):
                    body = frozenset(k.value for k in kw.value.keys if isinstance(k, ast.Constant))
            calls.append(RestCall(where, node.args[0].value.upper(), node.args[1].value, body))
    return calls, problems


CALLS, PROBLEMS = collect_rest_calls()


def test_every_rest_call_is_checkable() -> None:
    assert not PROBLEMS, PROBLEMS


def route_problem(method: str, path: str, body: frozenset[str] | None, version: str) -> str | None:
    operation = shopper_operations(version).get((method, template_to_openapi(path)))
    if operation is None:
        return f"{method} {path} is not a shopper route on Magento {version}"
    accepted = body_keys(operation)
    if body is not None and accepted is not None and not body <= accepted:
        return f"{method} {path} body keys {sorted(body - accepted)} unknown on Magento {version}"
    return None


@pytest.mark.parametrize("version", REST_VERSIONS)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method} {c.path}")
def test_rest_call_is_a_real_shopper_route(call: RestCall, version: str) -> None:
    assert route_problem(call.method, call.path, call.body, version) is None


@pytest.mark.parametrize("version", REST_VERSIONS)
def test_the_check_knows_real_routes_from_invented_ones(version: str) -> None:
    assert route_problem("POST", "/V1/guest-carts/:cartId/items", frozenset({"cartItem"}), version) is None
    assert route_problem("POST", "/V1/carts/mine/items", frozenset({"cartItem"}), version) is None
    assert route_problem("PUT", "/V1/guest-carts/:cartId", frozenset({"storeId"}), version) is None
    assert route_problem("GET", "/V1/orders/mine", None, version) is not None
    assert route_problem("GET", "/V1/customers/me/addresses", None, version) is not None
    assert route_problem("POST", "/V1/guest-carts/:cartId/items", frozenset({"item"}), version) is not None
    # Admin-only routes are never for shopper flows.
    assert route_problem("GET", "/V1/orders/:id", None, version) is not None

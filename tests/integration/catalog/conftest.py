"""Helpers for catalog integration tests: ask the sandbox directly what a page should show."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import httpx
import pytest


class Magento:
    """A tiny GraphQL client straight to the sandbox, to compare pages with Magento's own answer."""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, text: str, variables: dict[str, Any] | None = None, store: str = "default") -> dict[str, Any]:
        params = {"query": text}
        if variables:
            params["variables"] = json.dumps(variables)
        body = httpx.get(f"{self.url}/graphql", params=params, headers={"Store": store}, timeout=10).json()
        assert "errors" not in body, body
        return body["data"]


@pytest.fixture
def magento(shop) -> Magento:
    return Magento(shop.url)


def text_of(response) -> str:
    """The response body with entities decoded (names such as "Hoodies & Sweatshirts" are escaped in HTML)."""
    return unescape(response.content.decode())


def jsonld(response) -> list[dict[str, Any]]:
    html = response.content.decode()
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def graphql_calls(shop) -> dict[str, int]:
    """The storefront's named GraphQL operations (the tests' own anonymous queries count by root field)."""
    return {k: v for k, v in shop.counters().items() if k.startswith("graphql:") and k[8:9].isupper()}

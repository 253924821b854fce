"""The home page proves the whole chain: sandbox GraphQL → Magento client → view → HTML."""

from __future__ import annotations

from html import unescape

import httpx
import pytest

pytestmark = pytest.mark.django_db


def sandbox_top_categories(url: str, store: str) -> tuple[str, list[str]]:
    query = "{ storeConfig { store_name } categories { items { children { name include_in_menu } } } }"
    body = httpx.get(f"{url}/graphql", params={"query": query}, headers={"Store": store}, timeout=10).json()
    children = body["data"]["categories"]["items"][0]["children"]
    return body["data"]["storeConfig"]["store_name"], [c["name"] for c in children if c["include_in_menu"]]


def test_home_page_shows_store_name_and_top_categories(client, shop) -> None:
    store_name, categories = sandbox_top_categories(shop.url, "default")
    assert categories, "the seeded sandbox has top-level categories"

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert store_name in html
    for name in categories:
        assert f">{name}</a>" in unescape(html)


def test_home_page_costs_one_graphql_request(client, shop) -> None:
    client.get("/")
    counters = shop.counters()
    graphql = {k: v for k, v in counters.items() if k.startswith("graphql:")}
    assert graphql == {"graphql:HomePage": 1}


def test_second_store_view_is_served_under_its_prefix(client, shop) -> None:
    store_name, categories = sandbox_top_categories(shop.url, "de")
    response = client.get("/de/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert store_name in html
    assert all(f">{name}</a>" in html for name in categories)
    assert 'lang="de"' in html


def test_home_page_is_a_friendly_503_when_magento_is_down(client, shop) -> None:
    shop.fault(path="^/graphql", status=503)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"maintenance" in response.content


def test_server_timing_and_request_id_on_every_response(client, shop) -> None:
    response = client.get("/", HTTP_X_REQUEST_ID="req-1234567890")
    assert response["X-Request-ID"] == "req-1234567890"
    assert "magento;dur=" in response["Server-Timing"]

"""Search: results with layered navigation, autocomplete, empty and over-long queries."""

from __future__ import annotations

import re

import pytest

from tests.integration.catalog.conftest import graphql_calls, text_of

pytestmark = pytest.mark.django_db


def test_search_results_match_magento_and_cost_one_request(client, shop, magento) -> None:
    expected = magento.query('{ products(search: "jacket", pageSize: 12) { total_count items { name } } }')["products"]
    response = client.get("/search?q=jacket")
    html = text_of(response)
    assert response.status_code == 200
    assert "Search results for “jacket”" in html
    assert f"of {expected['total_count']} products" in html
    for item in expected["items"]:
        assert item["name"] in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert 'value="jacket"' in html  # the search box keeps the term
    assert graphql_calls(shop) == {"graphql:SearchPage": 1}


def test_search_has_layered_navigation_sort_and_pages(client, shop) -> None:
    html = client.get("/search?q=jacket").content.decode()
    assert '<option value="relevance" selected>' in html
    assert re.search(r'href="/search\?q=jacket&amp;cat=[^"]+"', html), "category filter on search pages"
    assert re.search(r'href="/search\?q=jacket&amp;color=\d+"', html)
    assert 'href="/search?q=jacket&amp;p=2"' in html
    page2 = client.get("/search?q=jacket&p=2&sort=name")
    assert page2.status_code == 200
    assert '<option value="name" selected>' in page2.content.decode()


def test_search_category_filter_narrows_results(client, shop) -> None:
    html = client.get("/search?q=jacket").content.decode()
    link = re.search(r'href="(/search\?q=jacket&amp;cat=[^"]+)"', html).group(1).replace("&amp;", "&")
    filtered = text_of(client.get(link))
    assert "Category: " in filtered
    before = int(re.search(r"of (\d+) product", text_of(client.get("/search?q=jacket"))).group(1))
    after = int(re.search(r"of (\d+) product", filtered).group(1))
    assert after <= before


def test_empty_query_is_a_helpful_page(client, shop) -> None:
    for url in ("/search", "/search?q=", "/search?q=%20%20"):
        response = client.get(url)
        html = text_of(response)
        assert response.status_code == 200
        assert "Search the shop" in html
        assert "Or browse a category" in html


def test_no_results_shows_empty_state(client, shop) -> None:
    response = client.get("/search?q=zzzzqqqq")
    assert response.status_code == 200
    assert "Nothing matches" in text_of(response)


def test_long_query_is_capped_and_escaped(client, shop) -> None:
    term = "<script>" + "x" * 500
    response = client.get("/search", {"q": term})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>x" not in html
    heading = re.search(r"<h1>Search results for “(.*?)”</h1>", html).group(1)
    assert heading == "&lt;script&gt;" + "x" * 120  # capped at 128 characters, escaped


def test_autocomplete_lists_products_and_categories_as_options(client, shop) -> None:
    response = client.get("/search/suggest?q=jack")
    html = text_of(response)
    assert response.status_code == 200
    assert 'role="option"' in html
    assert "Jacket" in html
    assert '<span class="kind">Category</span>' in html
    assert 'href="/search?q=jack"' in html
    assert graphql_calls(shop) == {"graphql:SearchSuggest": 1}


def test_autocomplete_needs_two_characters(client, shop) -> None:
    response = client.get("/search/suggest?q=j")
    assert response.status_code == 200
    assert response.content.strip() == b""
    assert graphql_calls(shop) == {}


def test_search_box_is_an_accessible_combobox(client, shop) -> None:
    html = client.get("/").content.decode()
    box = re.search(r'<input id="q"[^>]*>', html, re.S).group(0)
    for attribute in (
        'role="combobox"',
        'aria-autocomplete="list"',
        'aria-expanded="false"',
        'aria-controls="suggest"',
    ):
        assert attribute in box
    assert 'hx-get="/search/suggest"' in box and "delay:250ms" in box
    assert '<form class="search" role="search" action="/search" method="get">' in html
    assert '<div id="suggest" class="suggest" role="listbox"' in html


def test_german_search_stays_in_the_store(client, shop) -> None:
    response = client.get("/de/search?q=jacke")
    assert response.status_code == 200
    assert 'action="/de/search"' in response.content.decode()

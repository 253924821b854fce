"""GraphQL over HTTP: GET vs POST, headers, tags, and error mapping by category."""

from __future__ import annotations

import json

import httpx
import pytest

from storefront.magento.calls import reset_request_id, set_request_id
from storefront.magento.errors import (
    MagentoAuthError,
    MagentoGraphQLError,
    MagentoInputError,
    MagentoNotFound,
    MagentoRateLimited,
    MagentoUnavailable,
)
from storefront.magento.testing import graphql_error, graphql_payload, graphql_response, html_response
from tests.unit.magento.conftest import ADD_TO_CART, CUSTOMER_QUERY, PRODUCT_QUERY

PRODUCTS = {"products": {"items": [{"sku": "MH01", "name": "Chaz Kangeroo Hoodie"}]}}


def test_cacheable_query_goes_as_get_with_compact_sorted_variables(make_client):
    client, recorder, _ = make_client(graphql_response(PRODUCTS))

    result = client.graphql(PRODUCT_QUERY, {"urlKey": "chaz-hoodie", "a": 1}, store="default")

    (request,) = recorder.requests
    assert request.method == "GET"
    assert request.url.path == "/graphql"
    assert request.content == b""
    params = request.url.params
    assert params["query"] == PRODUCT_QUERY.text
    assert params["operationName"] == "ProductPage"
    # Compact and key-sorted, so the same variables always make the same (cacheable) URL.
    assert params["variables"] == '{"a":1,"urlKey":"chaz-hoodie"}'
    assert result.data == PRODUCTS


def test_get_without_variables_omits_the_parameter(make_client):
    client, recorder, _ = make_client(graphql_response(PRODUCTS))
    client.graphql(PRODUCT_QUERY, store="default")
    client.graphql(PRODUCT_QUERY, {}, store="default")
    assert all("variables" not in r.url.params for r in recorder.requests)


def test_mutation_goes_as_post_with_json_body(make_client):
    client, recorder, _ = make_client(graphql_response({"addProductsToCart": {"cart": {"id": "x"}}}))

    client.graphql(ADD_TO_CART, {"cartId": "abc"}, store="default")

    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "http://magento.test/graphql"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "query": ADD_TO_CART.text,
        "operationName": "AddToCart",
        "variables": {"cartId": "abc"},
    }


def test_query_with_token_goes_as_post_with_bearer(make_client):
    client, recorder, _ = make_client(graphql_response(PRODUCTS))

    client.graphql(PRODUCT_QUERY, {"urlKey": "x"}, store="default", token="tok.en-123")

    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.headers["Authorization"] == "Bearer tok.en-123"
    assert "query=" not in str(request.url)


def test_uncacheable_query_goes_as_post(make_client):
    client, recorder, _ = make_client(graphql_response({"customer": None}))
    client.graphql(CUSTOMER_QUERY, store="default")
    assert recorder.requests[0].method == "POST"


def test_long_url_falls_back_to_post(make_client):
    client, recorder, _ = make_client(graphql_response(PRODUCTS), max_get_url=300)

    client.graphql(PRODUCT_QUERY, {"urlKey": "short"}, store="default")
    client.graphql(PRODUCT_QUERY, {"urlKey": "x" * 300}, store="default")

    first, second = recorder.requests
    assert first.method == "GET" and len(str(first.url)) <= 300
    assert second.method == "POST"
    assert graphql_payload(second)["variables"] == {"urlKey": "x" * 300}


def test_headers_store_currency_accept_and_request_id(make_client):
    client, recorder, _ = make_client(graphql_response(PRODUCTS))
    token = set_request_id("req-42")
    try:
        client.graphql(PRODUCT_QUERY, store="de", currency="EUR")
    finally:
        reset_request_id(token)
    client.graphql(PRODUCT_QUERY, store="default")

    with_currency, without_currency = recorder.requests
    assert with_currency.headers["Store"] == "de"
    assert with_currency.headers["Content-Currency"] == "EUR"
    assert with_currency.headers["Accept"] == "application/json"
    assert with_currency.headers["X-Request-ID"] == "req-42"
    assert "Content-Currency" not in without_currency.headers
    assert "Authorization" not in without_currency.headers
    # Without a request id set, each call still carries a generated one.
    assert len(without_currency.headers["X-Request-ID"]) == 32


def test_invalid_store_or_currency_is_a_programming_error(make_client):
    client, recorder, _ = make_client(graphql_response(PRODUCTS))
    with pytest.raises(ValueError):
        client.graphql(PRODUCT_QUERY, store="de\r\nX-Evil: 1")
    with pytest.raises(ValueError):
        client.graphql(PRODUCT_QUERY, store="de", currency="euro")
    assert recorder.requests == []


def test_tags_cache_control_and_status_captured(make_client):
    response = graphql_response(
        PRODUCTS, tags=["cat_p_1", " cat_p", "", "FPC"], cache_control="max-age=86400, public, s-maxage=86400"
    )
    client, _, _ = make_client(response)

    result = client.graphql(PRODUCT_QUERY, store="default")

    assert result.tags == ("cat_p_1", "cat_p", "FPC")
    assert result.cache_control == "max-age=86400, public, s-maxage=86400"
    assert result.status == 200
    assert result.elapsed_ms >= 0


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("graphql-authentication", MagentoAuthError),
        # Magento's "The current customer isn't authorized." means "log in again" for a storefront.
        ("graphql-authorization", MagentoAuthError),
        ("graphql-no-such-entity", MagentoNotFound),
        ("graphql-input", MagentoInputError),
        ("graphql-too-many-requests", MagentoRateLimited),
        ("graphql-already-exists", MagentoGraphQLError),
        ("internal", MagentoGraphQLError),
    ],
)
def test_error_categories_map_to_classes(make_client, category, expected):
    client, _, _ = make_client(graphql_error("Something about it", category, data={"customer": None}))

    with pytest.raises(expected) as caught:
        client.graphql(CUSTOMER_QUERY, store="default")

    assert type(caught.value) is expected
    assert caught.value.message == "Something about it"
    assert caught.value.categories == frozenset({category})
    assert caught.value.operation == "CustomerAccount"


def test_category_wins_over_http_status(make_client):
    # Real Magento answers a rejected bearer token with HTTP 500 in some versions; the category decides.
    bad_token = graphql_error("Consumer key has expired", "graphql-authentication", status=500)
    client, _, _ = make_client(bad_token)
    with pytest.raises(MagentoAuthError):
        client.graphql(PRODUCT_QUERY, store="default", token="abc")
    assert client.breaker.consecutive_failures == 0


def test_internal_error_with_5xx_is_unavailable(make_client):
    client, _, _ = make_client(graphql_error("Internal server error", "internal", status=500))
    with pytest.raises(MagentoUnavailable) as caught:
        client.graphql(ADD_TO_CART, store="default")
    assert caught.value.reason == "status"
    assert caught.value.status == 500


def test_errors_with_partial_data_keep_the_data(make_client):
    partial = {"products": {"items": [{"sku": "MH01"}]}, "cmsBlocks": None}
    errors = [
        {
            "message": 'The CMS block with the "x" ID doesn\'t exist.',
            "extensions": {"category": "graphql-no-such-entity"},
        },
        {"message": "Other", "extensions": {"category": "graphql-input"}},
    ]
    client, _, _ = make_client(graphql_response(partial, errors=errors))

    with pytest.raises(MagentoGraphQLError) as caught:
        client.graphql(PRODUCT_QUERY, store="default")

    assert caught.value.data == partial
    assert caught.value.categories == {"graphql-no-such-entity", "graphql-input"}
    assert [e["message"] for e in caught.value.errors] == [errors[0]["message"], "Other"]


def test_input_error_lists_each_message(make_client):
    errors = [
        {"message": "Field A is required", "extensions": {"category": "graphql-input"}},
        {"message": "Field B is invalid", "extensions": {"category": "graphql-input"}},
    ]
    client, _, _ = make_client(graphql_response(None, errors=errors))
    with pytest.raises(MagentoInputError) as caught:
        client.graphql(ADD_TO_CART, store="default")
    assert caught.value.message == "Field A is required"
    assert [e.message for e in caught.value.errors] == ["Field A is required", "Field B is invalid"]


def test_auth_wins_when_categories_are_mixed_and_no_data(make_client):
    errors = [
        {"message": "Other", "extensions": {"category": "graphql-input"}},
        {"message": "The current customer isn't authorized.", "extensions": {"category": "graphql-authorization"}},
    ]
    client, _, _ = make_client(graphql_response({"customer": None}, errors=errors))
    with pytest.raises(MagentoAuthError) as caught:
        client.graphql(CUSTOMER_QUERY, store="default")
    assert caught.value.message == "The current customer isn't authorized."


@pytest.mark.parametrize(
    "response",
    [
        html_response(200, "<html><body>Welcome to nginx!</body></html>"),
        httpx.Response(200, content=b'{"data": {"products": ', headers={"Content-Type": "application/json"}),
        httpx.Response(200, content=b"", headers={"Content-Type": "application/json"}),
        httpx.Response(200, json={"products": []}),
        httpx.Response(200, json=["data"]),
        httpx.Response(200, content=b'{"data": {}}', headers={"Content-Type": "text/plain"}),
    ],
    ids=["html-200", "truncated-json", "empty-body", "no-data-key", "not-an-object", "text-plain"],
)
def test_garbage_is_unavailable(make_client, response):
    client, _, _ = make_client(response)
    with pytest.raises(MagentoUnavailable) as caught:
        client.graphql(ADD_TO_CART, store="default")
    assert caught.value.reason == "garbage"


def test_html_502_page_is_unavailable(make_client):
    client, _, _ = make_client(html_response(502, "<html><h1>502 Bad Gateway</h1></html>"))
    with pytest.raises(MagentoUnavailable) as caught:
        client.graphql(ADD_TO_CART, store="default")
    assert (caught.value.reason, caught.value.status) == ("status", 502)


def test_401_without_graphql_body_is_auth_error(make_client):
    client, _, _ = make_client(html_response(401, "Unauthorized"))
    with pytest.raises(MagentoAuthError):
        client.graphql(CUSTOMER_QUERY, store="default", token="abc")

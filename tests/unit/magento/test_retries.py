"""Retry policy: GETs only, small jittered backoff, 429 within the Retry-After bound; writes never."""

from __future__ import annotations

import httpx
import pytest

from storefront.magento.errors import MagentoNotFound, MagentoRateLimited, MagentoUnavailable
from storefront.magento.testing import graphql_response, html_response, rest_error, rest_response
from tests.unit.magento.conftest import ADD_TO_CART, PRODUCT_QUERY

OK = rest_response({"id": 1})
PRODUCTS = graphql_response({"products": {"items": []}})


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectTimeout("timed out"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response"),
        html_response(502),
        html_response(503),
        html_response(504),
    ],
    ids=["connect-timeout", "connect-error", "dropped", "502", "503", "504"],
)
def test_rest_get_is_retried_and_succeeds(make_client, failure):
    client, recorder, sleeps = make_client(failure, OK)

    assert client.rest("GET", "/V1/directory/countries", store="default") == {"id": 1}

    assert len(recorder.requests) == 2
    assert len(sleeps) == 1
    assert 0.05 <= sleeps[0] <= 0.2


def test_graphql_get_is_retried(make_client):
    client, recorder, _ = make_client(httpx.ConnectError("refused"), PRODUCTS)
    assert client.graphql(PRODUCT_QUERY, store="default").data == {"products": {"items": []}}
    assert [r.method for r in recorder.requests] == ["GET", "GET"]


@pytest.mark.parametrize("kind", ["rest", "graphql"])
def test_a_read_timeout_is_not_retried_even_on_a_get(make_client, kind):
    # Magento has the request and is slow: a second try doubles its load and the shopper's wait.
    client, recorder, sleeps = make_client(httpx.ReadTimeout("slow"), OK if kind == "rest" else PRODUCTS)
    with pytest.raises(MagentoUnavailable) as caught:
        if kind == "rest":
            client.rest("GET", "/V1/directory/countries", store="default")
        else:
            client.graphql(PRODUCT_QUERY, store="default")
    assert caught.value.reason == "timeout"
    assert len(recorder.requests) == 1 and sleeps == []


def test_gives_up_after_the_configured_retries_with_growing_jittered_backoff(make_client):
    client, recorder, sleeps = make_client(httpx.ConnectError("refused"), get_retries=2, random=lambda: 0.5)

    with pytest.raises(MagentoUnavailable) as caught:
        client.rest("GET", "/V1/directory/countries", store="default")

    assert caught.value.reason == "connect"
    assert len(recorder.requests) == 3
    assert sleeps == pytest.approx([0.075, 0.15])


def test_backoff_is_capped(make_client):
    client, _, sleeps = make_client(httpx.ConnectError("refused"), get_retries=4, random=lambda: 0.99)
    with pytest.raises(MagentoUnavailable):
        client.rest("GET", "/V1/directory/countries", store="default")
    assert max(sleeps) == 0.2


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("refused"),
        httpx.ReadError("Connection reset by peer"),
        html_response(503),
    ],
    ids=["timeout", "connect", "dropped", "503"],
)
def test_writes_are_never_retried(make_client, method, failure):
    client, recorder, sleeps = make_client(failure, OK)

    with pytest.raises(MagentoUnavailable):
        client.rest(method, "/V1/guest-carts/:cartId/order", path_params={"cartId": "c"}, json={}, store="default")

    assert len(recorder.requests) == 1
    assert sleeps == []


def test_graphql_mutation_is_never_retried(make_client):
    client, recorder, _ = make_client(httpx.ReadTimeout("timed out"), graphql_response({"x": 1}))
    with pytest.raises(MagentoUnavailable):
        client.graphql(ADD_TO_CART, {"cartId": "c"}, store="default")
    assert len(recorder.requests) == 1


def test_graphql_query_with_token_is_post_and_not_retried(make_client):
    client, recorder, _ = make_client(httpx.ReadTimeout("timed out"), PRODUCTS)
    with pytest.raises(MagentoUnavailable):
        client.graphql(PRODUCT_QUERY, store="default", token="abc")
    assert len(recorder.requests) == 1


def test_429_with_small_retry_after_is_retried_once_after_waiting(make_client):
    limited = rest_error(429, "Too many requests", headers={"Retry-After": "1"})
    client, recorder, sleeps = make_client(limited, OK, retry_after_max=2.0)

    assert client.rest("GET", "/V1/directory/currency", store="default") == {"id": 1}

    assert len(recorder.requests) == 2
    assert sleeps == [1.0]


def test_429_with_large_retry_after_is_not_retried(make_client):
    limited = rest_error(429, "Too many requests", headers={"Retry-After": "30"})
    client, recorder, sleeps = make_client(limited, OK, retry_after_max=2.0)

    with pytest.raises(MagentoRateLimited) as caught:
        client.rest("GET", "/V1/directory/currency", store="default")

    assert caught.value.retry_after == 30.0
    assert len(recorder.requests) == 1
    assert sleeps == []


def test_429_without_retry_after_is_not_retried(make_client):
    client, recorder, _ = make_client(rest_error(429, "Too many requests"), OK)
    with pytest.raises(MagentoRateLimited):
        client.rest("GET", "/V1/directory/currency", store="default")
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        rest_error(404, "No such entity."),
        rest_error(500, "Internal Error."),
        html_response(200, "<html>not json</html>"),
        httpx.Response(503, text="Down for maintenance", headers={"Content-Type": "text/html"}),
        httpx.Response(503, text="busy", headers={"Retry-After": "600"}),
    ],
    ids=["404", "500", "garbage", "maintenance", "503-long-retry-after"],
)
def test_answers_that_a_retry_would_not_change_are_not_retried(make_client, answer):
    client, recorder, _ = make_client(answer, OK)
    with pytest.raises((MagentoNotFound, MagentoUnavailable)):
        client.rest("GET", "/V1/directory/currency", store="default")
    assert len(recorder.requests) == 1

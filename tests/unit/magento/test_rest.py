"""REST: URL building, escaping, bodies, bare JSON values and status → error mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from storefront.magento.errors import (
    MagentoAuthError,
    MagentoError,
    MagentoForbidden,
    MagentoInputError,
    MagentoNotFound,
    MagentoRateLimited,
    MagentoUnavailable,
    fill_placeholders,
)
from storefront.magento.testing import html_response, rest_error, rest_response

MAINTENANCE_PAGE = """<!doctype html><html><head><title>Error 503: Service Unavailable</title></head>
<body><div class="page-title"><h1>Service Temporarily Unavailable</h1></div>
<p>The server is temporarily unable to service your request due to maintenance downtime or capacity
problems. Please try again later.</p></body></html>"""


def test_url_is_rest_store_route_with_escaped_params(make_client):
    client, recorder, _ = make_client(rest_response({"item_id": 7}))

    client.rest(
        "PUT",
        "/V1/guest-carts/:cartId/items/:itemId",
        path_params={"cartId": "a/b c%d", "itemId": 7},
        json={"cartItem": {"qty": 2}},
        store="de",
    )

    (request,) = recorder.requests
    assert request.method == "PUT"
    assert request.url.raw_path == b"/rest/de/V1/guest-carts/a%2Fb%20c%25d/items/7"
    assert json.loads(request.content) == {"cartItem": {"qty": 2}}


def test_sku_with_slash_space_and_percent_is_one_path_segment(make_client):
    client, recorder, _ = make_client(rest_response({"sku": "x"}))
    client.rest("GET", "/V1/stockStatuses/:productSku", path_params={"productSku": "24-MB/01 50%"}, store="default")
    assert recorder.requests[0].url.raw_path == b"/rest/default/V1/stockStatuses/24-MB%2F01%2050%25"


def test_fields_and_nested_query_use_php_bracket_notation(make_client):
    client, recorder, _ = make_client(rest_response({"items": [], "total_count": 0}))

    client.rest(
        "GET",
        "/V1/search",
        query={
            "searchCriteria": {
                "requestName": "quick_search_container",
                "filter_groups": [{"filters": [{"field": "search_term", "value": "bag & co"}]}],
                "pageSize": 12,
            },
            "flag": True,
            "skipped": None,
        },
        fields="items[id],total_count",
        store="default",
    )

    params = list(recorder.requests[0].url.params.multi_items())
    assert params == [
        ("searchCriteria[requestName]", "quick_search_container"),
        ("searchCriteria[filter_groups][0][filters][0][field]", "search_term"),
        ("searchCriteria[filter_groups][0][filters][0][value]", "bag & co"),
        ("searchCriteria[pageSize]", "12"),
        ("flag", "1"),
        ("fields", "items[id],total_count"),
    ]


@pytest.mark.parametrize("value", ["3f1a9c0d5e", 42, True, [1, 2], {"a": None}])
def test_bare_json_values_are_returned(make_client, value):
    client, _, _ = make_client(rest_response(value))
    assert client.rest("POST", "/V1/guest-carts", store="default") == value


def test_post_without_body_sends_empty_json_object(make_client):
    # Magento's REST deserialiser rejects an empty POST/PUT body and a missing Content-Type.
    client, recorder, _ = make_client(rest_response("cart-id"))
    client.rest("POST", "/V1/guest-carts", store="default")
    (request,) = recorder.requests
    assert request.content == b"{}"
    assert request.headers["Content-Type"] == "application/json"


def test_get_and_delete_send_no_body_and_token_as_bearer(make_client):
    client, recorder, _ = make_client(rest_response(True))
    client.rest("GET", "/V1/customers/me", store="default", token="jwt.part.sig")
    client.rest("DELETE", "/V1/carts/mine/coupons", store="default", token="jwt.part.sig")
    for request in recorder.requests:
        assert request.content == b""
        assert request.headers["Authorization"] == "Bearer jwt.part.sig"
        assert request.headers["Accept"] == "application/json"
        assert "Store" not in request.headers  # the store is in the URL for REST


def test_path_template_mistakes_are_programming_errors(make_client):
    client, recorder, _ = make_client(rest_response(True))
    with pytest.raises(ValueError, match="missing"):
        client.rest("GET", "/V1/guest-carts/:cartId", store="default")
    with pytest.raises(ValueError, match="unused"):
        client.rest("GET", "/V1/guest-carts", path_params={"cartId": "x"}, store="default")
    with pytest.raises(ValueError):
        client.rest("GET", "/V1/guest-carts?x=1", store="default")
    with pytest.raises(ValueError):
        client.rest("PATCH", "/V1/guest-carts", store="default")
    assert recorder.requests == []


def test_400_positional_placeholders_filled(make_client):
    body = rest_error(400, 'The requested qty of "%1" is not available; only %2 left.', ["MH01-XS-Black", 3])
    client, _, _ = make_client(body)

    with pytest.raises(MagentoInputError) as caught:
        client.rest("POST", "/V1/guest-carts/:cartId/items", path_params={"cartId": "c"}, json={}, store="default")

    error = caught.value
    assert error.message == 'The requested qty of "MH01-XS-Black" is not available; only 3 left.'
    assert error.template == 'The requested qty of "%1" is not available; only %2 left.'
    assert error.parameters == ["MH01-XS-Black", 3]
    assert str(error) == error.message


def test_placeholders_follow_php_strtr():
    # Longest placeholder first (%10 before %1), single pass (a value containing "%2" stays as is).
    letters = list("abcdefghij")
    assert fill_placeholders("%10 then %1", letters) == "j then a"
    assert fill_placeholders("%1 and %2", ["%2", "x"]) == "%2 and x"
    assert fill_placeholders("%name is %nameX", {"name": "n", "nameX": "long"}) == "n is long"
    assert fill_placeholders("nothing to fill %1", None) == "nothing to fill %1"


def test_400_named_placeholders_and_field_errors(make_client):
    body = rest_error(
        400,
        "%fieldName is a required field.",
        {"fieldName": "email"},
        errors=[
            {"message": "%fieldName is a required field.", "parameters": {"fieldName": "email"}},
            {
                "message": 'Invalid value of "%value" provided for the %fieldName field.',
                "parameters": {"value": "x@", "fieldName": "email"},
            },
        ],
    )
    client, _, _ = make_client(body)

    with pytest.raises(MagentoInputError) as caught:
        client.rest("POST", "/V1/customers", json={"customer": {}}, store="default")

    assert caught.value.message == "email is a required field."
    assert [e.message for e in caught.value.errors] == [
        "email is a required field.",
        'Invalid value of "x@" provided for the email field.',
    ]
    assert caught.value.errors[1].template == 'Invalid value of "%value" provided for the %fieldName field.'


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, MagentoAuthError),
        (403, MagentoForbidden),
        (404, MagentoNotFound),
        (429, MagentoRateLimited),
        (405, MagentoError),
    ],
)
def test_status_maps_to_class(make_client, status, expected):
    client, _, _ = make_client(
        rest_error(status, "The consumer isn't authorized to access %resources.", {"resources": "self"})
    )
    with pytest.raises(expected) as caught:
        client.rest("POST", "/V1/carts/mine", store="default")
    assert type(caught.value) is expected
    assert caught.value.message == "The consumer isn't authorized to access self."
    assert caught.value.status == status
    assert caught.value.operation == "/V1/carts/mine"


def test_404_message_filled(make_client):
    client, _, _ = make_client(
        rest_error(404, "No such entity with %fieldName = %fieldValue", {"fieldName": "cartId", "fieldValue": "42"})
    )
    with pytest.raises(MagentoNotFound) as caught:
        client.rest("GET", "/V1/guest-carts/:cartId", path_params={"cartId": "42"}, store="default")
    assert caught.value.message == "No such entity with cartId = 42"


def test_404_html_page_is_still_not_found(make_client):
    client, _, _ = make_client(html_response(404, "<h1>Not Found</h1>"))
    with pytest.raises(MagentoNotFound):
        client.rest("GET", "/V1/directory/countries", store="default")


def test_retry_after_delta_seconds(make_client):
    client, _, _ = make_client(rest_error(429, "Too many", headers={"Retry-After": "120"}))
    with pytest.raises(MagentoRateLimited) as caught:
        client.rest("POST", "/V1/integration/customer/token", json={}, store="default")
    assert caught.value.retry_after == 120.0


def test_retry_after_http_date(make_client):
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(datetime(2025, 1, 1, 12, 1, 30, tzinfo=UTC), usegmt=True)
    client, _, _ = make_client(rest_error(429, "Too many", headers={"Retry-After": later}), wall_clock=now.timestamp)
    with pytest.raises(MagentoRateLimited) as caught:
        client.rest("POST", "/V1/integration/customer/token", json={}, store="default")
    assert caught.value.retry_after == 90.0


def test_retry_after_garbage_is_none(make_client):
    client, _, _ = make_client(rest_error(429, "Too many", headers={"Retry-After": "soon"}))
    with pytest.raises(MagentoRateLimited) as caught:
        client.rest("POST", "/V1/integration/customer/token", json={}, store="default")
    assert caught.value.retry_after is None


def test_maintenance_page_503(make_client):
    client, _, _ = make_client(httpx.Response(503, text=MAINTENANCE_PAGE, headers={"Content-Type": "text/html"}))
    with pytest.raises(MagentoUnavailable) as caught:
        client.rest("POST", "/V1/guest-carts", store="default")
    assert caught.value.reason == "maintenance"
    assert caught.value.status == 503


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (rest_error(500, "Internal Error. Details are available in Magento log file. Report ID: webapi-1"), "status"),
        (html_response(502, "<h1>502 Bad Gateway</h1>"), "status"),
        (html_response(503, "<h1>503 Service Temporarily Unavailable</h1>"), "status"),
        (html_response(200, "<html>login page</html>"), "garbage"),
        (httpx.Response(200, content=b'{"items": [', headers={"Content-Type": "application/json"}), "garbage"),
        (httpx.Response(200, content=b"", headers={"Content-Type": "application/json"}), "garbage"),
        (httpx.Response(301, headers={"Location": "https://elsewhere/"}), "garbage"),
    ],
    ids=["500-json", "502-html", "503-nginx", "200-html", "200-truncated", "200-empty", "301"],
)
def test_unavailable_reasons(make_client, response, reason):
    client, _, _ = make_client(response)
    with pytest.raises(MagentoUnavailable) as caught:
        client.rest("POST", "/V1/guest-carts", store="default")
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("exception", "reason"),
    [
        (httpx.ConnectError("Connection refused"), "connect"),
        (httpx.ConnectTimeout("timed out"), "connect"),
        (httpx.ReadTimeout("timed out"), "timeout"),
        # The request went out and the answer never came: Magento may have acted on it (an order placed).
        (httpx.RemoteProtocolError("Server disconnected without sending a response"), "dropped"),
        (httpx.ReadError("Connection reset by peer"), "dropped"),
    ],
)
def test_network_errors_are_unavailable(make_client, exception, reason):
    client, _, _ = make_client(exception)
    with pytest.raises(MagentoUnavailable) as caught:
        client.rest("PUT", "/V1/guest-carts/:cartId/order", path_params={"cartId": "c"}, json={}, store="default")
    assert caught.value.reason == reason
    # httpx's exception (its message may hold the URL with ids) is not chained into tracebacks.
    assert caught.value.__suppress_context__ is True


def test_a_call_can_wait_longer_than_the_clients_read_timeout_and_only_that_call_does(make_client):
    # Place-order passes its own, longer read timeout; every other call keeps the client's.
    client, recorder, _ = make_client(rest_response(7), read_timeout=10.0)

    client.rest(
        "POST",
        "/V1/guest-carts/:cartId/payment-information",
        path_params={"cartId": "m"},
        store="default",
        read_timeout=30.0,
    )
    client.rest("GET", "/V1/guest-carts/:cartId", path_params={"cartId": "m"}, store="default")

    slow, normal = (request.extensions["timeout"] for request in recorder.requests)
    assert slow["read"] == 30.0 and slow["write"] == 30.0 and slow["connect"] == normal["connect"]
    assert normal["read"] == 10.0

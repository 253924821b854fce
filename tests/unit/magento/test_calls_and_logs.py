"""Per-request call records, Server-Timing, request ids, log lines, and the token never leaking."""

from __future__ import annotations

import logging
import threading

import httpx
import pytest

from storefront.magento.calls import (
    UpstreamCall,
    current_request_id,
    record_call,
    recorded_calls,
    reset_request_id,
    server_timing,
    set_request_id,
    start_recording,
    stop_recording,
)
from storefront.magento.errors import MagentoAuthError, MagentoError, MagentoUnavailable
from storefront.magento.testing import graphql_error, graphql_response, rest_error, rest_response
from tests.unit.magento.conftest import CUSTOMER_QUERY, PRODUCT_QUERY

TOKEN = "eyJraWQiOiIxIiwiYWxnIjoiSFMyNTYifQ.eyJ1aWQiOjQyfQ.c2VjcmV0LXNpZ25hdHVyZQ"


def test_successful_calls_are_recorded_with_template_status_bytes_tags(make_client, calls):
    response = graphql_response({"products": {"items": []}}, tags=["cat_p", "cat_c_3"])
    client, _, _ = make_client(response, rest_response({"id": 5}, headers={"X-Cache": "HIT"}))

    client.graphql(PRODUCT_QUERY, store="default")
    client.rest("GET", "/V1/guest-carts/:cartId", path_params={"cartId": "masked-secret-id"}, store="default")

    graphql_call, rest_call = calls()
    assert (graphql_call.operation, graphql_call.method, graphql_call.status) == ("ProductPage", "GET", 200)
    assert graphql_call.tags == ("cat_p", "cat_c_3")
    assert graphql_call.bytes == len(response.content)
    assert graphql_call.error is None
    # The route template names the operation, so the masked cart id never reaches records or logs.
    assert rest_call.operation == "/V1/guest-carts/:cartId"
    assert rest_call.cache == "HIT"
    assert rest_call.ms >= 0


def test_failures_are_recorded_too(make_client, calls):
    client, _, _ = make_client(httpx.ReadTimeout("slow"), rest_error(404, "No such entity."), get_retries=1)

    with pytest.raises(MagentoUnavailable):
        client.rest("POST", "/V1/guest-carts", store="default")
    with pytest.raises(MagentoError):
        client.rest("GET", "/V1/guest-carts/:cartId", path_params={"cartId": "x"}, store="default")

    timeout, not_found = calls()
    assert (timeout.status, timeout.bytes, timeout.error) == (0, 0, "timeout")
    assert (not_found.status, not_found.error) == (404, "MagentoNotFound")
    assert not_found.bytes > 0


def test_each_retry_attempt_and_circuit_refusals_are_recorded(make_client, calls):
    client, _, _ = make_client(httpx.ConnectError("refused"), get_retries=1, breaker_threshold=2)
    with pytest.raises(MagentoUnavailable):
        client.rest("GET", "/V1/directory/countries", store="default")
    with pytest.raises(MagentoUnavailable):
        client.rest("GET", "/V1/directory/countries", store="default")
    assert [c.error for c in calls()] == ["connect", "connect", "circuit_open"]


def test_nothing_is_recorded_outside_a_recording(make_client):
    client, _, _ = make_client(rest_response(True))
    client.rest("GET", "/V1/directory/currency", store="default")
    assert recorded_calls() == []


def test_recordings_are_isolated_per_context():
    token = start_recording()
    record_call(UpstreamCall("Main", "GET", 200, 1.0, 10))
    seen_in_thread: list[list[UpstreamCall]] = []

    def other_request() -> None:
        inner = start_recording()
        record_call(UpstreamCall("Other", "GET", 200, 1.0, 10))
        seen_in_thread.append(recorded_calls())
        stop_recording(inner)

    thread = threading.Thread(target=other_request)
    thread.start()
    thread.join()
    assert [c.operation for c in recorded_calls()] == ["Main"]
    assert [c.operation for c in seen_in_thread[0]] == ["Other"]
    stop_recording(token)
    assert recorded_calls() == []


def test_server_timing():
    calls = [UpstreamCall("A", "GET", 200, 12.25, 100), UpstreamCall("B", "POST", 0, 3.0, 0)]
    assert server_timing(calls) == 'magento;dur=15.2;desc="2 calls"'
    assert server_timing(calls[:1]) == 'magento;dur=12.2;desc="1 call"'
    assert server_timing([]) == 'magento;dur=0.0;desc="0 calls"'


def test_request_id_is_sanitised_and_reset():
    token = set_request_id("abc-123\r\nInjected: yes")
    assert current_request_id() == "abc-123Injectedyes"
    reset_request_id(token)
    token = set_request_id("\r\n")
    assert len(current_request_id()) == 32  # nothing usable left: a generated one
    reset_request_id(token)
    assert current_request_id() != current_request_id()  # none set: fresh per call


def test_one_info_line_per_call(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    client, _, _ = make_client(rest_response({"id": 1}))
    token = set_request_id("rid-7")
    try:
        client.rest("GET", "/V1/guest-carts/:cartId", path_params={"cartId": "masked-id-123"}, store="default")
    finally:
        reset_request_id(token)

    lines = [r for r in caplog.records if r.name == "storefront.magento"]
    assert len(lines) == 1
    message = lines[0].getMessage()
    assert lines[0].levelno == logging.INFO
    for part in ("operation=/V1/guest-carts/:cartId", "method=GET", "status=200", "bytes=", "request_id=rid-7"):
        assert part in message
    assert "masked-id-123" not in caplog.text


def test_token_and_variables_never_logged(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    client, _, _ = make_client(
        graphql_response({"products": {"items": []}}),
        graphql_response({"customer": {"email": "ana@example.com"}}),
    )
    client.graphql(PRODUCT_QUERY, {"urlKey": "personal-search-term"}, store="default")
    client.graphql(CUSTOMER_QUERY, {"email": "ana@example.com"}, store="default", token=TOKEN)

    assert TOKEN not in caplog.text
    assert "personal-search-term" not in caplog.text  # httpx's own URL logging is silenced too
    assert "ana@example.com" not in caplog.text
    assert "Bearer" not in caplog.text


@pytest.mark.parametrize(
    "answer",
    [
        rest_error(401, "Token %1 is not valid", [TOKEN]),
        graphql_error(f"The token {TOKEN} has expired", "graphql-authentication"),
    ],
    ids=["rest", "graphql"],
)
def test_token_echoed_by_magento_is_redacted_from_errors(make_client, caplog, answer):
    caplog.set_level(logging.DEBUG)
    client, _, _ = make_client(answer)
    with pytest.raises(MagentoAuthError) as caught:
        if "graphql" in str(answer.content):
            client.graphql(CUSTOMER_QUERY, store="default", token=TOKEN)
        else:
            client.rest("GET", "/V1/customers/me", store="default", token=TOKEN)

    error = caught.value
    assert "[redacted]" in str(error)
    for text in (str(error), repr(error), error.message, *map(str, error.args), caplog.text):
        assert TOKEN not in text


def test_timeout_error_does_not_mention_token_or_url(make_client):
    client, _, _ = make_client(httpx.ReadTimeout(f"timed out on /rest/default/V1/x with {TOKEN}"))
    with pytest.raises(MagentoUnavailable) as caught:
        client.rest("GET", "/V1/customers/me", store="default", token=TOKEN)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert "/rest/" not in str(caught.value)


def test_malformed_token_is_refused_before_sending(make_client):
    bad = "abc\r\nX-Evil: 1"
    client, recorder, _ = make_client(rest_response(True))
    with pytest.raises(MagentoAuthError) as caught:
        client.rest("GET", "/V1/customers/me", store="default", token=bad)
    assert recorder.requests == []
    assert bad not in str(caught.value)


def test_token_is_redacted_from_nested_error_details(make_client):
    errors = [{"message": "Bad %1", "parameters": [TOKEN]}]
    graphql_errors = [{"message": f"odd {TOKEN}", "extensions": {"category": "graphql-input"}}]
    client, _, _ = make_client(
        rest_error(400, "Invalid %1", [TOKEN], errors=errors),
        graphql_response({"cart": {"id": "x"}}, errors=graphql_errors),
    )
    with pytest.raises(MagentoError) as rest_caught:
        client.rest("PUT", "/V1/customers/me", json={}, store="default", token=TOKEN)
    with pytest.raises(MagentoError) as graphql_caught:
        client.graphql(CUSTOMER_QUERY, store="default", token=TOKEN)

    assert rest_caught.value.errors[0].message == "Bad [redacted]"
    for error in (rest_caught.value, graphql_caught.value):
        assert TOKEN not in repr(vars(error))

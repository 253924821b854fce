"""Helpers for unit tests of code that calls Magento: a client over ``httpx.MockTransport``.

Rules:
- No network, no sleeping: ``mock_client`` injects a no-op sleep and a fixed jitter.
- Responses built here look like real Magento's (``{"data": …}``, ``X-Magento-Tags``,
  ``{"message": "%1 …", "parameters": […]}``), so code tested with them works against Magento.
- ``override_client`` swaps the process-wide client that ``get_client()`` returns, for code that
  calls ``get_client()`` itself (an app's ``upstream.py``).

Example::

    fake = MockMagento()
    fake.on_graphql("ProductPage", graphql_response({"products": {"items": []}}, tags=["cat_p"]))
    fake.on_rest("POST", "/V1/guest-carts", rest_response("abc123"))
    with override_client(fake.client()):
        ...
    assert fake.graphql_calls("ProductPage")[0]["variables"] == {"urlKey": "x"}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from storefront.magento.client import MagentoClient, set_client

BASE_URL = "http://magento.test"
Handler = Callable[[httpx.Request], httpx.Response]
Responder = httpx.Response | Handler


def mock_client(handler: Handler, **options: Any) -> MagentoClient:
    """A ``MagentoClient`` whose every request is answered by ``handler(request)``."""
    options.setdefault("sleep", lambda _seconds: None)
    options.setdefault("random", lambda: 0.5)
    return MagentoClient(options.pop("base_url", BASE_URL), transport=httpx.MockTransport(handler), **options)


@contextmanager
def override_client(client: MagentoClient) -> Iterator[MagentoClient]:
    """Make ``get_client()`` return ``client`` inside the block."""
    previous = set_client(client)
    try:
        yield client
    finally:
        set_client(previous)
        client.close()


def graphql_response(
    data: Mapping[str, Any] | None,
    *,
    tags: Iterable[str] = (),
    errors: list[dict[str, Any]] | None = None,
    status: int = 200,
    cache_control: str | None = "max-age=0, must-revalidate, no-cache, no-store",
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = errors
    all_headers = dict(headers or {})
    tags = list(tags)
    if tags:
        all_headers["X-Magento-Tags"] = ",".join(tags)
    if cache_control:
        all_headers.setdefault("Cache-Control", cache_control)
    return httpx.Response(status, json=body, headers=all_headers)


def graphql_error(
    message: str,
    category: str,
    *,
    data: Mapping[str, Any] | None = None,
    path: list[str | int] | None = None,
    status: int = 200,
) -> httpx.Response:
    """A GraphQL error in Magento's shape; ``category`` e.g. ``graphql-no-such-entity``."""
    error: dict[str, Any] = {"message": message, "extensions": {"category": category}}
    if path:
        error["path"] = path
    return graphql_response(data, errors=[error], status=status, cache_control=None)


def rest_response(body: object, *, status: int = 200, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=dict(headers or {}))


def rest_error(
    status: int,
    message: str,
    parameters: list[Any] | Mapping[str, Any] | None = None,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Magento's REST error body: the untranslated template plus its parameters."""
    body: dict[str, Any] = {"message": message}
    if parameters is not None:
        body["parameters"] = parameters
    if errors is not None:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers=dict(headers or {}))


def html_response(status: int, html: str = "<html><body>Error</body></html>") -> httpx.Response:
    return httpx.Response(status, text=html, headers={"Content-Type": "text/html; charset=UTF-8"})


def graphql_payload(request: httpx.Request) -> dict[str, Any]:
    """``{"query", "operationName", "variables"}`` of a GraphQL request, GET or POST."""
    if request.method == "GET":
        params = request.url.params
        variables = params.get("variables")
        return {
            "query": params.get("query"),
            "operationName": params.get("operationName"),
            "variables": json.loads(variables) if variables else {},
        }
    body = json.loads(request.content or b"{}")
    return {
        "query": body.get("query"),
        "operationName": body.get("operationName"),
        "variables": body.get("variables") or {},
    }


class MockMagento:
    """A scripted fake Magento: answers by GraphQL operation name or by REST method and path.

    REST paths are matched without the ``/rest/<store>`` prefix and with the query string ignored,
    e.g. ``on_rest("GET", "/V1/guest-carts/abc/totals", …)``. A responder is a response or a function
    of the request. An unscripted request fails the test loudly.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._graphql: dict[str, Responder] = {}
        self._rest: dict[tuple[str, str], Responder] = {}

    def on_graphql(self, operation_name: str, responder: Responder) -> MockMagento:
        self._graphql[operation_name] = responder
        return self

    def on_rest(self, method: str, path: str, responder: Responder) -> MockMagento:
        self._rest[(method.upper(), path)] = responder
        return self

    def client(self, **options: Any) -> MagentoClient:
        return mock_client(self, **options)

    def graphql_calls(self, operation_name: str) -> list[dict[str, Any]]:
        """Payloads (with ``method`` and ``headers`` added) of the requests for one operation."""
        calls = []
        for request in self.requests:
            if request.url.path == "/graphql":
                payload = graphql_payload(request)
                if payload["operationName"] == operation_name:
                    calls.append({**payload, "method": request.method, "headers": request.headers})
        return calls

    def rest_calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method.upper() and _rest_path(r) == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/graphql":
            name = graphql_payload(request)["operationName"]
            responder = self._graphql.get(name)
            where = f"GraphQL operation {name!r}"
        else:
            responder = self._rest.get((request.method, _rest_path(request)))
            where = f"REST {request.method} {_rest_path(request)}"
        if responder is None:
            raise AssertionError(f"MockMagento has no answer scripted for {where}")
        if callable(responder):
            return responder(request)
        # A fresh copy each time: one scripted answer may serve many requests.
        return httpx.Response(responder.status_code, headers=responder.headers, content=responder.content)


def _rest_path(request: httpx.Request) -> str:
    """The raw (still escaped) path after ``/rest/<store>``."""
    raw = request.url.raw_path.decode("ascii").split("?", 1)[0]
    parts = raw.split("/", 3)  # "", "rest", "<store>", "V1/…"
    return "/" + parts[3] if len(parts) == 4 and parts[1] == "rest" else raw

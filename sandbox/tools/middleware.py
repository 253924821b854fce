"""Counts every API call and injects the configured faults before the view runs.

Rules: ``/sandbox/...`` is never faulted nor counted; GraphQL calls count as ``graphql:<operationName>``
(fallback: the first root field), REST calls as ``rest:<METHOD> /V1/<route template>`` when the REST
router named the route (``state.set_operation``), else ``rest:<METHOD> <path without store code>``.
Fault answers imitate what Magento (or its web server) sends: a masked 500, the 503 maintenance page,
429 with Retry-After, and (``resolver_error``) GraphQL's 200 with the root field null and a masked
"Internal server error" of category ``internal`` (REST answers that fault with the masked 500).
"""

from __future__ import annotations

import json
import random
import re
import secrets
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox.tools import state

_rng = random.Random()  # fault dice: not part of the deterministic seed on purpose
_FIRST_FIELD = re.compile(r"\{\s*(?:\w+\s*:\s*)?(\w+)")
_NAMED_OPERATION = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+(\w+)")
_STORE_PREFIX = re.compile(r"^/rest/(?:[a-z][a-z0-9_]*/)?(V\d+/.*)$")

MAINTENANCE_HTML = (
    "<!doctype html><html><head><title>Error 503: Service Unavailable</title></head><body>"
    "<h1>Service Temporarily Unavailable</h1><p>The server is temporarily unable to service your request "
    "due to maintenance downtime or capacity problems. Please try again later.</p></body></html>"
)


def _graphql_request(request: HttpRequest) -> tuple[str | None, str]:
    """(operationName, query text) of a GraphQL request, from the query string or the JSON body."""
    if request.method == "GET":
        return request.GET.get("operationName"), request.GET.get("query", "")
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return None, ""
        if isinstance(body, dict):
            name = body.get("operationName") if isinstance(body.get("operationName"), str) else None
            query = body.get("query") if isinstance(body.get("query"), str) else ""
            return name, query
    return None, ""


def _first_root_field(query: str) -> str | None:
    match = _FIRST_FIELD.search(query or "")
    return match.group(1) if match else None


def graphql_operation(request: HttpRequest) -> str | None:
    """operationName of a GraphQL request, else its first root field (cheap, no full parse)."""
    name, query = _graphql_request(request)
    if name:
        return name
    named = _NAMED_OPERATION.match(query or "")
    if named:
        return named.group(1)
    return _first_root_field(query)


def _rest_key(request: HttpRequest) -> str:
    match = _STORE_PREFIX.match(request.path)
    path = "/" + match.group(1) if match else request.path
    return f"rest:{request.method} {path}"


def _fault_response(request: HttpRequest, fault: state.Fault, is_graphql: bool) -> HttpResponse | None:
    if fault.latency_ms:
        time.sleep(fault.latency_ms / 1000)
    if fault.hang:
        # Hold the request until the client gives up (bounded so threads come back eventually).
        time.sleep(fault.hang_seconds)
    if fault.resolver_error:
        return _resolver_error(request) if is_graphql else _masked_error(False)
    if fault.status:
        return _status_response(fault, is_graphql)
    if fault.error_rate and _rng.random() < fault.error_rate:
        return _masked_error(is_graphql)
    return None


def _status_response(fault: state.Fault, is_graphql: bool) -> HttpResponse:
    status = int(fault.status or 500)
    if status == 503:
        response: HttpResponse = HttpResponse(MAINTENANCE_HTML, status=503, content_type="text/html; charset=UTF-8")
    elif status == 429:
        if is_graphql:
            body = {
                "errors": [{"message": "Too Many Requests", "extensions": {"category": "graphql-too-many-requests"}}]
            }
        else:
            body = {"message": "Too Many Requests"}
        response = JsonResponse(body, status=429)
    elif status >= 500:
        response = _masked_error(is_graphql, status)
    else:
        response = JsonResponse({"message": "Sandbox fault %1", "parameters": [str(status)]}, status=status)
    if fault.retry_after is not None:
        response["Retry-After"] = str(fault.retry_after)
    return response


def _resolver_error(request: HttpRequest) -> HttpResponse:
    """A resolver threw something unexpected: Magento still answers 200, the root field null, the error masked."""
    field = _first_root_field(_graphql_request(request)[1])
    body = {
        "errors": [{"message": "Internal server error", "extensions": {"category": "internal"}}],
        "data": {field: None} if field else None,
    }
    return JsonResponse(body, status=200)


def _masked_error(is_graphql: bool, status: int = 500) -> HttpResponse:
    if is_graphql:
        body = {"errors": [{"message": "Internal server error", "extensions": {"category": "internal"}}]}
    else:
        report = secrets.token_hex(32)
        body = {"message": f"Internal Error. Details are available in Magento log file. Report ID: webapi-{report}"}
    return JsonResponse(body, status=status)


def sandbox_tools(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith("/sandbox/") or path.startswith("/media/"):
            return get_response(request)
        is_graphql = path.rstrip("/") == "/graphql"
        operation = graphql_operation(request) if is_graphql else None
        fault = state.take_fault(path, operation)
        if fault is not None:
            faulted = _fault_response(request, fault, is_graphql)
            if faulted is not None:
                _count(request, is_graphql, operation)
                return faulted
        response = get_response(request)
        _count(request, is_graphql, operation)
        return response

    return middleware


def _count(request: HttpRequest, is_graphql: bool, operation: str | None) -> None:
    if is_graphql:
        state.count(f"graphql:{operation or 'unknown'}")
    elif request.path.startswith("/rest/"):
        state.count(getattr(request, "sandbox_operation", None) or _rest_key(request))

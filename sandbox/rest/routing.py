"""The REST front controller: routes, ACL, body decoding, error rendering — like ``Webapi\\Controller\\Rest``.

Rules:
- a route is (HTTP method, ``V1/...`` pattern with ``:param`` placeholders, ACL); routes are matched for the
  request's method only, so a known path with the wrong method is "Request does not match any route." (404),
  as Magento's Router does;
- only GET, POST, PUT and DELETE exist ("Request method is invalid.", 400, for anything else);
- the first path segment is a store code when it names a store (``default``, ``de``) or ``all``; anything
  else stays part of the path, so an unknown store code matches no route;
- ACL ``anonymous`` runs with whatever valid token was sent and silently as a guest for a bad one
  (TokenUserContext); ``self`` needs a valid customer token; any other value is an admin resource;
- errors render as ``{"message", "parameters"[, "errors"]}`` with Magento's status codes; an unexpected
  exception is a 500 with Magento's masked "Internal Error" message, never a traceback.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse

from sandbox.commerce import tokens
from sandbox.commerce.catalog_bridge import store_or_none
from sandbox.commerce.errors import MagentoError, RouteError, not_authorized
from sandbox.commerce.models import Customer
from sandbox.rest.fields import filter_response

try:  # the tools app names the per-operation call counters; the REST layer works without it
    from sandbox.tools.state import set_operation
except ImportError:  # pragma: no cover - tools are optional

    def set_operation(request: HttpRequest, name: str) -> None:
        return None


log = logging.getLogger("sandbox.rest")

ANONYMOUS = "anonymous"
SELF = "self"

Handler = Callable[["Call"], Any]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    acl: str
    handler: Handler
    regex: re.Pattern[str]
    placeholders: int


@dataclass
class Call:
    """Everything a handler needs: the store, path parameters, decoded body, query and the caller."""

    request: HttpRequest
    store_code: str
    params: dict[str, str]
    body: dict[str, Any]
    query: dict[str, str]
    customer: Customer | None = None
    admin: str | None = None
    scope: str = "default"  # the store code as written in the URL ("all" stays "all")

    @property
    def customer_id(self) -> int:
        assert self.customer is not None
        return self.customer.id


ROUTES: list[Route] = []


def route(method: str, pattern: str, acl: str = ANONYMOUS) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``METHOD V1/path/:param``."""

    def decorate(handler: Handler) -> Handler:
        regex = "^" + re.sub(r":(\w+)", r"(?P<\1>[^/]+)", re.escape(pattern).replace("\\:", ":")) + "$"
        ROUTES.append(
            Route(method, pattern, acl, handler, re.compile(regex), pattern.count(":")),
        )
        # Literal segments win over placeholders (``customers/me`` before ``customers/:customerId``).
        ROUTES.sort(key=lambda r: r.placeholders)
        return handler

    return decorate


def _split_store(path: str) -> tuple[str, str] | None:
    parts = path.strip("/").split("/", 1)
    if parts[0] == "V1" or (parts[0].startswith("V") and parts[0][1:].isdigit()):
        return "default", path.strip("/")
    if len(parts) == 2 and (parts[0] == "all" or store_or_none(parts[0]) is not None):
        return parts[0], parts[1]
    return None


def _match(method: str, path: str, *, encoded: bool) -> tuple[Route, dict[str, str]]:
    for candidate in ROUTES:
        if candidate.method != method:
            continue
        found = candidate.regex.match(path)
        if found:
            values = found.groupdict()
            return candidate, {k: unquote(v) for k, v in values.items()} if encoded else values
    raise RouteError("Request does not match any route.", 404)


def _rest_path(request: HttpRequest, path: str) -> tuple[str, bool]:
    """The path after ``/rest/`` still percent-encoded when the server kept it (gunicorn's RAW_URI), so a
    SKU with an escaped slash (``24-WG%2F01``) stays one path segment, as in Magento."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    raw = raw.split("?", 1)[0]
    if raw.startswith("/rest/"):
        return raw[len("/rest/") :], True
    return path, False


def _decode_body(request: HttpRequest) -> dict[str, Any]:
    raw = request.body
    if not raw or not raw.strip():
        return {}
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not content_type:
        raise RouteError("Content-Type header is empty.", 400)
    if content_type not in {"application/json", "text/json"}:
        raise RouteError("Server cannot understand Content-Type HTTP header media type %1", 400, [content_type])
    try:
        decoded = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise RouteError("Decoding error.", 400) from None
    if not isinstance(decoded, dict):
        # A bare JSON scalar or list cannot name the service's parameters: every one is missing.
        return {}
    return decoded


def _authorize(call: Call, acl: str) -> None:
    header = call.request.headers.get("Authorization", "")
    token_value = header[7:].strip() if header.lower().startswith("bearer ") else ""
    caller = tokens.resolve(token_value) if token_value else None
    if caller is not None:
        call.customer = caller.customer
        call.admin = caller.admin
    if acl == ANONYMOUS:
        return
    if acl == SELF:
        if call.customer is None:
            raise not_authorized("self")
        return
    if call.admin is None:
        raise not_authorized(acl)


def to_json(value: Any) -> Any:
    """Decimals as JSON numbers (integral ones without a fraction, like PHP's json_encode)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def _respond(payload: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(to_json(payload), separators=(",", ":")),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def dispatch(request: HttpRequest, path: str) -> HttpResponse:
    """The single view behind ``/rest/...``."""
    _load_routes()
    try:
        path, encoded = _rest_path(request, path)
        split = _split_store(path)
        if split is None:
            raise RouteError("Request does not match any route.", 404)
        store_code, rest_path = split
        if request.method not in {"GET", "POST", "PUT", "DELETE"}:
            # Webapi Rest\Request::getHttpMethod refuses anything else before routing.
            raise RouteError("Request method is invalid.", 400)
        matched, params = _match(request.method or "GET", rest_path, encoded=encoded)
        set_operation(request, f"rest:{matched.method} /{matched.pattern}")
        call = Call(
            request=request,
            store_code="default" if store_code == "all" else store_code,
            params=params,
            body={},
            query={k: v for k, v in request.GET.items()},
            scope=store_code,
        )
        _authorize(call, matched.acl)
        if request.method in {"POST", "PUT"}:
            call.body = _decode_body(request)
        result = matched.handler(call)
    except MagentoError as error:
        return _respond(error.body(), error.status)
    except Exception:
        report = secrets.token_hex(8)
        log.exception("webapi-%s", report)
        return _respond(
            {
                "message": "Internal Error. Details are available in Magento log file. Report ID: %1",
                "parameters": [f"webapi-{report}"],
            },
            500,
        )
    spec = request.GET.get("fields")
    if spec and request.method in {"GET", "POST", "PUT"}:
        result = filter_response(to_json(result), spec)
    return _respond(result)


_loaded = False


def _load_routes() -> None:
    """Import the route modules once (they register themselves with ``@route``)."""
    global _loaded
    if _loaded:
        return
    from sandbox.rest import (  # noqa: F401
        routes_admin,
        routes_carts,
        routes_checkout,
        routes_customers,
        routes_directory,
    )

    _loaded = True

"""``/graphql`` over HTTP, after Magento's ``GraphQl\\Controller\\GraphQl`` (2.4.8).

Rules (as Magento does it):
- GET (``query``, ``operationName``, ``variables`` as JSON) and POST (JSON body) execute; any other method
  answers 204 with no body.
- A body or ``variables`` that is not JSON, and a query that does not parse, answer 400 with a "Syntax Error"
  message. Request validation (unknown ``Store``, a ``Content-Currency`` the store does not offer, a mutation
  over GET) raises GraphQlInputException: 200 with ``extensions.category = "graphql-input"``.
- Once executed the status is 200, or 401/403 when the first categorised error is an authentication /
  authorization one. Unexpected resolver exceptions are masked ("Internal server error", ``internal``).
- A GET query whose root fields are all cacheable and that produced no errors gets
  ``Cache-Control: max-age=86400, public, s-maxage=86400`` and ``X-Magento-Tags``; everything else no-cache.
  Queries (not mutations) carry ``X-Magento-Cache-Id`` (store, currency, customer group, salt).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    validate,
)

from sandbox.catalog.api import StoreInfo, store_info
from sandbox.graphql import registry
from sandbox.graphql.context import RequestContext
from sandbox.graphql.schema import get_schema

log = logging.getLogger("sandbox.graphql")

CACHE_TTL = 86400
CACHE_ID_SALT = "sandbox-graphql-id-salt"
NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0"

# Extra request validators (e.g. the bearer-token check a commerce module registers). Each may raise a
# registry.MagentoGraphQLError; it runs after the store/currency checks, before execution.
REQUEST_VALIDATORS: list[Callable[[RequestContext, DocumentNode], None]] = []


class _RequestError(Exception):
    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message"))
        self.status = status
        self.error = error


def _syntax(message: str, line: int = 1, column: int = 1) -> _RequestError:
    return _RequestError(400, {"message": message, "locations": [{"line": line, "column": column}]})


def _read(request: HttpRequest) -> dict[str, Any]:
    if request.method == "POST":
        if not request.body:
            return {}
        try:
            data = json.loads(request.body)
        except ValueError:
            raise _syntax("Syntax Error: Unable to parse the request.") from None
        return data if isinstance(data, dict) else {}
    data: dict[str, Any] = {key: request.GET.get(key) for key in request.GET}
    raw = data.get("variables")
    if raw:
        try:
            data["variables"] = json.loads(raw)
        except ValueError:
            raise _syntax("Syntax Error: Unable to parse the variables.") from None
    else:
        data["variables"] = None
    return data


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next((o for o in operations if o.name and o.name.value == name), None)
    return operations[0] if len(operations) == 1 else None


def _input_error(message: str) -> _RequestError:
    return _RequestError(200, {"message": message, "extensions": {"category": "graphql-input"}})


def _store(request: HttpRequest) -> StoreInfo:
    code = (request.headers.get("Store") or "").strip() or "default"
    store = store_info(code)
    if store is None:
        raise _input_error("Requested store is not found")
    return store


def _currency(request: HttpRequest, store: StoreInfo) -> str:
    header = (request.headers.get("Content-Currency") or "").strip().upper()
    if not header:
        return store.default_display_currency_code
    if header not in store.available_currency_codes:
        raise _input_error(f"Currency not allowed for store {store.code}")
    return header


def _format_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    out: dict[str, Any] = {}
    if original is not None and not isinstance(original, GraphQLError):
        log.error("GraphQL resolver failed", exc_info=original)
        out["message"] = "Internal server error"
        extensions: dict[str, Any] = {"category": "internal"}
    else:
        out["message"] = error.message
        extensions = dict(error.extensions or {}) or {"category": "graphql"}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    out["extensions"] = extensions
    return out


def _status(errors: list[dict[str, Any]]) -> int:
    for error in errors:
        category = error.get("extensions", {}).get("category")
        if category:
            return {"graphql-authentication": 401, "graphql-authorization": 403}.get(category, 200)
    return 200


def _json(payload: dict[str, Any], status: int) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    return HttpResponse(body, status=status, content_type="application/json")


def _no_cache(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_CACHE
    response["Pragma"] = "no-cache"
    response["Expires"] = "Thu, 19 Nov 1981 08:52:00 GMT"
    return response


def _cache_id(store: StoreInfo, currency: str, token: str | None) -> str:
    # Magento hashes store, currency, logged-in flag, customer group and tax rate with a salt from env.php.
    logged_in = "1" if token else "0"
    raw = f"{store.code}|{currency}|{logged_in}|{'1' if token else '0'}|0|{CACHE_ID_SALT}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


@csrf_exempt
def graphql_endpoint(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=204)
    try:
        return _handle(request)
    except _RequestError as exc:
        return _no_cache(_json({"errors": [exc.error]}, exc.status))


def _handle(request: HttpRequest) -> HttpResponse:
    data = _read(request)
    query = data.get("query") if isinstance(data.get("query"), str) else ""
    operation_name = data.get("operationName") if isinstance(data.get("operationName"), str) else None
    variables = data.get("variables") if isinstance(data.get("variables"), dict) else None

    store = _store(request)
    currency = _currency(request, store)
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        location = exc.locations[0] if exc.locations else None
        raise _syntax(exc.message, location.line if location else 1, location.column if location else 1) from None
    operation = _operation(document, operation_name)
    is_mutation = any(
        isinstance(d, OperationDefinitionNode) and d.operation == OperationType.MUTATION for d in document.definitions
    )
    if request.method == "GET" and is_mutation:
        raise _input_error("Mutation requests allowed only for POST requests")

    token = _bearer(request)
    context = RequestContext(
        request=request, store=store, currency=currency, token=token, base_url=request.build_absolute_uri("/")
    )
    schema = get_schema()
    for validator in REQUEST_VALIDATORS:
        try:
            validator(context, document)
        except registry.MagentoGraphQLError as exc:
            error = {"message": exc.message, "extensions": dict(exc.extensions or {})}
            raise _RequestError(_status([error]), error) from None

    validation_errors = validate(schema, document)
    if validation_errors:
        errors = [_format_error(e) for e in validation_errors]
        return _no_cache(_json({"errors": errors}, 200))

    result = execute(schema, document, context_value=context, variable_values=variables, operation_name=operation_name)
    errors = [_format_error(e) for e in result.errors or []]
    payload: dict[str, Any] = {}
    if errors:
        payload["errors"] = errors
    payload["data"] = result.data
    response = _json(payload, _status(errors))

    root_fields = _root_fields(operation)
    cacheable = (
        request.method == "GET"
        and operation is not None
        and operation.operation == OperationType.QUERY
        and not errors
        and not any(name in registry.UNCACHEABLE for name in root_fields)
    )
    if cacheable:
        response["Cache-Control"] = f"max-age={CACHE_TTL}, public, s-maxage={CACHE_TTL}"
        response["Pragma"] = "cache"
        tags = list(dict.fromkeys(context.tags))
        if tags:
            response["X-Magento-Tags"] = ",".join(tags)
    else:
        _no_cache(response)
    if operation is not None and operation.operation == OperationType.QUERY:
        response["X-Magento-Cache-Id"] = _cache_id(store, currency, token)
    return response


def _root_fields(operation: OperationDefinitionNode | None) -> list[str]:
    if operation is None:
        return []
    return [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]

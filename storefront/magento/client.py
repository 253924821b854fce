"""The Magento client: the only code in the storefront that sends requests to Magento.

Rules:
- One ``httpx.Client`` per process (keep-alive pool, named timeouts), created lazily by ``get_client()``
  in the process that uses it, and forgotten in a forked child (a gunicorn worker never reuses its
  parent's sockets or lock).
- GraphQL: cacheable queries without a token go as GET (``query``, ``operationName``, compact
  ``variables``) so a Varnish in front of Magento can cache them, unless the URL would exceed
  ``max_get_url``; mutations, uncacheable queries and anything with a token go as POST with a JSON body.
  Errors are mapped by ``extensions.category``, never by the HTTP status (Magento is not consistent).
- REST: ``/rest/<store>/V1/...`` from a route template; every ``:param`` is percent-escaped with no safe
  characters (SKUs contain ``/``, spaces, ``%``). The template, not the filled path, names the
  operation in logs and records, so ids never reach logs.
- Retries only for GET, at most ``get_retries`` extra attempts with small jittered exponential backoff,
  on connect errors (a connect timeout included), 502/503/504 and on 429 whose Retry-After is within
  ``retry_after_max``. Never on a read timeout: Magento got the request and is slow, so another try would
  double its load and make the shopper wait a whole read timeout more, holding a worker thread all along.
  POST/PUT/DELETE are sent exactly once: Magento has no idempotency keys, a retried "place order" could
  charge twice.
- At most ``max_in_flight`` calls are in flight per process (a bulkhead): when Magento hangs, the calls that
  find every slot taken fail fast (``reason="busy"``) instead of holding a worker thread for the read timeout,
  so threads stay free for cache HITs and ``/healthz``. "Hangs" means no call has finished for
  ``in_flight_wait`` or for ``HANG_FACTOR`` times the recent typical answer time, whichever is longer (a
  Magento answering in 3 s under load is slow, not hung): while calls keep finishing, a caller keeps waiting
  for a slot, up to one read timeout in all — shedding a shopper's request there would only trade a wait for
  an error page. "busy" is our own limit, not Magento failing: it neither opens nor closes the breaker, and it
  is not retried.
- Every attempt goes through the circuit breaker, is recorded (``calls.record_call``) and logged on
  ``storefront.magento`` at INFO with operation, method, status, ms, bytes and request id, and measured
  (``storefront_upstream_duration_seconds`` by operation and status). Never the token, the Authorization
  header, the filled path or the variables (they can hold personal data).
"""

from __future__ import annotations

import json as _json
import logging
import os
import random as _random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from storefront.magento.breaker import CircuitBreaker, breaker_for, reset_breakers
from storefront.magento.calls import UpstreamCall, current_request_id, record_call
from storefront.magento.documents import Document
from storefront.magento.errors import (
    ErrorDetail,
    MagentoAuthError,
    MagentoError,
    MagentoForbidden,
    MagentoGraphQLError,
    MagentoInputError,
    MagentoNotFound,
    MagentoRateLimited,
    MagentoUnavailable,
    fill_placeholders,
)
from storefront.metrics import observe_upstream

logger = logging.getLogger("storefront.magento")

# httpx logs every request URL at INFO ("HTTP Request: GET …?variables=…"): that would put search terms,
# cart ids and e-mail addresses into logs. Quiet it unless the deployment configured it on purpose.
for _noisy in ("httpx", "httpcore"):
    if logging.getLogger(_noisy).level == logging.NOTSET:
        logging.getLogger(_noisy).setLevel(logging.WARNING)

RETRYABLE_STATUSES = frozenset({502, 503, 504})
_AUTH_CATEGORIES = frozenset({"graphql-authentication", "graphql-authorization"})
_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")
# JWTs (2.4.4+) and the older 32-character tokens use only these characters; anything else would be
# rejected by httpx with the token in its error message, so it is refused before sending.
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=-]+")
_STORE_CODE = re.compile(r"[A-Za-z0-9_]+")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class GraphQLResult:
    data: dict[str, Any]
    tags: tuple[str, ...]
    cache_control: str | None
    status: int
    elapsed_ms: float


@dataclass(frozen=True)
class _Request:
    method: str
    # The URL holds ids and variables, the headers the token: kept out of reprs (tracebacks, Sentry).
    url: httpx.URL = field(repr=False)
    headers: dict[str, str] = field(repr=False)
    body: bytes | None = field(repr=False)
    operation: str
    kind: str  # "graphql" | "rest"
    read_timeout: float | None = None  # None: the client's own


# The bulkhead calls Magento hung once no call has finished for this many typical answer times (see the rules).
HANG_FACTOR = 3.0
TYPICAL_WEIGHT = 0.2  # weight of the newest answer in the moving average of answer times


class MagentoClient:
    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 10.0,
        get_retries: int = 2,
        retry_after_max: float = 2.0,
        breaker_threshold: int = 5,
        breaker_reset: float = 15.0,
        max_get_url: int = 8000,
        pool_size: int = 20,
        max_in_flight: int = 0,
        in_flight_wait: float = 2.0,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.get_retries = max(0, get_retries)
        self.retry_after_max = retry_after_max
        self.max_get_url = max_get_url
        self.breaker = breaker or CircuitBreaker(threshold=breaker_threshold, reset_after=breaker_reset, clock=clock)
        # 0 = no limit (unit tests, scripts); gunicorn workers get one below their thread count (settings).
        self._slots = threading.BoundedSemaphore(max_in_flight) if max_in_flight > 0 else None
        self.in_flight_wait = max(0.0, in_flight_wait)
        self._last_release = 0.0  # time.monotonic() when a call last gave its slot back (0: none yet)
        self._typical = 0.0  # moving average of the seconds Magento took to answer (0: no answer yet)
        self._last_down: MagentoUnavailable | None = None  # the last "Magento is down" answer, for fast failures
        self._sleep = sleep
        self._random = random
        self._wall_clock = wall_clock
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout),
            limits=httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size, keepalive_expiry=30.0),
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls) -> MagentoClient:
        from django.conf import settings

        base_url = str(getattr(settings, "MAGENTO_BASE_URL", "http://127.0.0.1:8001")).rstrip("/")
        threshold = int(getattr(settings, "MAGENTO_BREAKER_THRESHOLD", 5))
        reset_after = float(getattr(settings, "MAGENTO_BREAKER_RESET", 15.0))
        return cls(
            base_url,
            connect_timeout=float(getattr(settings, "MAGENTO_CONNECT_TIMEOUT", 2.0)),
            read_timeout=float(getattr(settings, "MAGENTO_READ_TIMEOUT", 10.0)),
            get_retries=int(getattr(settings, "MAGENTO_GET_RETRIES", 2)),
            retry_after_max=float(getattr(settings, "MAGENTO_RETRY_AFTER_MAX", 2.0)),
            max_get_url=int(getattr(settings, "MAGENTO_MAX_GET_URL", 8000)),
            pool_size=int(getattr(settings, "MAGENTO_POOL_SIZE", 20)),
            max_in_flight=int(getattr(settings, "MAGENTO_MAX_IN_FLIGHT", 0)),
            in_flight_wait=float(getattr(settings, "MAGENTO_IN_FLIGHT_WAIT", 2.0)),
            breaker=breaker_for(base_url, threshold=threshold, reset_after=reset_after),
        )

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"MagentoClient({self.base_url!r}, breaker={self.breaker.state!r})"

    # --- GraphQL ---------------------------------------------------------------------------------

    def graphql(
        self,
        document: Document,
        variables: Mapping[str, Any] | None = None,
        *,
        store: str,
        currency: str | None = None,
        token: str | None = None,
    ) -> GraphQLResult:
        """Run one GraphQL operation; raise a ``MagentoError`` subclass on any failure."""
        headers = self._headers(store=store, currency=currency, token=token)
        endpoint = f"{self.base_url}/graphql"
        request: _Request | None = None
        if document.operation == "query" and document.cacheable and token is None:
            params = {"query": document.text, "operationName": document.name}
            if variables:
                params["variables"] = _compact_json(variables)
            url = httpx.URL(endpoint, params=params)
            if len(str(url)) <= self.max_get_url:
                request = _Request("GET", url, headers, None, document.name, "graphql")
        if request is None:
            payload: dict[str, Any] = {"query": document.text, "operationName": document.name}
            if variables:
                payload["variables"] = dict(variables)
            headers["Content-Type"] = "application/json"
            body = _compact_json(payload).encode()
            request = _Request("POST", httpx.URL(endpoint), headers, body, document.name, "graphql")

        started = time.perf_counter()
        response, payload = self._call(request, token)
        return GraphQLResult(
            data=payload["data"],
            tags=_split_tags(response.headers.get("X-Magento-Tags")),
            cache_control=response.headers.get("Cache-Control"),
            status=response.status_code,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    # --- REST ------------------------------------------------------------------------------------

    def rest(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str | int] | None = None,
        query: Mapping[str, Any] | None = None,
        json: object = None,
        store: str,
        token: str | None = None,
        fields: str | None = None,
        read_timeout: float | None = None,
    ) -> object:
        """Call ``/rest/<store><path>``; ``path`` is Magento's route template (``/V1/carts/:cartId``).
        ``read_timeout`` replaces the client's read timeout for this one call (place-order waits longer)."""
        method = method.upper()
        if method not in ("GET", "POST", "PUT", "DELETE"):
            raise ValueError(f"Magento REST does not support {method}")
        if method == "GET" and json is not None:
            raise ValueError("a GET request cannot carry a JSON body")
        filled = _fill_path(path, path_params or {})
        params = _flatten_query(query or {})
        if fields is not None:
            params.append(("fields", fields))
        url = httpx.URL(f"{self.base_url}/rest/{quote(_check_store(store), safe='')}{filled}", params=params)
        headers = self._headers(store=None, currency=None, token=token)
        body = None
        if method in ("POST", "PUT") or json is not None:
            # Magento deserialises every POST/PUT body and rejects an empty one or a missing
            # Content-Type (Webapi\Rest\Request::getContentType), so a body-less call sends "{}".
            headers["Content-Type"] = "application/json"
            body = _compact_json({} if json is None else json).encode()
        _response, payload = self._call(_Request(method, url, headers, body, path, "rest", read_timeout), token)
        return payload

    # --- the shared machinery --------------------------------------------------------------------

    def _headers(self, *, store: str | None, currency: str | None, token: str | None) -> dict[str, str]:
        headers = {"Accept": "application/json", "X-Request-ID": current_request_id()}
        if store is not None:
            headers["Store"] = _check_store(store)
        if currency is not None:
            if not _CURRENCY_CODE.fullmatch(currency):
                raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
            headers["Content-Currency"] = currency
        if token is not None:
            if not _TOKEN_CHARS.fullmatch(token):
                # A corrupt session value: the customer has to log in again (message without the token).
                raise MagentoAuthError("The stored customer token is malformed.")
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _call(self, request: _Request, token: str | None) -> tuple[httpx.Response, Any]:
        """Send with breaker and GET retries; return the response and its decoded payload."""
        attempts = 1 + (self.get_retries if request.method == "GET" else 0)
        last_error: MagentoError | None = None
        try:
            for attempt in range(1, attempts + 1):
                if not self.breaker.allow():
                    if last_error is not None:
                        raise last_error
                    self._refuse(request)
                try:
                    return self._attempt_in_slot(request, attempt)
                except MagentoError as error:
                    delay = self._retry_delay(error, attempt) if attempt < attempts else None
                    if delay is None:
                        raise
                    last_error = error
                    self._sleep(delay)
            raise AssertionError("unreachable: the last attempt returns or raises")
        except MagentoError as error:
            error.redact(token)
            raise

    def _refuse(self, request: _Request) -> None:
        last = self._last_down
        error = MagentoUnavailable(
            "Magento is unavailable (circuit open).",
            reason="circuit_open",
            operation=request.operation,
            retry_after=last.retry_after if last is not None else None,
            maintenance=last is not None and last.maintenance,
        )
        self._report(request, status=0, ms=0.0, size=0, response=None, error=error, attempt=1)
        raise error

    def _attempt_in_slot(self, request: _Request, attempt: int) -> tuple[httpx.Response, Any]:
        if self._slots is None:
            return self._attempt(request, attempt)
        if not self._take_slot(self._slots):
            error = MagentoUnavailable(
                "Too many Magento calls in flight in this process.", reason="busy", operation=request.operation
            )
            self._report(request, status=0, ms=0.0, size=0, response=None, error=error, attempt=attempt)
            raise error
        try:
            return self._attempt(request, attempt)
        finally:
            self._last_release = time.monotonic()
            self._slots.release()

    def _take_slot(self, slots: threading.BoundedSemaphore) -> bool:
        """A slot, waiting while calls keep finishing; ``False`` once none has finished for the hang time
        (Magento hangs) or after a read timeout in all. Real time on purpose: the semaphore waits in it."""
        started = time.monotonic()
        while not slots.acquire(timeout=self.in_flight_wait):
            now = time.monotonic()
            if now - self._last_release >= self.hang_after() or now - started >= self._read_limit():
                return False
        return True

    def hang_after(self) -> float:
        """Seconds without any finished call after which Magento counts as hung (never more than a read timeout)."""
        return min(self._read_limit(), max(self.in_flight_wait, HANG_FACTOR * self._typical))

    def _read_limit(self) -> float:
        return self._http.timeout.read or float("inf")

    def _learn_answer_time(self, seconds: float) -> None:
        # Only answers teach: a hung Magento produces none, so its hang time stays short. Races between threads
        # lose an update at worst.
        previous = self._typical
        self._typical = seconds if not previous else (1 - TYPICAL_WEIGHT) * previous + TYPICAL_WEIGHT * seconds

    def _attempt(self, request: _Request, attempt: int) -> tuple[httpx.Response, Any]:
        started = time.perf_counter()
        response: httpx.Response | None = None
        error: MagentoError | None = None
        try:
            response = self._http.request(
                request.method,
                request.url,
                headers=request.headers,
                content=request.body,
                timeout=self._timeout(request),
            )
            if request.kind == "graphql":
                return response, self._interpret_graphql(response, request.operation)
            return response, self._interpret_rest(response, request.operation)
        except MagentoError as exc:
            error = exc
            raise
        except httpx.RequestError as exc:
            # The httpx message may carry the URL (ids); the class name is enough to diagnose.
            error = _network_error(exc, request.operation)
            raise error from None
        finally:
            # An unexpected exception (a bug) is neither a success nor Magento being down.
            if error is not None or response is not None:
                if isinstance(error, MagentoUnavailable):
                    self.breaker.record_failure()
                    self._last_down = error
                else:
                    self.breaker.record_success()
                    self._last_down = None
            elapsed = time.perf_counter() - started
            if response is not None:
                self._learn_answer_time(elapsed)
            ms = round(elapsed * 1000, 1)
            status = response.status_code if response is not None else 0
            size = len(response.content) if response is not None else 0
            self._report(request, status=status, ms=ms, size=size, response=response, error=error, attempt=attempt)

    def _timeout(self, request: _Request) -> httpx.Timeout:
        default = self._http.timeout
        if request.read_timeout is None:
            return default
        read = request.read_timeout
        return httpx.Timeout(connect=default.connect, read=read, write=read, pool=default.pool)

    def _report(
        self,
        request: _Request,
        *,
        status: int,
        ms: float,
        size: int,
        response: httpx.Response | None,
        error: MagentoError | None,
        attempt: int,
    ) -> None:
        tags: tuple[str, ...] = ()
        cache = None
        if response is not None:
            tags = _split_tags(response.headers.get("X-Magento-Tags"))
            cache = response.headers.get("X-Magento-Cache-Debug") or response.headers.get("X-Cache")
        failure = None
        if isinstance(error, MagentoUnavailable):
            failure = error.reason
        elif error is not None:
            failure = type(error).__name__
        record_call(UpstreamCall(request.operation, request.method, status, ms, size, tags, cache, failure))
        observe_upstream(request.operation, status, failure, ms / 1000)
        logger.info(
            "magento call operation=%s method=%s status=%s ms=%.1f bytes=%d request_id=%s attempt=%d error=%s",
            request.operation,
            request.method,
            status,
            ms,
            size,
            request.headers.get("X-Request-ID", ""),
            attempt,
            failure or "-",
            extra={
                "magento_operation": request.operation,
                "magento_method": request.method,
                "magento_status": status,
                "magento_ms": ms,
                "magento_bytes": size,
            },
        )

    def _retry_delay(self, error: MagentoError, attempt: int) -> float | None:
        """Seconds to wait before retrying a GET after ``error``, or None when it must not be retried."""
        if isinstance(error, MagentoRateLimited):
            if error.retry_after is not None and error.retry_after <= self.retry_after_max:
                return error.retry_after
            return None
        if not isinstance(error, MagentoUnavailable):
            return None
        if error.reason == "status" and error.status in RETRYABLE_STATUSES:
            if error.retry_after is not None and error.retry_after > self.retry_after_max:
                return None
        elif error.reason not in ("connect", "dropped"):  # a GET may be repeated, whatever became of the first
            return None
        # 50-100 ms, then 100-200 ms: enough to ride out a restarting PHP-FPM, small enough for a page.
        return min(0.2, 0.05 * 2 ** (attempt - 1) * (1 + self._random()))

    # --- response interpretation -----------------------------------------------------------------

    def _interpret_graphql(self, response: httpx.Response, operation: str) -> dict[str, Any]:
        status = response.status_code
        payload = _decode_json(response)
        if isinstance(payload, dict) and payload.get("errors"):
            error = _graphql_error(payload, status, operation, self._retry_after(response))
            # A 5xx with an error Magento itself classified (e.g. a rejected token) is an answer; a 5xx
            # with an "internal" error is Magento failing.
            if status < 500 or not isinstance(error, MagentoGraphQLError):
                raise error
        if status >= 500:
            raise self._server_error(response, operation)
        if not 200 <= status < 300:
            raise self._status_error(response, operation, payload)
        if not _is_json(response) or not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
            raise _garbage(operation, status)
        return payload

    def _interpret_rest(self, response: httpx.Response, operation: str) -> object:
        status = response.status_code
        if status >= 500:
            raise self._server_error(response, operation)
        if 200 <= status < 300:
            if not _is_json(response):
                raise _garbage(operation, status)
            payload = _decode_json(response)
            if payload is _INVALID:
                raise _garbage(operation, status)
            return payload
        raise self._status_error(response, operation, _decode_json(response))

    def _server_error(self, response: httpx.Response, operation: str) -> MagentoUnavailable:
        status = response.status_code
        maintenance = status == 503 and b"maintenance" in response.content[:20000].lower()
        return MagentoUnavailable(
            "Magento is down for maintenance." if maintenance else f"Magento answered HTTP {status}.",
            reason="maintenance" if maintenance else "status",
            operation=operation,
            status=status,
            retry_after=self._retry_after(response),
        )

    def _status_error(self, response: httpx.Response, operation: str, payload: object) -> MagentoError:
        """Map a non-2xx, non-5xx REST-style answer (``{message, parameters, errors?}``) to its class."""
        status = response.status_code
        template = ""
        parameters: object = None
        details: list[ErrorDetail] = []
        if isinstance(payload, dict) and isinstance(payload.get("message"), str):
            template = payload["message"]
            parameters = payload.get("parameters")
            for entry in payload.get("errors") or ():
                if isinstance(entry, dict) and isinstance(entry.get("message"), str):
                    raw = entry["message"]
                    details.append(
                        ErrorDetail(fill_placeholders(raw, entry.get("parameters")), raw, entry.get("parameters"))
                    )
        message = fill_placeholders(template, parameters) if template else None
        if status == 400:
            return MagentoInputError(
                message, template=template, parameters=parameters, errors=details, operation=operation
            )
        if status == 401:
            return MagentoAuthError(message, operation=operation, status=status)
        if status == 403:
            return MagentoForbidden(message, operation=operation, status=status)
        if status == 404:
            return MagentoNotFound(message, operation=operation, status=status)
        if status == 429:
            return MagentoRateLimited(message, retry_after=self._retry_after(response), operation=operation)
        if 400 <= status < 500:
            return MagentoError(message or f"Magento answered HTTP {status}.", operation=operation, status=status)
        # 1xx/3xx: a redirect or an informational answer is not something Magento's API sends.
        return _garbage(operation, status)

    def _retry_after(self, response: httpx.Response) -> float | None:
        return parse_retry_after(response.headers.get("Retry-After"), now=self._wall_clock())


# --- module-level helpers ---------------------------------------------------------------------------

_INVALID = object()


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP-date; None when absent or invalid."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def _graphql_error(payload: dict[str, Any], status: int, operation: str, retry_after: float | None) -> MagentoError:
    errors = [e for e in payload["errors"] if isinstance(e, dict)] or [{"message": str(payload["errors"])}]
    categories = frozenset(
        str(e["extensions"]["category"])
        for e in errors
        if isinstance(e.get("extensions"), dict) and e["extensions"].get("category")
    )
    data = payload.get("data")
    first_message = str(errors[0].get("message") or "")

    def message_of(*wanted: str) -> str:
        for entry in errors:
            extensions = entry.get("extensions")
            if isinstance(extensions, dict) and extensions.get("category") in wanted:
                return str(entry.get("message") or "")
        return first_message

    has_partial_data = isinstance(data, dict) and any(value is not None for value in data.values())
    if has_partial_data:
        # Some fields resolved: the caller decides whether the page can render without the rest.
        return MagentoGraphQLError(
            first_message, errors=errors, data=data, operation=operation, status=status, categories=categories
        )
    if categories & _AUTH_CATEGORIES:
        return MagentoAuthError(
            message_of(*_AUTH_CATEGORIES), operation=operation, status=status, categories=categories
        )
    if "graphql-no-such-entity" in categories:
        return MagentoNotFound(
            message_of("graphql-no-such-entity"), operation=operation, status=status, categories=categories
        )
    if "graphql-input" in categories:
        message = message_of("graphql-input")
        details = [
            ErrorDetail(str(e.get("message") or ""), str(e.get("message") or ""))
            for e in errors
            if isinstance(e.get("extensions"), dict) and e["extensions"].get("category") == "graphql-input"
        ]
        return MagentoInputError(
            message,
            template=message,
            errors=details,
            operation=operation,
            status=status,
            categories=categories,
        )
    if "graphql-too-many-requests" in categories:
        return MagentoRateLimited(
            message_of("graphql-too-many-requests"),
            retry_after=retry_after,
            operation=operation,
            status=status,
            categories=categories,
        )
    return MagentoGraphQLError(
        first_message, errors=errors, data=data, operation=operation, status=status, categories=categories
    )


def _network_error(exc: httpx.RequestError, operation: str) -> MagentoUnavailable:
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):  # nothing reached Magento: as retryable as a refused connection
        return MagentoUnavailable(f"Could not reach Magento ({name}).", reason="connect", operation=operation)
    if isinstance(exc, httpx.TimeoutException):
        return MagentoUnavailable(f"Magento timed out ({name}).", reason="timeout", operation=operation)
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
        # The request went out and the connection broke before the answer (Magento killed mid-request, a reset):
        # like a timeout, Magento may have carried it out, so a place-order must not be called "not sent".
        return MagentoUnavailable(f"Magento dropped the connection ({name}).", reason="dropped", operation=operation)
    if isinstance(exc, httpx.DecodingError):
        # A body that cannot be decompressed/decoded is as useless as an HTML error page.
        return MagentoUnavailable(f"Magento sent an undecodable body ({name}).", reason="garbage", operation=operation)
    return MagentoUnavailable(f"Could not reach Magento ({name}).", reason="connect", operation=operation)


def _garbage(operation: str, status: int) -> MagentoUnavailable:
    return MagentoUnavailable(
        "Magento sent a response that is not its API's JSON.",
        reason="garbage",
        operation=operation,
        status=status,
    )


def _is_json(response: httpx.Response) -> bool:
    content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


def _decode_json(response: httpx.Response) -> Any:
    """The decoded body, or ``_INVALID`` for an empty, truncated or non-JSON body."""
    if not response.content.strip():
        return _INVALID
    try:
        return _json.loads(response.content)
    except (ValueError, RecursionError):
        return _INVALID


def _compact_json(value: object) -> str:
    # Sorted keys: the same variables always give the same GET URL, so caches in front of Magento hit.
    return _json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _split_tags(header: str | None) -> tuple[str, ...]:
    if not header:
        return ()
    return tuple(tag.strip() for tag in header.split(",") if tag.strip())


def _check_store(store: str) -> str:
    if not _STORE_CODE.fullmatch(store):
        raise ValueError(f"not a Magento store code: {store!r}")
    return store


def _fill_path(template: str, params: Mapping[str, str | int]) -> str:
    """Replace each ``:name`` of a route template with its percent-escaped value."""
    if not template.startswith("/") or "?" in template:
        raise ValueError(f"a REST path is a route template like '/V1/carts/:cartId', got {template!r}")
    names = _PARAM.findall(template)
    missing = [name for name in names if name not in params]
    unused = sorted(set(params) - set(names))
    if missing or unused:
        raise ValueError(f"path params for {template!r}: missing {missing}, unused {unused}")
    return _PARAM.sub(lambda match: quote(str(params[match.group(1)]), safe=""), template)


def _flatten_query(query: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """PHP-style query pairs: ``{"searchCriteria": {"pageSize": 10}}`` → ``searchCriteria[pageSize]=10``."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(_flatten_query(value, name))
        elif isinstance(value, list | tuple):
            pairs.extend(_flatten_query(dict(enumerate(value)), name))
        elif isinstance(value, bool):
            # PHP reads the string "false" as true; 1/0 mean what they say.
            pairs.append((name, "1" if value else "0"))
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs


# --- the process-wide client ------------------------------------------------------------------------

_client: MagentoClient | None = None
_client_lock = threading.Lock()


def get_client() -> MagentoClient:
    """The process-wide client, created on first use from Django settings (thread-safe)."""
    global _client
    client = _client
    if client is None:
        with _client_lock:
            if _client is None:
                _client = MagentoClient.from_settings()
            client = _client
    return client


def set_client(client: MagentoClient | None) -> MagentoClient | None:
    """Replace the process-wide client (tests); returns the previous one."""
    global _client
    with _client_lock:
        previous, _client = _client, client
    return previous


def reset_client() -> None:
    """Close and forget the process-wide client and the breakers (tests, settings changes)."""
    previous = set_client(None)
    if previous is not None:
        previous.close()
    reset_breakers()


def _forget_after_fork() -> None:
    # The child must not share pooled sockets with its parent, nor inherit a lock held at fork time.
    global _client, _client_lock
    _client = None
    _client_lock = threading.Lock()
    reset_breakers()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)

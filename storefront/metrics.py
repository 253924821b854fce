"""Prometheus metrics of the storefront, and who may read them.

Rules:
- Every metric is defined here, nowhere else; callers use the small functions below, never the metric
  objects, so label values are always normalised in one place.
- Labels are bounded by construction: a request is labelled by its URL pattern *name* (``home``,
  ``magento-page``), never by its path; an upstream call by its GraphQL operation name or REST route
  template, with anything that looks like an id replaced by ``:id`` and new operation names capped at
  ``MAX_OPERATIONS`` (the rest become ``other``); statuses by class (``2xx``) or a short reason.
- Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set (the gunicorn config sets it, fresh, when it
  starts more than one worker) prometheus-client writes each process's values to files in that folder and
  ``/metrics`` sums them across workers, dead ones included (counters must not go down when a worker is
  recycled). The circuit gauge uses ``livemax``: the worst state among the workers that are alive.
  Without the variable (one process: ``make run``, tests) the plain in-process registry is used.
- The page-cache HIT path pays one dict lookup and one ``observe()``/``inc()`` per metric: labelled children
  are remembered in plain dicts so a request allocates no more than one small tuple.
- ``/metrics`` is not public: only peers in ``METRICS_ALLOWED_IPS`` that did not come through a proxy, or a
  request with ``Authorization: Bearer <METRICS_TOKEN>``; everybody else gets the ordinary 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from functools import lru_cache

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import generate_latest as _generate_latest

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
CONTENT_TYPE = CONTENT_TYPE_LATEST
MAX_OPERATIONS = 200

# A HIT is well under a millisecond; a cold render with Magento can take seconds.
_REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_UPSTREAM_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_WAIT_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)

REQUEST_DURATION = Histogram(
    "storefront_request_duration_seconds",
    "Time to answer a request, by URL pattern name, page-cache state and status class.",
    ["route", "cache", "status"],
    buckets=_REQUEST_BUCKETS,
)
UPSTREAM_DURATION = Histogram(
    "storefront_upstream_duration_seconds",
    "Time of one Magento call attempt, by operation (GraphQL operation or REST route template) and status.",
    ["operation", "status"],
    buckets=_UPSTREAM_BUCKETS,
)
PAGECACHE = Counter(
    "storefront_pagecache",
    "Page-cache answers by state (HIT, STALE, MISS, ERROR, BYPASS).",
    ["state"],
)
SINGLE_FLIGHT_WAITS = Counter(
    "storefront_pagecache_singleflight_waits",
    "Requests that waited for another request's render of the same page, by outcome.",
    ["outcome"],
)
SINGLE_FLIGHT_WAIT = Histogram(
    "storefront_pagecache_singleflight_wait_seconds",
    "How long a request waited for another request's render of the same page.",
    buckets=_WAIT_BUCKETS,
)
REFRESHES = Counter(
    "storefront_pagecache_refreshes",
    "Background refreshes of STALE pages, by result (ok, failed, skipped).",
    ["result"],
)
CIRCUIT_STATE = Gauge(
    "storefront_magento_circuit_state",
    "Magento circuit breaker: 0 closed, 1 half-open, 2 open (worst live worker).",
    multiprocess_mode="livemax",
)
CIRCUIT_VALUES = {"closed": 0, "half_open": 1, "open": 2}
LOCAL_COPY_BYTES = Gauge(
    "storefront_pagecache_local_copy_bytes",
    "Bytes of page bodies this process keeps as copies of the shared page cache (bounded by "
    "PAGECACHE_LOCAL_BYTES), per live worker: a soak tells their bounded growth from a leak by it.",
    multiprocess_mode="liveall",
)

CACHE_STATES = frozenset({"HIT", "STALE", "MISS", "ERROR", "BYPASS"})
_STATUS_CLASS = {n: f"{n}xx" for n in range(1, 6)}

_request_children: dict[tuple[str, str, str], Histogram] = {}
_upstream_children: dict[tuple[str, str], Histogram] = {}
_pagecache_children: dict[str, Counter] = {}


# --- label normalisation -----------------------------------------------------------------------------

# A REST route segment is kept when it is a ``:placeholder``, the API version, or a word of letters and hyphens
# (``guest-carts``, ``resetPassword``); anything with a digit, a dot, an @ or a percent sign — ids, SKUs,
# coupon codes, e-mail addresses, tokens — becomes ``:id``.
_WORD_SEGMENT = re.compile(r"^(:[A-Za-z_][A-Za-z0-9_]{0,63}|V\d{1,2}|[A-Za-z][A-Za-z-]{0,39})$")
_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


def status_class(status: int) -> str:
    return _STATUS_CLASS.get(status // 100, "other")


def cache_label(state: str | None) -> str:
    return state if state in CACHE_STATES else "none"


@lru_cache(maxsize=1024)
def _normalise_operation(operation: str) -> str:
    if _OPERATION_NAME.match(operation):
        return operation  # a GraphQL operation name
    if operation.startswith("/"):
        path = operation.split("?", 1)[0]
        parts = [part if _WORD_SEGMENT.match(part) else ":id" for part in path.strip("/").split("/")]
        return "/" + "/".join(parts)
    return "other"


_known_operations: set[str] = set()


def operation_label(operation: str) -> str:
    """A bounded label for an upstream operation: never an id, SKU, e-mail or token; at most
    ``MAX_OPERATIONS`` distinct values per process (a template bug cannot flood Prometheus)."""
    label = _normalise_operation(operation or "")
    if label not in _known_operations:
        if len(_known_operations) >= MAX_OPERATIONS:
            return "other"
        _known_operations.add(label)
    return label


def route_label(match: object | None) -> str:
    """The URL pattern's name (``home``, ``magento-page``), never the requested path."""
    if match is None:
        return "unmatched"
    name = getattr(match, "url_name", None)
    if name:
        return name
    route = getattr(match, "route", "")  # an unnamed pattern: its template is still bounded
    return route[:100] if route else "unnamed"


def upstream_status(status: int, failure: str | None) -> str:
    """HTTP status of the answer, or why there was none (``timeout``, ``connect``, ``circuit_open``)."""
    if status:
        return str(status) if 100 <= status < 600 else "other"
    known = {"timeout", "connect", "dropped", "circuit_open", "garbage", "maintenance", "busy"}
    return failure if failure in known else "error"


# --- recording -------------------------------------------------------------------------------------------


def observe_request(route: str, cache: str, status: int, seconds: float) -> None:
    key = (route, cache, status_class(status))
    child = _request_children.get(key)
    if child is None:
        child = _request_children[key] = REQUEST_DURATION.labels(*key)
    child.observe(seconds)
    if cache != "none":
        counter = _pagecache_children.get(cache)
        if counter is None:
            counter = _pagecache_children[cache] = PAGECACHE.labels(cache)
        counter.inc()


def observe_upstream(operation: str, status: int, failure: str | None, seconds: float) -> None:
    key = (operation_label(operation), upstream_status(status, failure))
    child = _upstream_children.get(key)
    if child is None:
        child = _upstream_children[key] = UPSTREAM_DURATION.labels(*key)
    child.observe(seconds)


def observe_single_flight_wait(seconds: float, served: bool) -> None:
    SINGLE_FLIGHT_WAITS.labels("served" if served else "empty").inc()
    SINGLE_FLIGHT_WAIT.observe(seconds)


def count_refresh(result: str) -> None:
    REFRESHES.labels(result).inc()


def set_circuit_state(state: str) -> None:
    CIRCUIT_STATE.set(CIRCUIT_VALUES.get(state, 2))


def set_local_copy_bytes(size: int) -> None:
    LOCAL_COPY_BYTES.set(size)


# --- exposition ------------------------------------------------------------------------------------------


def generate_latest() -> bytes:
    """The text exposition: summed over every worker in multiprocess mode, this process otherwise."""
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return _generate_latest(registry)
    return _generate_latest(REGISTRY)


# Headers a proxy adds: a request relayed by one arrives from the proxy's (often local) address, so its
# peer address says nothing about the client and must not open /metrics.
_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for item in allowed:
        if item.lower() == "none":
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # a typo must not open the endpoint; settings checks report it
    return tuple(networks)


def scrape_allowed(meta: dict[str, object], allowed_ips: list[str] | tuple[str, ...], token: str) -> bool:
    """May this request (its WSGI ``META``) read /metrics?"""
    if token:
        header = str(meta.get("HTTP_AUTHORIZATION", ""))
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and given and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    if any(name in meta for name in _PROXY_HEADERS):
        return False
    try:
        peer = ipaddress.ip_address(str(meta.get("REMOTE_ADDR", "")).split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return any(peer in network for network in _networks(tuple(allowed_ips)))

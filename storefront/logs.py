"""Structured logs: one JSON object per line, and one access line per request.

Rules: a log line carries the request id, route (the URL pattern's name, as in the metrics), status,
duration, cache state (HIT/STALE/MISS/ERROR/BYPASS) and the upstream calls (operation, status, ms, error
kind) — never a token, a password, a cookie, a query string or anything the shopper typed. On a personal
(``private``) response the path's variable parts (an order number, an address id) are logged as their
URL-pattern names (``/account/orders/<number>/``): they identify a customer and say nothing to an operator
that the route does not.
``LOG_FORMAT=json`` (the production default) or ``plain``.
"""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from storefront.magento.calls import UpstreamCall
from storefront.metrics import route_label

access_log = logging.getLogger("storefront.access")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class OneLineException(logging.Filter):
    """For failures the shop is built to ride out (django-redis ignoring a Redis outage): the exception's class
    and message on the log line instead of a traceback, so a two-second Redis restart under load is a few
    hundred readable lines, not thousands of traceback lines burying everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            cause = exc.__cause__ or exc
            record.msg = f"{record.getMessage()}: {type(cause).__name__}: {cause}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class RequestScrubber(logging.Filter):
    """For Django's own lines (``django.request``, ``django.security.*``), which pass the request along: the
    request object would be written as its full URL, query string included (a password-reset token, a search
    term). The line keeps the request id instead, and the path in its message has its variable parts as their
    URL-pattern names (``/account/orders/<number>/``); the access line with the same request id has the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is None:
            return True
        del record.request
        if not isinstance(request, HttpRequest):
            return True
        record.request_id = getattr(request, "request_id", "")
        masked = _masked_path(request, getattr(request, "resolver_match", None))
        if isinstance(record.args, tuple) and masked != request.path:
            record.args = tuple(masked if arg == request.path else arg for arg in record.args)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, separators=(",", ":"))


def log_request(
    request: HttpRequest, response: HttpResponse, ms: float, upstream: list[UpstreamCall], cache: str = ""
) -> None:
    """One line per request that did work. Cache HITs are skipped unless ``ACCESS_LOG_HITS`` is on: they are
    the bulk of the traffic, cost nothing upstream, and the edge (nginx, Varnish) logs them anyway. So are
    successful Prometheus scrapes (every few seconds, all alike); refused ones are logged."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    cache = cache or response.get("X-Cache", "")
    if cache == "HIT" and not settings.ACCESS_LOG_HITS:
        return
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "metrics" and response.status_code == 200:
        return
    path = _logged_path(request, response, match)
    access_log.info(
        "%s %s %s",
        request.method,
        path,
        response.status_code,
        extra={
            "request_id": getattr(request, "request_id", ""),
            "method": request.method,
            "path": path,
            "route": route_label(match),
            "status": response.status_code,
            "ms": round(ms, 1),
            "cache": "" if cache == "none" else cache,
            "upstream": [_upstream_entry(c) for c in upstream],
        },
    )


def _logged_path(request: HttpRequest, response: HttpResponse, match: object) -> str:
    if match is None or "private" not in response.get("Cache-Control", ""):
        return request.path
    return _masked_path(request, match)


def _masked_path(request: HttpRequest, match: object) -> str:
    path = request.path
    kwargs = getattr(match, "kwargs", None) or {}
    for name, value in kwargs.items():
        if name != "store_code" and str(value):
            path = path.replace(f"/{value}/", f"/<{name}>/")
    return path


def _upstream_entry(call: UpstreamCall) -> dict[str, object]:
    entry: dict[str, object] = {"op": call.operation, "status": call.status, "ms": round(call.ms, 1)}
    if call.error:
        entry["error"] = call.error  # a class name or a reason ("timeout"), never Magento's message
    return entry

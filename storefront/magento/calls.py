"""Per-request record of upstream Magento calls, and the request id sent as ``X-Request-ID``.

Rules:
- State lives in ``contextvars`` so concurrent requests (threads, async tasks) never see each other's
  calls. Recording is opt-in per request: ``start_recording()`` … ``stop_recording(token)``; outside
  a recording, ``record_call`` is a no-op.
- Every attempt is recorded, including failures (status 0 for network errors, no response) and calls
  refused by an open circuit breaker, so the inspector and ``Server-Timing`` tell the truth.
- A record holds the operation (route template or GraphQL operation name), never a filled path,
  variables or a token.
- The request id is sanitised (it comes from a client header and ends up in logs): letters, digits,
  ``.``, ``_`` and ``-``, at most 64 characters. Without one, each call gets a fresh id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class UpstreamCall:
    operation: str
    method: str
    status: int
    ms: float
    bytes: int
    tags: tuple[str, ...] = ()
    # Upstream cache verdict when a cache in front of Magento reports one (X-Magento-Cache-Debug, X-Cache).
    cache: str | None = None
    # MagentoError class name or unavailable reason when the call failed; None on success.
    error: str | None = None


_calls: ContextVar[list[UpstreamCall] | None] = ContextVar("magento_calls", default=None)
_request_id: ContextVar[str | None] = ContextVar("magento_request_id", default=None)

_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9._-]")


def start_recording() -> Token[list[UpstreamCall] | None]:
    """Begin a fresh record for the current context; pass the token to ``stop_recording``."""
    return _calls.set([])


def stop_recording(token: Token[list[UpstreamCall] | None]) -> None:
    _calls.reset(token)


def recorded_calls() -> list[UpstreamCall]:
    """A copy of the calls recorded so far in this context (empty when not recording)."""
    calls = _calls.get()
    return list(calls) if calls is not None else []


def record_call(call: UpstreamCall) -> None:
    calls = _calls.get()
    if calls is not None:
        calls.append(call)


def server_timing(calls: Iterable[UpstreamCall]) -> str:
    """``Server-Timing`` entry for Magento: ``magento;dur=<total ms>;desc="<n> calls"``."""
    calls = list(calls)
    total = sum(call.ms for call in calls)
    noun = "call" if len(calls) == 1 else "calls"
    return f'magento;dur={total:.1f};desc="{len(calls)} {noun}"'


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_request_id(request_id: str | None) -> Token[str | None]:
    """Set the id for this context (sanitised; a fresh one when empty). Returns a token for reset."""
    clean = _UNSAFE_ID_CHARS.sub("", request_id or "")[:64]
    return _request_id.set(clean or new_request_id())


def reset_request_id(token: Token[str | None]) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    """The id set for this context, or a fresh one (not stored: it must not leak into later requests
    served by the same thread)."""
    return _request_id.get() or new_request_id()

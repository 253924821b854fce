"""In-memory tool state shared by every thread of the (single) sandbox worker process.

Rules: all state sits behind one lock; gunicorn runs one worker (threads only), so what a test sets
through ``/sandbox/faults`` is what every later request sees. Other sandbox parts plug in through two
functions: ``register_reset_hook(fn)`` (called by ``POST /sandbox/reset``, e.g. to wipe carts and
customers) and ``set_operation(request, "rest:PUT /V1/guest-carts/:cartId")`` (names the call counter
with the matched route template instead of the raw path).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.http import HttpRequest

_lock = threading.Lock()
_counters: Counter[str] = Counter()
_faults: list[Fault] = []
_reset_hooks: list[Callable[[], None]] = []

HANG_LIMIT_SECONDS = 60.0


@dataclass
class Fault:
    path: str = ".*"
    operation: str | None = None
    latency_ms: int = 0
    error_rate: float = 0.0
    status: int | None = None
    retry_after: int | None = None
    hang: bool = False
    resolver_error: bool = False
    hang_seconds: float = HANG_LIMIT_SECONDS
    times: int | None = None

    def __post_init__(self) -> None:
        self.regex = re.compile(self.path)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FAULT_FIELDS = {f for f in Fault.__dataclass_fields__}


def parse_fault(spec: dict[str, Any]) -> Fault:
    """Validate a JSON fault spec; ValueError with a readable message when it is wrong."""
    unknown = set(spec) - FAULT_FIELDS
    if unknown:
        raise ValueError(f"unknown fault fields: {sorted(unknown)}")
    try:
        fault = Fault(**spec)
        re.compile(fault.path)
    except (TypeError, re.error) as exc:
        raise ValueError(str(exc)) from exc
    if not 0.0 <= float(fault.error_rate) <= 1.0:
        raise ValueError("error_rate must be between 0 and 1")
    if fault.times is not None and int(fault.times) < 1:
        raise ValueError("times must be at least 1")
    fault.hang_seconds = min(float(fault.hang_seconds), HANG_LIMIT_SECONDS)
    return fault


def add_fault(fault: Fault) -> None:
    with _lock:
        _faults.append(fault)


def list_faults() -> list[dict[str, Any]]:
    with _lock:
        return [f.as_dict() for f in _faults]


def clear_faults() -> None:
    with _lock:
        _faults.clear()


def take_fault(path: str, operation: str | None) -> Fault | None:
    """The first fault matching this request; spends one of its ``times`` (expired faults disappear)."""
    with _lock:
        for fault in _faults:
            if not fault.regex.search(path):
                continue
            if fault.operation and fault.operation != operation:
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    _faults.remove(fault)
            return fault
    return None


def count(key: str) -> None:
    with _lock:
        _counters[key] += 1


def counters() -> dict[str, int]:
    with _lock:
        data = dict(sorted(_counters.items()))
    data["total"] = sum(data.values())
    return data


def reset_counters() -> None:
    with _lock:
        _counters.clear()


def register_reset_hook(hook: Callable[[], None]) -> None:
    """Run ``hook`` on ``POST /sandbox/reset`` (registering the same function twice runs it once)."""
    with _lock:
        if hook not in _reset_hooks:
            _reset_hooks.append(hook)


def reset_hooks() -> list[Callable[[], None]]:
    with _lock:
        return list(_reset_hooks)


def set_operation(request: HttpRequest, name: str) -> None:
    """Name this request's counter (e.g. ``rest:GET /V1/guest-carts/:cartId``)."""
    request.sandbox_operation = name  # type: ignore[attr-defined]

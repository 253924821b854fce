"""Circuit breaker for upstream Magento calls: stop hammering a Magento that is down.

Rules:
- Only failures that mean "Magento is down" count: connect errors, timeouts, 5xx, garbage responses.
  A 4xx or a GraphQL error is Magento working correctly, so it counts as a success.
- Closed → open after ``threshold`` consecutive failures. While open, ``allow()`` is False and callers
  fail fast without network I/O. After ``reset_after`` seconds the breaker is half-open: exactly one
  trial call is let through; its success closes the breaker, its failure re-opens it for another
  ``reset_after``. A trial whose outcome is never reported (the caller crashed) expires after
  ``reset_after`` so the breaker cannot stay stuck.
- One breaker per process and per base URL (``breaker_for``); state is node-local on purpose: each
  node learns on its own that Magento is back. Thread-safe; the clock is injectable for tests.
- ``on_change`` hears every state a breaker enters through a call (closed, open, half-open when the trial
  starts); the process-wide breakers report it to ``storefront_magento_circuit_state``. An open breaker
  that no call has touched since its reset time passed is still reported open: nothing has tried yet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from storefront.metrics import set_circuit_state

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int = 5,
        reset_after: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        self.threshold = max(1, threshold)
        self._on_change = on_change
        self._reported = CLOSED
        self.reset_after = reset_after
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_started_at: float | None = None

    @property
    def state(self) -> str:
        with self._lock:
            return self._state_locked()

    @property
    def consecutive_failures(self) -> int:
        with self._lock:
            return self._failures

    def _state_locked(self) -> str:
        if self._opened_at is None:
            return CLOSED
        if self._clock() - self._opened_at >= self.reset_after:
            return HALF_OPEN
        return OPEN

    def allow(self) -> bool:
        """May a call go out now? In half-open, only the first caller gets True (the trial)."""
        with self._lock:
            state = self._state_locked()
            if state == CLOSED:
                return True
            if state == OPEN:
                return False
            now = self._clock()
            trial_running = self._trial_started_at is not None and now - self._trial_started_at < self.reset_after
            if trial_running:
                return False
            self._trial_started_at = now
            self._report(HALF_OPEN)
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_started_at = None
            self._report(CLOSED)

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            half_open_trial_failed = self._trial_started_at is not None
            if half_open_trial_failed or self._failures >= self.threshold:
                self._opened_at = self._clock()
            self._trial_started_at = None
            self._report(self._state_locked())

    def _report(self, state: str) -> None:
        # Called under the lock, so reports arrive in the order of the changes. Only changes are reported:
        # the common case (closed, stays closed) costs one comparison.
        if self._on_change is not None and state != self._reported:
            self._reported = state
            self._on_change(state)

    def reset(self) -> None:
        self.record_success()


_registry: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(
    base_url: str, *, threshold: int, reset_after: float, clock: Callable[[], float] = time.monotonic
) -> CircuitBreaker:
    """The process-wide breaker for one Magento base URL (created on first use)."""
    with _registry_lock:
        breaker = _registry.get(base_url)
        if breaker is None:
            breaker = CircuitBreaker(
                threshold=threshold, reset_after=reset_after, clock=clock, on_change=set_circuit_state
            )
            _registry[base_url] = breaker
        return breaker


def reset_breakers() -> None:
    """Forget every breaker (tests, and a forked worker that must not inherit its parent's state)."""
    global _registry_lock
    _registry.clear()
    set_circuit_state(CLOSED)  # the breakers that reported are gone; new ones start closed
    # A fork can happen while another thread holds the lock; the child gets a fresh one.
    _registry_lock = threading.Lock()

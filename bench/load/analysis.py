"""Turn one scenario's raw rows (from the locustfile's side channel) into the report's figures.

Rules: percentiles are nearest-rank over every request of the group; "expected 503" means a 503 between the
moment the sandbox was killed and its restart plus the circuit breaker's reset time (the breaker may hold a
little longer than the outage), and "degraded" a form that went back with a message in that window (the add
that could not add); every other 5xx is unexpected; an order is lost when a shopper saw its number on
the confirmation page and Magento has no such order; "unconfirmed" orders exist in Magento while no shopper saw
their confirmation (an answer lost in a crash) — reported, not counted as lost. Every unexpected 5xx is named
by its cause: what Magento did on that request (from the storefront log, by request id), or the storefront's own
fault when Magento did nothing wrong.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

STATES = ("HIT", "STALE", "MISS", "BYPASS", "-")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def slope_per_hour(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, MB) in MB per hour."""
    if len(points) < 3:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return None
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / var * 3600


CACHED_STATES = frozenset({"HIT", "MISS", "STALE"})
NOT_SERVED_STALE = "HTTP 503 for a page cached before the outage"


def summarize(
    *,
    scenario: dict[str, Any],
    raw: dict[str, Any],
    started: float,
    ended: float,
    fault: dict[str, Any] | None,
    orders_in_magento: list[str],
    samples: list[dict[str, Any]],
    breaker_reset: float,
    causes: dict[str, str] | None = None,
) -> dict[str, Any]:
    rows = raw["rows"]
    causes = causes or {}
    rids = rows.get("rid") or [""] * len(rows["t"])
    paths = rows.get("path") or [""] * len(rows["t"])
    count = len(rows["t"])
    window = None
    if fault and fault["kind"] == "sandbox":
        window = (fault["down_at"], fault["up_at"] + breaker_reset)

    by_state: dict[str, list[float]] = {}
    by_name: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    errors_by_name: Counter[str] = Counter()
    expected_503 = 0
    expected_by_name: Counter[str] = Counter()
    degraded = 0
    degraded_by_name: Counter[str] = Counter()
    unexpected_5xx = 0
    unexpected_by_cause: Counter[str] = Counter()
    error_times: list[float] = []
    # Pages the page cache served (HIT, MISS or STALE) before the outage: their copies are within
    # stale-if-error (hours to days) for the whole 30 s, so a 503 for one of them is not the designed 503.
    cached_before: set[str] = set()
    not_served_stale = 0
    for t, name, state, ms, status, error, rid, path in zip(
        rows["t"], rows["name"], rows["state"], rows["ms"], rows["status"], rows["error"], rids, paths, strict=True
    ):
        by_state.setdefault(state, []).append(ms)
        by_name.setdefault(name, []).append(ms)
        if window and path and t < window[0] and status == 200 and state in CACHED_STATES:
            cached_before.add(path)
        if not error:
            continue
        stale_missed = bool(window) and window[0] <= t <= window[1] and status == 503 and path in cached_before
        if stale_missed:
            error = NOT_SERVED_STALE
            not_served_stale += 1
        elif window and window[0] <= t <= window[1] and (status == 503 or error == "wrong content"):
            # While Magento is down: a 503 page, or a form that goes back with its message (the add that could
            # not add, the checkout step that finds no cart) is the designed degradation.
            if status == 503:
                expected_503 += 1
                expected_by_name[name] += 1
            else:
                degraded += 1
                degraded_by_name[name] += 1
            continue
        errors[error] += 1
        errors_by_name[f"{name}: {error}"] += 1
        error_times.append(t)
        if status >= 500:
            unexpected_5xx += 1
            unexpected_by_cause[NOT_SERVED_STALE if stale_missed else _cause(status, causes.get(rid))] += 1

    def pcts(values: list[float]) -> dict[str, Any]:
        return {
            "n": len(values),
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
        }

    # Error creep: unexpected errors in the last third of the run against the first third.
    third = (ended - started) / 3
    first = sum(1 for t in error_times if t < started + third)
    last = sum(1 for t in error_times if t >= ended - third)

    # Worker RSS: the sum over workers and each worker's slope after a warm-up (the first 10 % of the run or
    # one minute, whichever is longer: caches fill and imports settle there).
    warm = started + max(60.0, (ended - started) * 0.1)
    per_worker: dict[str, list[tuple[float, float]]] = {}
    # The same without the page copies each worker reported (``copies``, MB by pid): those are bounded by
    # PAGECACHE_LOCAL_BYTES and fill for a long while, so what is left is what could leak.
    per_worker_net: dict[str, list[tuple[float, float]]] = {}
    series = []
    for sample in samples:
        total = sum(sample["workers"].values())
        series.append(
            {
                "s": round(sample["t"] - started, 1),
                "workers_mb": round(total, 1),
                "sandbox_mb": sample["sandbox_mb"],
                "load1": sample["load1"],
            }
        )
        if sample["t"] >= warm:
            copies = sample.get("copies") or {}
            for pid, mb in sample["workers"].items():
                per_worker.setdefault(pid, []).append((sample["t"], mb))
                per_worker_net.setdefault(pid, []).append((sample["t"], mb - copies.get(pid, 0.0)))
    slopes = {pid: slope_per_hour(points) for pid, points in per_worker.items()}
    # Caches (local page copies, connection pools) fill during the first part of a run; a leak keeps growing.
    # So "flat" is judged on the second half of the run, and the whole-run slope is reported beside it.
    half = started + (ended - started) / 2
    late_slopes = {pid: slope_per_hour([p for p in points if p[0] >= half]) for pid, points in per_worker.items()}
    late_net = {pid: slope_per_hour([p for p in points if p[0] >= half]) for pid, points in per_worker_net.items()}
    last_copies = next((s.get("copies") for s in reversed(samples) if s.get("copies")), None) or {}
    loads = [s["load1"] for s in samples]

    seen = [o["number"] for o in raw["orders"]]
    seen_set = set(seen)
    magento = set(orders_in_magento)
    duplicates = sorted(n for n, c in Counter(seen).items() if c > 1)
    duration = ended - started
    return {
        "scenario": scenario,
        "seconds": round(duration, 1),
        "requests": count,
        # Throughput over the planned window only; the drain (users finishing their task) would dilute it.
        "rps": round(sum(1 for t in rows["t"] if t <= started + scenario["seconds"]) / scenario["seconds"], 1),
        "latency_by_state": {s: pcts(v) for s, v in sorted(by_state.items(), key=lambda kv: _state_order(kv[0]))},
        "latency_by_name": {n: pcts(v) for n, v in sorted(by_name.items())},
        "errors_by_kind": dict(errors.most_common()),
        "errors_by_name": dict(errors_by_name.most_common(20)),
        "error_details": dict(sorted(raw.get("details", {}).items(), key=lambda kv: -kv[1])[:15]),
        "unexpected_5xx": unexpected_5xx,
        "unexpected_5xx_by_cause": dict(unexpected_by_cause.most_common()),
        "expected_503": expected_503,
        "cached_pages_not_served_stale": not_served_stale,
        "expected_503_by_name": dict(expected_by_name.most_common()),
        "degraded_in_outage": degraded,
        "degraded_in_outage_by_name": dict(degraded_by_name.most_common()),
        "fault": fault,
        "error_creep": {"first_third": first, "last_third": last},
        "orders": {
            "checkouts": raw["checkouts"],
            "confirmed": len(seen),
            "in_magento": len(magento),
            "lost": sorted(seen_set - magento),
            "unconfirmed": len(magento - seen_set),
            "duplicates": duplicates,
        },
        "rss": {
            "series": series,
            "workers_start_mb": series[0]["workers_mb"] if series else None,
            "workers_end_mb": series[-1]["workers_mb"] if series else None,
            "workers_max_mb": max((s["workers_mb"] for s in series), default=None),
            "slope_mb_per_hour": {pid: (round(v, 2) if v is not None else None) for pid, v in slopes.items()},
            "slope_second_half_mb_per_hour": {
                pid: (round(v, 2) if v is not None else None) for pid, v in late_slopes.items()
            },
            # None when the workers reported no page copies (an older storefront, or no Redis).
            "slope_second_half_without_copies_mb_per_hour": (
                {pid: (round(v, 2) if v is not None else None) for pid, v in late_net.items()} if last_copies else None
            ),
            "copies_end_mb": {pid: round(mb, 1) for pid, mb in last_copies.items()},
        },
        "load1": {
            "mean": round(sum(loads) / len(loads), 2) if loads else None,
            "max": round(max(loads), 2) if loads else None,
        },
    }


# What Magento did on the request that ended in a 5xx (the storefront log's ``error=`` of its last failed call).
CAUSES = {
    "timeout": "Magento timed out",
    "busy": "bulkhead full (Magento calls in flight)",
    "circuit_open": "circuit open",
    "connect": "Magento unreachable",
    "dropped": "Magento dropped the connection",
    "maintenance": "Magento maintenance",
    "status": "Magento 5xx",
    "garbage": "Magento garbage",
}


def _cause(status: int, magento_error: str | None) -> str:
    """A 503 after a Magento failure is the storefront's designed answer to it; a 5xx without one (or a 500)
    is the storefront's own fault."""
    if status == 503 and magento_error:
        return CAUSES.get(magento_error, f"Magento {magento_error}")
    return f"storefront's own (HTTP {status}, no Magento failure logged)"


def _state_order(state: str) -> int:
    return STATES.index(state) if state in STATES else len(STATES)

"""Failure timings: how long shoppers and probes wait when Magento is down, slow, hanging or rate-limiting.

Writes bench/failure-report.md. Run: `.venv/bin/python bench/failure_timings.py`.
Starts its own sandbox and storefront gunicorn processes (no Redis: the embedded page cache) on free ports with
the knobs printed in the report, and measures wall-clock times from a client's point of view. The behaviour
itself is asserted by tests/integration/test_failure_behaviour.py; this runner only reports numbers.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.test_failure_behaviour import discover, kill_hard  # noqa: E402
from tests.support.sandbox import start_sandbox  # noqa: E402
from tests.support.storefront import start_storefront  # noqa: E402

KNOBS = {
    "MAGENTO_CONNECT_TIMEOUT": "2",
    "MAGENTO_READ_TIMEOUT": "2",
    "MAGENTO_GET_RETRIES": "2",
    "MAGENTO_BREAKER_THRESHOLD": "5",
    "MAGENTO_BREAKER_RESET": "5",
    "MAGENTO_RETRY_AFTER_MAX": "2",
    "GUNICORN_THREADS": "8",
    "LOG_LEVEL": "WARNING",
    "ACCESS_LOG_LEVEL": "WARNING",
}
BURST = 48


def timed_get(url: str, timeout: float = 60) -> tuple[float, int]:
    started = time.perf_counter()
    status = httpx.get(url, timeout=timeout).status_code
    return (time.perf_counter() - started) * 1000, status


def median_ms(url_list: list[str]) -> tuple[float, set[int]]:
    results = [timed_get(u) for u in url_list]
    return statistics.median(r[0] for r in results), {r[1] for r in results}


def wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=10).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("storefront never became ready")


def burst_probe(shop_url: str, paths: list[str], cached_path: str) -> dict[str, float]:
    """Fire a burst of uncached requests at a hanging Magento; time /healthz and a cache HIT during it."""
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(max_workers=len(paths)) as pool:
        started = time.perf_counter()
        burst = [pool.submit(client.get, f"{shop_url}{p}") for p in paths]
        time.sleep(0.3)
        health_ms, _ = timed_get(f"{shop_url}/healthz")
        hit_ms, _ = timed_get(f"{shop_url}{cached_path}")
        wait(burst)
        drained_ms = (time.perf_counter() - started) * 1000
    statuses = sorted({f.result().status_code for f in burst})
    return {"healthz_ms": health_ms, "hit_ms": hit_ms, "burst_ms": drained_ms, "statuses": statuses}  # type: ignore[dict-item]


def main() -> None:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        magento = start_sandbox(work / "sandbox")
        catalog = discover(magento.url)
        products = [p for p, _ in catalog.products]
        shop = start_storefront(work / "shop", magento_url=magento.url, extra_env=KNOBS)
        # The hang scenario with a longer read timeout, with and without the bulkhead (and a shorter slot wait).
        hang_env = {**KNOBS, "MAGENTO_READ_TIMEOUT": "5"}
        variants = {
            "bulkhead off": start_storefront(
                work / "off", magento_url=magento.url, extra_env={**hang_env, "MAGENTO_MAX_IN_FLIGHT": "0"}
            ),
            "bulkhead on, slot wait 0.1 s": start_storefront(work / "on", magento_url=magento.url, extra_env=hang_env),
            "bulkhead on, slot wait 0.02 s": start_storefront(
                work / "on-short", magento_url=magento.url, extra_env={**hang_env, "MAGENTO_IN_FLIGHT_WAIT": "0.02"}
            ),
        }
        try:
            # Healthy baseline.
            miss, _ = median_ms([f"{shop.url}{p}" for p in products[:10]])
            hit, _ = median_ms([f"{shop.url}{products[0]}"] * 20)
            rows += [("healthy: product page MISS (median of 10)", f"{miss:.0f} ms"), ("healthy: HIT", f"{hit:.1f} ms")]
            httpx.get(f"{shop.url}{catalog.category_path}")

            # 429 with a Retry-After inside the bound.
            magento.fault(path="^/graphql", status=429, retry_after=1, times=1)
            ms, status = timed_get(f"{shop.url}{products[10]}")
            rows.append(("429 with Retry-After: 1 → waited and retried", f"{ms:.0f} ms (HTTP {status})"))

            # Magento killed.
            kill_hard(magento)
            ms, status = timed_get(f"{shop.url}{products[11]}")
            rows.append(("down: first uncached page (connection refused, 3 attempts)", f"{ms:.0f} ms (HTTP {status})"))
            for p in products[12:16]:
                httpx.get(f"{shop.url}{p}")  # open the circuit
            fast, codes = median_ms([f"{shop.url}{p}" for p in products[16:26]])
            rows.append(("down: uncached page, circuit open (median of 10)", f"{fast:.1f} ms (HTTP {codes})"))
            cached, codes = median_ms([f"{shop.url}{catalog.category_path}"] * 10)
            rows.append(("down: category cached before (median of 10)", f"{cached:.1f} ms (HTTP {codes})"))
            magento.start()
            back = time.perf_counter()
            while httpx.get(f"{shop.url}{products[26]}", timeout=30).status_code != 200:
                time.sleep(0.05)
            rows.append(
                ("recovery: Magento healthy → first 200 (breaker reset 5 s)", f"{(time.perf_counter() - back):.1f} s")
            )

            # Magento slow (3 s > read timeout 2 s).
            wait_ready(shop.url, timeout=30)
            magento.fault(path="^/graphql", latency_ms=3000)
            ms, status = timed_get(f"{shop.url}{products[27]}")
            rows.append(("slow: first uncached page (one read timeout: not retried)", f"{ms:.0f} ms (HTTP {status})"))
            for p in products[28:32]:  # one attempt each (read timeouts are not retried): the circuit opens
                httpx.get(f"{shop.url}{p}", timeout=30)
            fast, codes = median_ms([f"{shop.url}{p}" for p in products[32:42]])
            rows.append(("slow: uncached page, circuit open (median of 10)", f"{fast:.1f} ms (HTTP {codes})"))
            magento.clear_faults()
            time.sleep(3.5)  # let the sandbox finish the slow calls

            # Hanging Magento under a burst, with and without the bulkhead.
            for name, target in variants.items():
                wait_ready(target.url, timeout=30)
                httpx.get(f"{target.url}{catalog.category_path}")
                magento.reset_counters()
                magento.fault(path="^/graphql", hang=True, hang_seconds=7)
                paths = [f"/search?q=burst{i}" for i in range(BURST)]  # distinct and uncached in each storefront
                result = burst_probe(target.url, paths, catalog.category_path)
                magento.clear_faults()
                time.sleep(7.5)
                calls = magento.counters()["total"]
                rows.append(
                    (
                        f"hang (read timeout 5 s), burst of {BURST}, {name}",
                        f"/healthz {result['healthz_ms']:.0f} ms, cached page {result['hit_ms']:.0f} ms, "
                        f"burst drained in {result['burst_ms']:.0f} ms, statuses {result['statuses']}, "
                        f"{calls} calls reached Magento",
                    )
                )
        finally:
            shop.stop()
            for variant in variants.values():
                variant.stop()
            magento.stop()

    knobs = ", ".join(f"`{k}={v}`" for k, v in KNOBS.items() if k.startswith(("MAGENTO", "GUNICORN")))
    lines = [
        "# Failure timings",
        "",
        "Generated by `.venv/bin/python bench/failure_timings.py` (one storefront worker, no Redis, the sandbox).",
        f"Knobs: {knobs}. Times are wall-clock from an HTTP client on the same machine.",
        "",
        "| scenario | measured |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in rows],
        "",
    ]
    out = REPO / "bench" / "failure-report.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

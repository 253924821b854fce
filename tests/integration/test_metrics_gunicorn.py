"""Metrics under gunicorn with two workers sharing Redis, in front of the sandbox: a scrape, whichever worker
answers it, reports the counts of every worker — what was sent is what is counted — and the circuit gauge
shows a worker whose breaker opened while Magento fails."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.redis import RedisProcess
from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

N = 24  # requests for one page: one MISS, then HITs


@pytest.fixture(scope="module")
def node(
    sandbox: SandboxProcess, redis_server: RedisProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StorefrontProcess]:
    env = {
        "WEB_CONCURRENCY": "2",
        "CACHE_KEY_PREFIX": "metrics",
        "MAGENTO_BREAKER_THRESHOLD": "2",
        "MAGENTO_BREAKER_RESET": "1",
        "MAGENTO_GET_RETRIES": "0",
    }
    proc = start_storefront(
        tmp_path_factory.mktemp("metrics"), magento_url=sandbox.url, redis_url=redis_server.url, extra_env=env
    )
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def fresh(node: StorefrontProcess, clean_sandbox: SandboxProcess, redis_server: RedisProcess) -> StorefrontProcess:
    subprocess.run(["redis-cli", "-p", str(redis_server.port), "FLUSHALL"], check=True, capture_output=True)
    subprocess.run(
        ["redis-cli", "-p", str(redis_server.port), "PUBLISH", "metrics:pc:events", "C"],
        check=True,
        capture_output=True,
    )
    return node


def scrape(node: StorefrontProcess) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    # A new connection per scrape, so successive scrapes can land on either worker.
    response = httpx.get(f"{node.url}/metrics", headers={"Connection": "close"})
    assert response.status_code == 200
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def sample(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def get(url: str) -> httpx.Response:
    return httpx.get(url, headers={"Connection": "close"})


def test_counts_are_summed_across_workers(fresh: StorefrontProcess, clean_sandbox: SandboxProcess) -> None:
    before = scrape(fresh)
    first = get(f"{fresh.url}/")
    assert first.headers["X-Cache"] == "MISS"
    with ThreadPoolExecutor(max_workers=6) as pool:
        rest = list(pool.map(get, [f"{fresh.url}/"] * (N - 1)))
    assert {r.headers["X-Cache"] for r in rest} == {"HIT"}
    missing = get(f"{fresh.url}/no-such-page-4711.html")
    assert missing.status_code == 404 and "Server-Timing" in missing.headers
    assert all("Server-Timing" in r.headers for r in [first, *rest])

    # Several scrapes, each on a new connection: all of them see every worker's counts.
    for _ in range(4):
        after = scrape(fresh)

        def delta(name: str, after=after, **labels: str) -> float:
            return sample(after, name, **labels) - sample(before, name, **labels)

        assert delta("storefront_pagecache_total", state="HIT") == N - 1
        assert delta("storefront_pagecache_total", state="MISS") == 2  # the home page and the 404 page
        assert delta("storefront_request_duration_seconds_count", route="home", cache="HIT", status="2xx") == N - 1
        assert delta("storefront_request_duration_seconds_count", route="home", cache="MISS", status="2xx") == 1
        assert delta("storefront_request_duration_seconds_count", route="magento-page", cache="MISS", status="4xx") == 1
        assert delta("storefront_upstream_duration_seconds_count", operation="HomePage", status="200") == 1
        assert delta("storefront_upstream_duration_seconds_count", operation="CatalogRoute", status="200") == 1
    assert clean_sandbox.counters().get("graphql:HomePage", 0) == 1
    assert not any("no-such-page" in str(labels) for _, labels in after), "a path never becomes a label"
    # A worker that served the page from Redis keeps a copy and says how many bytes its copies hold, per pid
    # (the load suite's soak subtracts them from the worker's RSS).
    copies = {
        dict(labels)["pid"]: value for (name, labels), value in after.items()
        if name == "storefront_pagecache_local_copy_bytes"
    }  # fmt: skip
    assert copies and max(copies.values()) >= len(first.content), copies
    assert all(size <= 64 * 1024 * 1024 for size in copies.values()), "bounded by PAGECACHE_LOCAL_BYTES"


def test_circuit_gauge_opens_while_magento_fails_and_closes_after(fresh: StorefrontProcess, clean_sandbox) -> None:
    assert sample(scrape(fresh), "storefront_magento_circuit_state") == 0
    clean_sandbox.fault(path="^/graphql", status=500)
    opened = False
    for _ in range(12):  # readiness asks Magento on every call; two failures open a worker's breaker
        assert get(f"{fresh.url}/readyz").status_code == 503
        if sample(scrape(fresh), "storefront_magento_circuit_state") == 2:
            opened = True
            break
    assert opened, "no worker reported an open circuit"
    down = get(f"{fresh.url}/gear.html")
    assert down.status_code == 503 and "Server-Timing" in down.headers
    after_failures = scrape(fresh)
    assert sample(after_failures, "storefront_pagecache_total", state="ERROR") >= 1

    clean_sandbox.clear_faults()
    deadline = time.monotonic() + 20
    closed = False
    while time.monotonic() < deadline and not closed:
        time.sleep(0.2)  # past the 1 s reset, each worker's next call is its trial, which succeeds
        get(f"{fresh.url}/readyz")
        closed = sample(scrape(fresh), "storefront_magento_circuit_state") == 0
    assert closed, "the gauge still reports an open circuit after Magento came back"


def test_metrics_are_not_public_through_a_proxy(fresh: StorefrontProcess) -> None:
    proxied = httpx.get(f"{fresh.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 404 and "storefront_" not in proxied.text
    assert "Server-Timing" in proxied.headers

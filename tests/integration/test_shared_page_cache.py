"""Two real storefront processes (gunicorn, 2 workers each) sharing one real Redis, in front of the sandbox:
a page rendered by one is a HIT on the other, purges are seen everywhere at once, and a herd of concurrent
requests for a cold page costs Magento one request."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from storefront.pagecache.revalidate import sign
from tests.support.redis import RedisProcess
from tests.support.sandbox import SandboxProcess
from tests.support.storefront import REPO, VENV_BIN, StorefrontProcess, start_storefront

SECRET = "dev-only-revalidation-secret"


@pytest.fixture(scope="module")
def pair(
    sandbox: SandboxProcess, redis_server: RedisProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[StorefrontProcess, StorefrontProcess]]:
    workdir = tmp_path_factory.mktemp("shared-cache")
    env = {"CACHE_KEY_PREFIX": "pair", "PAGECACHE_WAIT_POLL": "0.01"}
    a = start_storefront(workdir, magento_url=sandbox.url, redis_url=redis_server.url, extra_env=env)
    b = start_storefront(workdir, magento_url=sandbox.url, redis_url=redis_server.url, extra_env=env)
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture
def fresh(pair, clean_sandbox: SandboxProcess, redis_server: RedisProcess):  # type: ignore[no-untyped-def]
    subprocess.run(["redis-cli", "-p", str(redis_server.port), "FLUSHALL"], check=True, capture_output=True)
    # A flush publishes nothing: tell the nodes to drop their local copies, as an operator script would.
    subprocess.run(
        ["redis-cli", "-p", str(redis_server.port), "PUBLISH", "pair:pc:events", "C"], check=True, capture_output=True
    )
    return pair


def homepage_calls(sandbox: SandboxProcess) -> int:
    return sandbox.counters().get("graphql:HomePage", 0)


def test_a_page_rendered_by_one_node_is_a_hit_on_the_other(fresh, clean_sandbox: SandboxProcess) -> None:
    a, b = fresh
    first = httpx.get(f"{a.url}/")
    second = httpx.get(f"{b.url}/")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert first.text == second.text
    assert homepage_calls(clean_sandbox) == 1
    assert "set-cookie" not in second.headers


def test_herd_on_a_cold_page_costs_one_upstream_request(fresh, clean_sandbox: SandboxProcess) -> None:
    a, b = fresh
    clean_sandbox.fault(path="^/graphql", latency_ms=400)  # a slow Magento widens the race window
    urls = [f"{(a if i % 2 else b).url}/" for i in range(60)]
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(max_workers=60) as pool:
        responses = list(pool.map(client.get, urls))
    assert {r.status_code for r in responses} == {200}
    assert len({r.text for r in responses}) == 1
    assert homepage_calls(clean_sandbox) == 1


def signed_post(url: str, body: dict) -> httpx.Response:
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Storefront-Timestamp": stamp,
        "X-Storefront-Signature": sign(SECRET, stamp, raw),
    }
    return httpx.post(f"{url}/_revalidate", content=raw, headers=headers)


def wait_for(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_soft_purge_on_one_node_is_seen_by_the_other(fresh, clean_sandbox: SandboxProcess) -> None:
    a, b = fresh
    tags = httpx.get(f"{a.url}/").headers["Surrogate-Key"].split()
    magento_tag = next(t for t in tags if ":" not in t)
    answer = signed_post(a.url, {"tags": [magento_tag]})
    assert answer.status_code == 200 and answer.json()["entries"] == 1
    # The other node hears of the purge over Redis pub/sub, within milliseconds.
    assert wait_for(lambda: httpx.get(f"{b.url}/").headers["X-Cache"] == "STALE", timeout=2)
    assert wait_for(lambda: httpx.get(f"{a.url}/").headers["X-Cache"] == "HIT")
    assert homepage_calls(clean_sandbox) == 2


def test_hard_purge_by_path_from_the_command_line(fresh, clean_sandbox: SandboxProcess) -> None:
    a, b = fresh
    httpx.get(f"{a.url}/")
    command = [str(VENV_BIN / "python"), "manage.py", "revalidate", "--path", "/", "--hard"]
    out = subprocess.run(command, cwd=REPO, env=a.env, check=True, capture_output=True, text=True).stdout
    assert "1 cached pages deleted" in out
    assert wait_for(lambda: httpx.get(f"{b.url}/").headers["X-Cache"] in {"MISS", "HIT"}, timeout=2)
    assert homepage_calls(clean_sandbox) == 2, "the other node rendered the page again"


def test_warm_cache_renders_ahead_of_traffic(fresh, clean_sandbox: SandboxProcess) -> None:
    a, b = fresh
    command = [str(VENV_BIN / "python"), "manage.py", "warm_cache", "--base-url", a.url, "--limit", "20"]
    out = subprocess.run(command, cwd=REPO, env=a.env, check=True, capture_output=True, text=True).stdout
    assert out.startswith("Warmed ")
    assert httpx.get(f"{b.url}/").headers["X-Cache"] == "HIT"
    assert httpx.get(f"{b.url}/de/").headers["X-Cache"] == "HIT"


def test_304_and_compression_through_gunicorn(fresh) -> None:
    a, _ = fresh
    first = httpx.get(f"{a.url}/", headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    again = httpx.get(f"{a.url}/", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert "content-security-policy" in first.headers
    assert first.headers["X-Frame-Options"] == "DENY"

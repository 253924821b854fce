"""Redis behind Sentinel (docs/deploy.md), with real processes: a primary, a replica, one sentinel.

The storefront is given only the sentinels and the primary's service name (``REDIS_SENTINELS``,
``REDIS_URL=redis://<service>/0``). It must find the primary through them for the page cache, sessions and the
invalidation feed, and after a failover (the replica promoted) keep caching on the new primary without a restart.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings

from storefront.pagecache.revalidate import sign
from tests.support.redis import RedisProcess, start_redis, start_sentinel
from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

SERVICE = "shopcache"
PREFIX = "sentinel"


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def primary_port(sentinel: RedisProcess) -> int:
    _, port = redis.Redis(port=sentinel.port).sentinel_get_master_addr_by_name(SERVICE)
    return int(port)


def cached_on(port: int) -> int:
    """Page-cache entries (of this storefront's prefix) held by the Redis server on ``port``."""
    return sum(1 for _ in redis.Redis(port=port).scan_iter(f"{PREFIX}:*", count=1000))


@pytest.fixture(scope="module")
def redis_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RedisProcess, RedisProcess, RedisProcess]]:
    folder: Path = tmp_path_factory.mktemp("sentinel")
    primary = start_redis(folder)
    replica = start_redis(folder, replica_of=primary.port)
    sentinel = start_sentinel(folder, primary.port, SERVICE)
    try:
        yield primary, replica, sentinel
    finally:
        for process in (sentinel, replica, primary):
            process.stop()


@pytest.fixture(scope="module")
def shop(
    sandbox: SandboxProcess,
    redis_pair: tuple[RedisProcess, RedisProcess, RedisProcess],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[StorefrontProcess]:
    _, _, sentinel = redis_pair
    proc = start_storefront(
        tmp_path_factory.mktemp("sentinel-shop"),
        magento_url=sandbox.url,
        redis_url=f"redis://{SERVICE}/0",
        extra_env={"REDIS_SENTINELS": f"127.0.0.1:{sentinel.port}", "CACHE_KEY_PREFIX": PREFIX},
    )
    try:
        yield proc
    finally:
        proc.stop()


def cached(shop: StorefrontProcess, path: str) -> bool:
    """Asked twice: the second answer comes from the page cache."""
    httpx.get(f"{shop.url}{path}", timeout=30)
    return httpx.get(f"{shop.url}{path}", timeout=30).headers.get("X-Cache") == "HIT"


def test_the_storefront_finds_the_primary_through_the_sentinels_and_follows_a_failover(
    shop: StorefrontProcess, redis_pair: tuple[RedisProcess, RedisProcess, RedisProcess]
) -> None:
    primary, replica, sentinel = redis_pair
    ready = httpx.get(f"{shop.url}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["redis"] == "ok", ready.text
    assert cached(shop, "/search?q=bag")
    assert cached_on(primary.port) > 0, "the pages are on the primary the sentinel named"

    redis.Redis(port=sentinel.port).execute_command("SENTINEL", "FAILOVER", SERVICE)
    assert wait_until(lambda: primary_port(sentinel) == replica.port), "the sentinel promoted the replica"
    assert wait_until(lambda: redis.Redis(port=primary.port).info("replication")["role"] == "slave")

    # No restart: the next pages are cached on the new primary (the old one is a read-only replica now).
    assert wait_until(lambda: cached(shop, "/search?q=jacket")), "caching resumed after the failover"
    assert wait_until(lambda: httpx.get(f"{shop.url}/readyz", timeout=10).json()["redis"] == "ok")
    before = cached_on(replica.port)
    assert cached(shop, "/search?q=yoga")
    assert cached_on(replica.port) > before, "the new page went to the new primary"

    # A purge goes to the new primary and reaches every worker's local copy (the feed re-subscribed there).
    raw = json.dumps({"paths": ["/search"]}).encode()
    stamp = str(int(time.time()))
    headers = {"X-Storefront-Timestamp": stamp, "X-Storefront-Signature": sign(settings.REVALIDATE_SECRET, stamp, raw)}
    purged = httpx.post(f"{shop.url}/_revalidate", content=raw, headers=headers, timeout=10)
    assert purged.status_code == 200 and purged.json()["entries"] >= 1, purged.text
    after = httpx.get(f"{shop.url}/search?q=yoga", timeout=30)
    assert after.headers["X-Cache"] == "STALE", "purged: served stale while it refreshes, not a HIT"
    log = shop.log_path.read_text(errors="replace")
    assert "Traceback" not in log

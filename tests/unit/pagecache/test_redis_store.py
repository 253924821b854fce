"""Two processes' RedisStores over one real Redis: local copies never hide a newer render or a purge."""

from __future__ import annotations

import time

import redis

from storefront.pagecache.entry import Entry, Windows
from storefront.pagecache.store import RedisStore
from tests.support.redis import RedisProcess


def entry(body: bytes, created_at: float) -> Entry:
    return Entry(
        body=body,
        status=200,
        content_type="text/html",
        created_at=created_at,
        windows=Windows(300, 3600, 86400),
        tags=("cat_p_1", "all"),
        page_type="product",
    )


def test_local_copies_follow_redis(redis_server: RedisProcess) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    one, two = RedisStore(client, "t"), RedisStore(client, "t")
    now = time.time()
    one.put("k", entry(b"first", now))
    assert two.get("k")[0].body == b"first"
    assert two.get("k")[0].body == b"first"  # from its local copy now

    one.put("k", entry(b"second", now + 1))
    assert two.get("k")[0].body == b"second", "a newer render elsewhere replaces the local copy"

    assert one.purge_tags(["cat_p_1"], hard=False, now=now + 2) == 1
    fetched, purged_at = two.get("k")
    assert fetched.body == b"second" and purged_at == now + 2

    assert one.purge_tags(["cat_p_1"], hard=True, now=now + 3) == 1
    assert two.get("k") == (None, None), "a hard purge elsewhere hides the local copy at once"

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


def wait_until(predicate, timeout: float = 3.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_with_the_invalidation_feed_copies_are_served_and_kept_honest(redis_server: RedisProcess) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    one = RedisStore(client, "f", url=redis_server.url)
    two = RedisStore(client, "f", url=redis_server.url)
    try:
        assert wait_until(lambda: two._feed.trusted() and one._feed.trusted())
        now = time.time()
        one.put("k", entry(b"first", now))
        assert two.get("k")[0].body == b"first"
        assert two._local.lookup("k") is not None, "the copy is kept"
        client.delete("f:pc:e:k", "f:pc:m:k")  # behind its back: a trusted copy is served without asking Redis
        assert two.get("k")[0].body == b"first"

        one.put("k", entry(b"second", now + 1))  # a render on another node: announced, the copy goes
        assert wait_until(lambda: two.get("k")[0].body == b"second")

        one.purge_tags(["cat_p_1"], hard=False, now=now + 2)
        assert wait_until(lambda: two.get("k")[1] == now + 2), "a soft purge reaches the copy"

        one.purge_tags(["cat_p_1"], hard=True, now=now + 3)
        assert wait_until(lambda: two.get("k") == (None, None)), "a hard purge drops the copy"
    finally:
        one.close()
        two.close()


def test_a_broken_feed_falls_back_to_validating_every_read(redis_server: RedisProcess) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    one = RedisStore(client, "g", url=redis_server.url)
    two = RedisStore(client, "g", url=redis_server.url)
    try:
        assert wait_until(lambda: two._feed.trusted())
        one.put("k", entry(b"first", time.time()))
        assert two.get("k")[0].body == b"first"
        client.client_kill_filter(_type="pubsub")  # the subscriptions drop (as in a network fault)
        assert wait_until(lambda: not two._feed.healthy, timeout=5)
        client.delete("g:pc:e:k", "g:pc:m:k")
        assert two.get("k") == (None, None), "without the feed, Redis is asked and the copy is not trusted"
        assert wait_until(lambda: two._feed.trusted(), timeout=5), "the feed comes back by itself"
    finally:
        one.close()
        two.close()


def test_a_flushed_redis_is_noticed_within_a_second(redis_server: RedisProcess) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    store = RedisStore(client, "h", url=redis_server.url)
    try:
        assert wait_until(lambda: store._feed.trusted())
        store.put("k", entry(b"first", time.time()))
        assert store.get("k")[0].body == b"first"
        time.sleep(1.1)
        store.get("k")  # the generation is recorded
        client.flushall()  # an operator flushes Redis: nothing is published
        assert wait_until(lambda: store.get("k") == (None, None), timeout=3)
    finally:
        store.close()

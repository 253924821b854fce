"""The page cache end to end through the middleware: every state transition, single-flight, purges,
HTTP semantics and visitor isolation — once over the in-process store and once over a real Redis."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator

import brotli
import pytest
from django.test import Client

from storefront.pagecache import cache as page_cache
from storefront.pagecache.entry import clock
from storefront.pagecache.revalidate import purge, sign
from storefront.pagecache.scrub import VisitorDataInCachedRender
from storefront.pagecache.store import get_store, reset_store
from tests.unit.pagecache.views import Behaviour

FRESH, SWR, SIE = 300, 3600, 86400


@pytest.fixture(params=["local", "redis"])
def cache_backend(request, settings) -> Iterator[str]:
    settings.ROOT_URLCONF = "tests.unit.pagecache.views"
    settings.PAGECACHE_WINDOWS = {"product": [str(FRESH), str(SWR), str(SIE)], "never_type": ["never"]}
    settings.PAGECACHE_WAIT_POLL = 0.01
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        settings.REDIS_URL = server.url
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "test",
                "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            }
        }
    else:
        settings.REDIS_URL = ""
    reset_store()
    get_store().clear()
    Behaviour.reset()
    clock.offset = 0.0
    try:
        yield request.param
    finally:
        page_cache.refresher.wait_idle()
        get_store().clear()
        reset_store()
        clock.offset = 0.0


def get(client: Client, url: str, **headers: str):
    return client.get(url, headers=headers)


def test_miss_then_hit_renders_once(cache_backend: str, client: Client) -> None:
    first = get(client, "/p/shirt/")
    second = get(client, "/p/shirt/")
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.content == second.content
    assert Behaviour.renders == 1


def test_cacheable_headers(cache_backend: str, client: Client) -> None:
    response = get(client, "/p/shirt/")
    assert response["Cache-Control"] == (
        f"public, max-age=0, s-maxage={FRESH}, stale-while-revalidate={SWR}, stale-if-error={SIE}"
    )
    assert response["ETag"].startswith('"')
    assert response["Age"] == "0"
    tags = response["Surrogate-Key"].split()
    assert {"cat_p", "cat_p_shirt", "type:product", "store:default", "path:/p/shirt/", "all"} <= set(tags)
    assert response["xkey"] == response["Surrogate-Key"]
    assert "Accept-Encoding" in response["Vary"]
    assert 'cache;desc="MISS"' in response["Server-Timing"]
    assert "magento;dur=12.5" in response["Server-Timing"]
    assert not response.cookies


def test_if_none_match_gives_304(cache_backend: str, client: Client) -> None:
    etag = get(client, "/p/shirt/")["ETag"]
    response = get(client, "/p/shirt/", if_none_match=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_bodies_are_precompressed_and_negotiated(cache_backend: str, client: Client) -> None:
    plain = get(client, "/p/shirt/").content
    br = get(client, "/p/shirt/", accept_encoding="gzip, br")
    gz = get(client, "/p/shirt/", accept_encoding="gzip")
    assert br["Content-Encoding"] == "br" and brotli.decompress(br.content) == plain
    assert gz["Content-Encoding"] == "gzip" and gzip.decompress(gz.content) == plain
    assert len({br["ETag"], gz["ETag"], get(client, "/p/shirt/")["ETag"]}) == 3
    refused = get(client, "/p/shirt/", accept_encoding="br;q=0, gzip;q=0")
    assert "Content-Encoding" not in refused and refused.content == plain


def test_age_grows_and_stale_is_served_then_refreshed(cache_backend: str, client: Client) -> None:
    first = get(client, "/p/shirt/")
    clock.offset = FRESH + 10
    stale = get(client, "/p/shirt/")
    assert stale["X-Cache"] == "STALE"
    assert stale.content == first.content
    assert int(stale["Age"]) >= FRESH
    assert page_cache.refresher.wait_idle()
    assert Behaviour.renders == 2
    fresh = get(client, "/p/shirt/")
    assert fresh["X-Cache"] == "HIT"
    assert b"render 2" in fresh.content


def test_beyond_stale_while_revalidate_is_a_miss(cache_backend: str, client: Client) -> None:
    get(client, "/p/shirt/")
    clock.offset = FRESH + SWR + 1
    response = get(client, "/p/shirt/")
    assert response["X-Cache"] == "MISS"
    assert b"render 2" in response.content


def test_failed_render_serves_stale_within_stale_if_error(cache_backend: str, client: Client) -> None:
    first = get(client, "/p/shirt/")
    Behaviour.fail = True
    clock.offset = FRESH + SWR + 1
    response = get(client, "/p/shirt/")
    assert response.status_code == 200
    assert response.content == first.content
    assert 'cache;desc="ERROR"' in response["Server-Timing"]


def test_failed_render_beyond_stale_if_error_is_a_503(cache_backend: str, client: Client) -> None:
    get(client, "/p/shirt/")
    Behaviour.fail = True
    clock.offset = FRESH + SIE + 1
    response = get(client, "/p/shirt/")
    assert response.status_code == 503
    assert response["Retry-After"]


def test_cold_page_while_magento_is_down_is_a_503(cache_backend: str, client: Client) -> None:
    Behaviour.fail = True
    response = get(client, "/p/cold/")
    assert response.status_code == 503
    assert b"can't reach the shop" in response.content


def test_failed_background_refresh_keeps_stale_and_backs_off(cache_backend: str, client: Client) -> None:
    first = get(client, "/p/shirt/")
    Behaviour.fail = True
    clock.offset = FRESH + 10
    assert get(client, "/p/shirt/")["X-Cache"] == "STALE"
    assert page_cache.refresher.wait_idle()
    renders = Behaviour.renders
    again = get(client, "/p/shirt/")
    assert again["X-Cache"] == "STALE" and again.content == first.content
    assert page_cache.refresher.wait_idle()
    assert Behaviour.renders == renders, "a backed-off key is not refreshed again at once"


def test_single_flight_one_render_for_many_concurrent_requests(cache_backend: str) -> None:
    Behaviour.delay = 0.3
    results: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def hit() -> None:
        response = Client().get("/p/herd/")
        with lock:
            results.append((response.status_code, response.content))

    threads = [threading.Thread(target=hit) for _ in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Behaviour.renders == 1, Behaviour.log
    assert {status for status, _ in results} == {200}
    assert len({body for _, body in results}) == 1


def test_waiters_on_a_render_that_failed_upstream_get_the_friendly_503(cache_backend: str) -> None:
    # Found by the load suite: the waiters' error page itself raised (a 500) once the holder's render failed.
    Behaviour.delay = 0.3
    Behaviour.fail = True
    statuses: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        response = Client().get("/p/failing-herd/")
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=hit) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses) == {503}, statuses


def test_a_dead_lock_holder_blocks_no_longer_than_the_lock_timeout(cache_backend: str, client, settings) -> None:
    settings.PAGECACHE_LOCK_TIMEOUT = 0.5
    store = get_store()
    key = "page:default:-:/p/orphan/"
    assert store.acquire(key, 0.5) is not None  # a worker that took the lock and died
    started = time.monotonic()
    response = get(client, "/p/orphan/")
    assert response.status_code == 200
    assert time.monotonic() - started < 3
    assert Behaviour.renders == 1


def test_soft_purge_by_tag_keeps_serving_and_refreshes(cache_backend: str, client: Client) -> None:
    get(client, "/p/shirt/")
    get(client, "/p/shoe/")
    result = purge(tags=["cat_p_shirt"])
    assert result.entries == 1
    stale = get(client, "/p/shirt/")
    assert stale["X-Cache"] == "STALE" and b"render 1" in stale.content
    assert page_cache.refresher.wait_idle()
    assert b"render 3" in get(client, "/p/shirt/").content
    assert get(client, "/p/shoe/")["X-Cache"] == "HIT"


def test_hard_purge_by_tag_and_by_path(cache_backend: str, client: Client) -> None:
    get(client, "/p/shirt/")
    get(client, "/p/shirt/?p=2")
    get(client, "/p/shoe/")
    assert purge(tags=["cat_p_shoe"], hard=True).entries == 1
    assert get(client, "/p/shoe/")["X-Cache"] == "MISS"
    assert purge(paths=["/p/shirt/"], hard=True).entries == 2
    assert get(client, "/p/shirt/?p=2")["X-Cache"] == "MISS"


def test_purge_a_whole_store_and_everything(cache_backend: str, client: Client) -> None:
    get(client, "/p/a/")
    get(client, "/p/b/")
    assert purge(stores=["default"]).entries == 2
    assert purge(everything=True, hard=True).entries == 2
    assert get(client, "/p/a/")["X-Cache"] == "MISS"


def test_tracking_parameters_share_the_entry(cache_backend: str, client: Client) -> None:
    get(client, "/p/shirt/?p=2")
    response = get(client, "/p/shirt/?utm_source=mail&p=2&gclid=x")
    assert response["X-Cache"] == "HIT"


def test_redirects_and_not_found_are_cached(cache_backend: str, client: Client) -> None:
    assert get(client, "/old/").status_code == 302
    again = get(client, "/old/")
    assert again.status_code == 302 and again["Location"] == "/p/new/" and again["X-Cache"] == "HIT"
    assert get(client, "/p/gone/").status_code == 404
    assert get(client, "/p/gone/")["X-Cache"] == "HIT"


def test_never_cache_page_type_bypasses(cache_backend: str, client: Client) -> None:
    first = get(client, "/uncached/")
    get(client, "/uncached/")
    assert first["X-Cache"] == "BYPASS"
    assert first["Cache-Control"] == "private, no-store"
    assert Behaviour.renders == 2


@pytest.mark.django_db
def test_cached_render_cannot_see_the_visitor(cache_backend: str, settings) -> None:
    visitor = Client()
    visitor.get("/plain/")  # the visitor now has a session cookie
    assert "sessionid" in visitor.cookies
    settings.DEBUG = False
    response = visitor.get("/nosy/")
    assert response.content == b"hello stranger"
    assert not response.cookies
    settings.DEBUG = True
    get_store().clear()
    with pytest.raises(VisitorDataInCachedRender):
        visitor.get("/nosy/")
    with pytest.raises(VisitorDataInCachedRender):
        visitor.get("/nosy-user/")


def signed(body: dict, secret: str = "dev-only-revalidation-secret", ts: int | None = None) -> dict:
    raw = json.dumps(body).encode()
    stamp = str(int(ts if ts is not None else time.time()))
    return {
        "data": raw,
        "content_type": "application/json",
        "headers": {"X-Storefront-Timestamp": stamp, "X-Storefront-Signature": sign(secret, stamp, raw)},
    }


def test_webhook_purges_with_a_valid_signature(cache_backend: str, client: Client) -> None:
    get(client, "/p/shirt/")
    response = client.post("/_revalidate", **signed({"tags": ["cat_p_shirt"], "paths": []}))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "tags": 1, "paths": 0, "entries": 1, "hard": False}
    assert get(client, "/p/shirt/")["X-Cache"] == "STALE"


@pytest.mark.parametrize(
    "mangle",
    [
        "no_headers",
        "wrong_secret",
        "old_timestamp",
        "future_timestamp",
        "tampered_body",
        "bad_timestamp",
        "non_ascii_signature",
    ],
)
def test_webhook_refuses_bad_signatures(cache_backend: str, client: Client, mangle: str) -> None:
    body = {"tags": ["cat_p_shirt"]}
    kwargs = signed(body)
    if mangle == "no_headers":
        kwargs["headers"] = {}
    elif mangle == "wrong_secret":
        kwargs = signed(body, secret="guess")
    elif mangle == "old_timestamp":
        kwargs = signed(body, ts=int(time.time()) - 301)
    elif mangle == "future_timestamp":
        kwargs = signed(body, ts=int(time.time()) + 301)
    elif mangle == "tampered_body":
        kwargs["data"] = json.dumps({"tags": ["all"], "hard": True}).encode()
    elif mangle == "bad_timestamp":
        kwargs["headers"]["X-Storefront-Timestamp"] = "yesterday"
    elif mangle == "non_ascii_signature":
        kwargs["headers"]["X-Storefront-Signature"] = "é" * 64
    assert client.post("/_revalidate", **kwargs).status_code == 401


def test_webhook_refuses_a_replay(cache_backend: str, client: Client) -> None:
    kwargs = signed({"tags": ["cat_p_shirt"]})
    assert client.post("/_revalidate", **kwargs).status_code == 200
    assert client.post("/_revalidate", **kwargs).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "body must be JSON"),
        (b"[]", "JSON object"),
        (b'{"tags": "cat_p_1"}', "tags must be a list"),
        (b'{"tags": ["x"], "hard": "yes"}', "hard must be true or false"),
        (b'{"tags": [], "paths": []}', "at least one tag or path"),
        (b'{"tag": ["x"]}', "unknown keys: tag"),
    ],
)
def test_webhook_explains_malformed_bodies(cache_backend: str, client: Client, body: bytes, message: str) -> None:
    stamp = str(int(time.time()))
    response = client.post(
        "/_revalidate",
        data=body,
        content_type="application/json",
        headers={
            "X-Storefront-Timestamp": stamp,
            "X-Storefront-Signature": sign("dev-only-revalidation-secret", stamp, body),
        },
    )
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_webhook_is_post_only(cache_backend: str, client: Client) -> None:
    assert client.get("/_revalidate").status_code == 405


def test_a_burst_of_purges_coalesces_into_one_refresh(cache_backend: str, client: Client) -> None:
    get(client, "/p/shirt/")
    for _ in range(25):  # Magento saving the same product over and over
        purge(tags=["cat_p_shirt"])
    for _ in range(10):
        assert get(client, "/p/shirt/")["X-Cache"] in {"STALE", "HIT"}
    assert page_cache.refresher.wait_idle()
    assert Behaviour.renders == 2, "one refresh for the whole burst"
    assert get(client, "/p/shirt/")["X-Cache"] == "HIT"


def test_the_shop_keeps_serving_uncached_while_redis_is_down(settings, client: Client) -> None:
    settings.ROOT_URLCONF = "tests.unit.pagecache.views"
    settings.PAGECACHE_WINDOWS = {"product": ["300", "3600", "86400"]}
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.REDIS_URL = dead
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": dead,
            "KEY_PREFIX": "test",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    reset_store()
    Behaviour.reset()
    try:
        started = time.monotonic()
        responses = [get(client, "/p/shirt/") for _ in range(5)]
        assert {r.status_code for r in responses} == {200}
        assert Behaviour.renders == 5  # nothing could be stored, so every request rendered
        assert time.monotonic() - started < 3, "one connect timeout, then Redis is skipped for a while"
    finally:
        reset_store()


def test_a_background_refresh_skips_a_page_another_node_refreshed_meanwhile(
    cache_backend: str, client: Client, monkeypatch
) -> None:
    held: list[tuple] = []

    class Held:  # the refresh pool, paused: its job runs when the test says
        def submit(self, fn, *args):  # type: ignore[no-untyped-def]
            held.append((fn, args))

    get(client, "/p/shirt/")
    clock.offset = FRESH + 10
    monkeypatch.setattr(page_cache.refresher, "_executor", lambda: Held())
    assert get(client, "/p/shirt/")["X-Cache"] == "STALE" and len(held) == 1
    clock.offset = 0.0  # meanwhile another node refreshed the page: the stored copy is fresh again
    fn, args = held[0]
    fn(*args)
    assert Behaviour.renders == 1, "no second Magento call for a page that is already fresh"

"""Purges reach the Varnish edges: over real local HTTP servers that answer like deploy/varnish/default.vcl,
plus edges that are down, slow or refusing — none of which may fail or stall the webhook."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from storefront.pagecache import edge
from storefront.pagecache.revalidate import purge, sign
from storefront.pagecache.store import reset_store
from tests.support.redis import free_port


class FakeEdge:
    """A tiny HTTP server speaking the VCL's purge protocol; ``mode`` = ok | refuse | slow."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.received: list[dict[str, str]] = []
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self) -> None:
                owner.received.append({k.lower(): v for k, v in self.headers.items()})
                if owner.mode == "slow":
                    owner.release.wait(10)
                if owner.mode == "refuse":
                    self.send_response(403)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                count = len(self.headers.get("xkey-purge", "").split())
                body = json.dumps({"purged": count}).encode()
                self.send_response(200)
                self.send_header("X-Purged", str(count))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def edges() -> Iterator[dict[str, FakeEdge]]:
    made = {"ok": FakeEdge("ok"), "other": FakeEdge("ok"), "refuse": FakeEdge("refuse"), "slow": FakeEdge("slow")}
    try:
        yield made
    finally:
        for fake in made.values():
            fake.close()


@pytest.fixture(autouse=True)
def _local_store(settings) -> Iterator[None]:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "edge"}}
    settings.REDIS_URL = ""
    reset_store()
    yield
    reset_store()


def test_every_edge_gets_the_tags_soft_by_default(edges) -> None:
    result = edge.purge_edges(["cat_p_1", "path:/men.html"], hard=False, urls=[edges["ok"].url, edges["other"].url])
    assert result == edge.EdgeResult(edges=2, failed=0, objects=4)
    for fake in (edges["ok"], edges["other"]):
        assert fake.received[0]["xkey-purge"] == "cat_p_1 path:/men.html"
        assert fake.received[0]["xkey-mode"] == "soft"


def test_hard_purge_says_so(edges) -> None:
    edge.purge_edges(["all"], hard=True, urls=[edges["ok"].url])
    assert edges["ok"].received[0]["xkey-mode"] == "hard"


def test_down_slow_and_refusing_edges_are_counted_not_raised(edges) -> None:
    down = f"http://127.0.0.1:{free_port()}/"
    result = edge.purge_edges(
        ["cat_p_1"], hard=False, urls=[edges["ok"].url, down, edges["refuse"].url, edges["slow"].url], timeout=0.3
    )
    assert result == edge.EdgeResult(edges=4, failed=3, objects=1)
    assert edges["slow"].received, "the slow edge was asked"


def test_long_tag_lists_are_split_so_no_header_is_too_big(edges) -> None:
    tags = [f"cat_p_{n:06d}" for n in range(1000)]  # about 13 KB of tags
    result = edge.purge_edges(tags, hard=False, urls=[edges["ok"].url])
    sent = [r["xkey-purge"] for r in edges["ok"].received]
    assert len(sent) > 1 and all(len(v) <= edge.MAX_HEADER for v in sent)
    assert [t for v in sent for t in v.split()] == tags
    assert result.objects == 1000 and result.failed == 0


def test_tags_that_cannot_be_a_header_are_left_out(edges) -> None:
    result = edge.purge_edges(
        ["ok_tag", "bad\r\nX-Injected: 1", "path:/müller.html"], hard=False, urls=[edges["ok"].url]
    )
    assert edges["ok"].received[0]["xkey-purge"] == "ok_tag"
    assert "x-injected" not in edges["ok"].received[0]
    assert result.objects == 1


def test_no_edges_configured_means_no_requests_and_the_same_answer(settings, edges) -> None:
    settings.VARNISH_PURGE_URLS = []
    result = purge(tags=["cat_p_1"])
    assert result.edge == edge.NOTHING and "edge" not in result.as_dict()
    assert edges["ok"].received == []


def test_the_webhook_purges_the_edges_and_counts_them(settings, edges) -> None:
    settings.VARNISH_PURGE_URLS = [edges["ok"].url, f"http://127.0.0.1:{free_port()}/"]
    settings.VARNISH_PURGE_TIMEOUT = 0.5
    body = json.dumps({"tags": ["cat_p_42"], "paths": ["/men.html"], "hard": True}).encode()
    stamp = str(int(time.time()))
    response = Client().post(
        "/_revalidate",
        body,
        content_type="application/json",
        headers={
            "X-Storefront-Timestamp": stamp,
            "X-Storefront-Signature": sign(settings.REVALIDATE_SECRET, stamp, body),
        },
    )
    assert response.status_code == 200
    assert response.json()["edge"] == {"edges": 2, "failed": 1, "objects": 2}
    assert edges["ok"].received[0]["xkey-purge"] == "cat_p_42 path:/men.html"
    assert edges["ok"].received[0]["xkey-mode"] == "hard"

"""Micro-benchmark of the page-cache HIT path inside one process: what the whole Django stack costs to answer
a cached page, in CPU microseconds per request, with no network, no Redis and no Magento in the way.

Use it to compare two trees (e.g. before and after a change to the middleware or the metrics):

    .venv/bin/python bench/hit_overhead.py                  # this tree
    .venv/bin/python bench/hit_overhead.py --repo /tmp/old  # another checkout of the project
    PROMETHEUS_MULTIPROC_DIR=$(mktemp -d) .venv/bin/python bench/hit_overhead.py   # multiprocess metrics

A home page of the seeded size is put into the in-process page cache, then the WSGI application is called
``--requests`` times per round; the report is the median and best round. A static file served by WhiteNoise
through the same application is measured alongside for scale. Rounds alternate to spread machine noise.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def environ(path: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "br, gzip",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default=str(Path(__file__).resolve().parents[1]), help="project tree to import")
    parser.add_argument("--requests", type=int, default=5000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--metrics-only", action="store_true", help="time only the per-request metrics work (this tree)"
    )
    args = parser.parse_args()

    sys.path.insert(0, args.repo)
    os.chdir(args.repo)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings")
    scratch = tempfile.mkdtemp(prefix="hit-bench-")
    os.environ.setdefault("STOREFRONT_VAR_DIR", scratch)
    os.environ.setdefault("STATIC_ROOT", scratch)
    os.environ["ACCESS_LOG_LEVEL"] = "WARNING"
    os.environ["LOG_LEVEL"] = "WARNING"

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    from storefront.pagecache.entry import Entry, UpstreamTiming, Windows, clock
    from storefront.pagecache.http import compress
    from storefront.pagecache.keys import page_key
    from storefront.pagecache.store import get_store

    if args.metrics_only:
        metrics_only(args.requests * 40, args.rounds)
        return

    override = override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=False)
    override.enable()
    body = b"<!doctype html><html><body>" + b"<p>product card</p>" * 2600 + b"</body></html>"  # ~50 KB
    entry = Entry(
        body=body,
        status=200,
        content_type="text/html; charset=utf-8",
        created_at=clock.now(),
        windows=Windows(3600, 86400, 604800),
        tags=("cat_c_3", "type:home", "store:default", "path:/", "all"),
        page_type="home",
        render_ms=9.0,
        upstream=(UpstreamTiming("HomePage", 30.0, 40000),),
        headers=(),
    )
    key = page_key("default", "-", "/", [])
    assert key is not None
    get_store().put(key, compress(entry))
    app = WSGIHandler()

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        start_response.status = status  # type: ignore[attr-defined]
        start_response.headers = headers  # type: ignore[attr-defined]

    def run(path: str) -> float:
        # CPU time of this process, not wall time: on a shared machine other processes' load would swamp
        # differences of a few microseconds; what a change costs is CPU spent per request.
        started = time.process_time()
        for _ in range(args.requests):
            result = app(environ(path), start_response)
            for _chunk in result:
                pass
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return (time.process_time() - started) / args.requests * 1e6

    static = "/static/css/site.css"
    for path in ("/", static):  # warm up: URL resolution caches, compiled templates, file handles
        run(path)
    headers = dict(start_response.headers)  # type: ignore[attr-defined]
    assert start_response.status.startswith("200"), start_response.status  # type: ignore[attr-defined]
    run("/")
    assert dict(start_response.headers).get("X-Cache") == "HIT", start_response.headers  # type: ignore[attr-defined]
    del headers

    hits, statics = [], []
    for _ in range(args.rounds):
        hits.append(run("/"))
        statics.append(run(static))
    mode = "multiprocess" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else "single process"
    print(
        f"{args.repo} ({mode}): HIT median {statistics.median(hits):.1f} us, best {min(hits):.1f} us; "
        f"static file median {statistics.median(statics):.1f} us, best {min(statics):.1f} us "
        f"(CPU time per request; {args.rounds} rounds x {args.requests} requests)"
    )


def metrics_only(n: int, rounds: int) -> None:
    """What the request middleware adds per response for metrics: cache state, route label, one histogram
    observe and one counter inc — timed on their own, free of the noise of a whole request."""
    import timeit

    from django.http import HttpResponse
    from django.urls import resolve

    from storefront import metrics
    from storefront.middleware import cache_state

    response = HttpResponse(b"page")
    response["X-Cache"] = "HIT"
    match = resolve("/")

    def per_request() -> None:
        metrics.observe_request(metrics.route_label(match), cache_state(response), response.status_code, 0.0003)

    best = min(timeit.repeat(per_request, number=n, repeat=rounds)) / n * 1e6
    mode = "multiprocess" if metrics.MULTIPROCESS else "single process"
    print(f"metrics work per request ({mode}): {best:.2f} us (best of {rounds} x {n})")


if __name__ == "__main__":
    main()

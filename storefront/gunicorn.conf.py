"""gunicorn settings for the storefront; every value can be overridden from the environment.

Embedded default: one worker with threads (the local-memory cache is per process). With REDIS_URL set the
cache is shared, so several workers are safe: ``WEB_CONCURRENCY`` defaults to 2 x cores then.

Metrics with several workers: each worker is its own process with its own Prometheus values, and a scrape
reaches only one of them. So with more than one worker (or when ``PROMETHEUS_MULTIPROC_DIR`` is set) this
file gives prometheus-client's multiprocess mode a folder that is empty at start-up — a fresh temporary one,
removed again at exit, unless the operator named one, whose old ``*.db`` files are deleted — before any
worker imports the app; ``child_exit`` tells prometheus-client a worker died, so its live-only gauges go.

Behind nginx/Varnish (docs/deploy.md): ``FORWARDED_ALLOW_IPS`` names the proxy that talks to gunicorn; only from
it is ``X-Forwarded-Proto: https`` believed (that is what makes Django see https — no
``SECURE_PROXY_SSL_HEADER`` needed). ``GUNICORN_KEEPALIVE`` should exceed the proxy's idle timeout for upstream
connections, so the proxy, not gunicorn, closes idle ones (no race on a half-closed connection).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
_shared_cache = bool(os.environ.get("REDIS_URL"))
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 if _shared_cache else 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a rolling deploy, in-flight requests (a MISS waiting for Magento, a place-order) get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def _cap_malloc_arenas() -> None:
    """glibc gives each thread that mallocs its own arena (up to 8 per core); with ``threads`` per worker that
    is tens of MB per worker held in arenas a GIL-bound process gains nothing from (docs/load.md: about 12 MB
    per worker less with two). Set here, in the master before it forks, the cap holds in every worker.
    ``MALLOC_ARENA_MAX`` in the environment wins (glibc reads it itself); other C libraries are left alone."""
    wanted = os.environ.get("GUNICORN_MALLOC_ARENAS", "2").strip()
    if os.environ.get("MALLOC_ARENA_MAX") or wanted in ("", "0"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_ARENA_MAX, int(wanted))
    except (OSError, AttributeError, ValueError):
        pass  # not glibc: nothing to cap


_M_ARENA_MAX = -8  # <malloc.h>
_cap_malloc_arenas()


def _metrics_dir() -> str | None:
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if configured:
        folder = Path(configured)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # values of a previous run would be summed into this one
            stale.unlink()
        return None  # the operator's folder: emptied, never removed
    if workers <= 1:
        return None  # one process: the plain in-process registry is enough
    created = tempfile.mkdtemp(prefix="storefront-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = created  # inherited by every worker gunicorn forks
    return created


_created_metrics_dir = _metrics_dir()


def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def on_exit(server: object) -> None:
    if _created_metrics_dir:
        shutil.rmtree(_created_metrics_dir, ignore_errors=True)

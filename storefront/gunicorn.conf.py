"""gunicorn settings for the storefront; every value can be overridden from the environment.

Embedded default: one worker with threads (the local-memory cache is per process). With REDIS_URL set the
cache is shared, so several workers are safe: ``WEB_CONCURRENCY`` defaults to 2 x cores then.

Behind nginx/Varnish (docs/deploy.md): ``FORWARDED_ALLOW_IPS`` names the proxy that talks to gunicorn; only from
it is ``X-Forwarded-Proto: https`` believed (that is what makes Django see https — no
``SECURE_PROXY_SSL_HEADER`` needed). ``GUNICORN_KEEPALIVE`` should exceed the proxy's idle timeout for upstream
connections, so the proxy, not gunicorn, closes idle ones (no race on a half-closed connection).
"""

from __future__ import annotations

import multiprocessing
import os

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

"""gunicorn settings for the sandbox.

One worker process with threads by default: faults and call counters live in that process's memory and must
be seen by every request. ``SANDBOX_WORKERS`` > 1 is only for callers that never set faults nor read counters
(the load suite, bench/load/run.py): one Python process is held to one core by the GIL, and under 200 users
it, not the storefront, was the bottleneck. Everything else the sandbox keeps is in its SQLite file.
Request lines up to 8 KB, because real clients send GraphQL GET URLs that long (gunicorn's default of 4094
would reject them).
"""

from __future__ import annotations

import os

workers = int(os.environ.get("SANDBOX_WORKERS", "1"))
worker_class = "gthread"
threads = int(os.environ.get("SANDBOX_THREADS", "16"))
limit_request_line = 8190
# A hanging fault may hold a request for up to a minute; do not let gunicorn kill the worker for it.
timeout = 120
graceful_timeout = 5
keepalive = 30
accesslog = os.environ.get("SANDBOX_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("SANDBOX_LOG_LEVEL", "warning")

"""gunicorn settings for the sandbox.

One worker process with threads: faults and call counters live in that process's memory and must be
seen by every request. Request lines up to 8 KB, because real clients send GraphQL GET URLs that long
(gunicorn's default of 4094 would reject them).
"""

from __future__ import annotations

import os

workers = 1
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

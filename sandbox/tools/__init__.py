"""Test and demo tools of the sandbox: call counters, fault injection, reset (``/sandbox/...``)."""

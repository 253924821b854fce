"""Commerce test tools; the sandbox's root urls include this at ``sandbox/`` (when SANDBOX_TOOLS is on)."""

from __future__ import annotations

from django.urls import path

from sandbox.commerce import tools

urlpatterns = [
    path("outbox", tools.outbox, name="sandbox-outbox"),
    path("webhooks", tools.webhook_log, name="sandbox-webhooks"),
]

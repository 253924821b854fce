"""Routes of the sandbox tools, mounted at ``/sandbox/``."""

from __future__ import annotations

from django.urls import path

from sandbox.tools import views

urlpatterns = [
    path("health", views.health),
    path("counters", views.counters),
    path("counters/reset", views.counters_reset),
    path("faults", views.faults),
    path("reset", views.reset),
]

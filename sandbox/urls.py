"""Sandbox URLs: Magento's ``/graphql``, ``/media/...`` and ``/rest/...`` plus the ``/sandbox/...`` test tools.

The REST include is guarded: ``sandbox.rest`` belongs to another part of the sandbox and the server must
still start without it. The tools are only routed when ``SANDBOX_TOOLS`` is on (otherwise 404).
"""

from __future__ import annotations

import importlib.util

from django.conf import settings
from django.urls import include, path, re_path

from sandbox.catalog.media import media_file
from sandbox.graphql.view import graphql_endpoint

urlpatterns = [
    path("graphql", graphql_endpoint, name="graphql"),
    re_path(r"^media/(?P<path>.+)$", media_file, name="media"),
]

if settings.SANDBOX_TOOLS:
    urlpatterns.append(path("sandbox/", include("sandbox.tools.urls")))
    # Commerce's tools (password-reset outbox, webhook log) live beside the core tools.
    if importlib.util.find_spec("sandbox.commerce.tools_urls") is not None:
        urlpatterns.append(path("sandbox/", include("sandbox.commerce.tools_urls")))

if importlib.util.find_spec("sandbox.rest.urls") is not None:
    urlpatterns.append(path("rest/", include("sandbox.rest.urls")))

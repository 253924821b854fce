"""Included by the sandbox's root urls at ``rest/``: one catch-all, routing happens in ``routing.dispatch``.

Magento's router answers every unknown path itself ("Request does not match any route."), so Django's own
404 page must never be reached under ``/rest/``.
"""

from __future__ import annotations

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from sandbox.rest.routing import dispatch

urlpatterns = [
    re_path(r"^(?P<path>.*)$", csrf_exempt(dispatch), name="sandbox-rest"),
]

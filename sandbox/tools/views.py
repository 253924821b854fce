"""The ``/sandbox/...`` endpoints (routed only when SANDBOX_TOOLS is on).

- ``GET health`` → ``{"ok": true, "products": N}``
- ``GET counters`` / ``POST counters/reset``
- ``GET|POST|DELETE faults`` (POST body: one fault spec, see tools/state.Fault)
- ``POST reset``: counters, faults, catalog edits and every registered reset hook
"""

from __future__ import annotations

import json
import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sandbox.catalog.api import revert_catalog_edits
from sandbox.catalog.models import Product
from sandbox.tools import state

log = logging.getLogger("sandbox.tools")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {Product._meta.db_table}")  # noqa: S608 (our own table name)
        products = cursor.fetchone()[0]
    return JsonResponse({"ok": True, "products": products})


@require_GET
def counters(request: HttpRequest) -> JsonResponse:
    return JsonResponse(state.counters())


@csrf_exempt
@require_POST
def counters_reset(request: HttpRequest) -> JsonResponse:
    state.reset_counters()
    return JsonResponse({"ok": True})


@csrf_exempt
@require_http_methods(["GET", "POST", "DELETE"])
def faults(request: HttpRequest) -> HttpResponse:
    if request.method == "DELETE":
        state.clear_faults()
        return JsonResponse({"ok": True, "faults": []})
    if request.method == "POST":
        try:
            spec = json.loads(request.body or b"{}")
            if not isinstance(spec, dict):
                raise ValueError("a fault is a JSON object")
            state.add_fault(state.parse_fault(spec))
        except ValueError as exc:
            return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    return JsonResponse({"ok": True, "faults": state.list_faults()})


@csrf_exempt
@require_POST
def reset(request: HttpRequest) -> JsonResponse:
    state.reset_counters()
    state.clear_faults()
    restored = revert_catalog_edits()
    for hook in state.reset_hooks():
        hook()
    return JsonResponse({"ok": True, "restored_products": restored, "hooks": len(state.reset_hooks())})

"""CSRF protection that works with cached pages (DESIGN.md §5).

Forms on cached pages (add to cart, currency switch) carry no per-visitor token: the HTML is shared. So a
state-changing request is judged by where it comes from, the way Go's CrossOriginProtection does it:

1. ``Sec-Fetch-Site`` (sent by every current browser): ``same-origin`` or ``none`` (typed or bookmarked by the
   user) is accepted; ``same-site`` and ``cross-site`` are refused with 403.
2. Otherwise ``Origin``: accepted when it equals this site's origin or a ``CSRF_TRUSTED_ORIGINS`` entry,
   refused when it names anything else.
3. A client that sends neither (old browsers, scripts) falls back to Django's token check, so a form rendered
   with ``{% csrf_token %}`` on a private page still works, and nothing passes unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class OriginCsrfMiddleware(CsrfViewMiddleware):
    def process_view(
        self,
        request: HttpRequest,
        callback: Callable[..., Any],
        callback_args: tuple[Any, ...],
        callback_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if (
            request.method in SAFE_METHODS
            or getattr(callback, "csrf_exempt", False)
            or getattr(request, "csrf_processing_done", False)
        ):
            return super().process_view(request, callback, callback_args, callback_kwargs)
        fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
        if fetch_site in {"same-origin", "none"}:
            return self._accept(request)
        if fetch_site:
            return self._reject(request, f"Cross-origin request refused (Sec-Fetch-Site: {fetch_site}).")
        if "HTTP_ORIGIN" in request.META:
            if self._origin_verified(request):
                return self._accept(request)
            return self._reject(request, "Cross-origin request refused (Origin does not match).")
        return super().process_view(request, callback, callback_args, callback_kwargs)

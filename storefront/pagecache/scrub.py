"""The request a cached page is rendered from: no session, no user, no cookies, no CSRF token.

Rules (DESIGN.md §5, "no visitor data in cached HTML, by construction"):
- A cached render gets a fresh request built from the path, the query string and a short allow-list of
  headers — never the visitor's cookies (except a valid ``currency`` choice, which is part of the cache key)
  or Authorization header.
- Touching the session, the user or the CSRF token during a cached render is a bug: with ``DEBUG`` on it
  raises ``VisitorDataInCachedRender`` at once; in production it quietly sees an empty session and an
  anonymous user, so nothing personal can reach the shared copy either way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, QueryDict
from django_htmx.middleware import HtmxDetails

# Headers a cached render may see: they select the representation, not the visitor.
PASSED_HEADERS = (
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "HTTP_HX_REQUEST",
    "HTTP_HX_TARGET",
    "HTTP_HX_BOOSTED",
    "HTTP_X_FORWARDED_PROTO",
    "SCRIPT_NAME",
)
_CSRF_KEYS = frozenset({"CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE", "CSRF_COOKIE_SET"})


class VisitorDataInCachedRender(RuntimeError):
    """A cacheable view reached for per-visitor state; that state would leak into the shared copy."""


def _leak(what: str) -> VisitorDataInCachedRender:
    return VisitorDataInCachedRender(
        f"A cached page render touched {what}. Cached pages must not depend on the visitor: move this into "
        "the private header fragment or an uncached view."
    )


class _Meta(dict):
    """request.META that refuses CSRF token use in cached renders (DEBUG) and forgets it otherwise."""

    def __getitem__(self, key: str) -> Any:
        if key in _CSRF_KEYS and settings.DEBUG:
            raise _leak("the CSRF token")
        return super().__getitem__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key in _CSRF_KEYS:
            if settings.DEBUG:
                raise _leak("the CSRF token")
            return
        super().__setitem__(key, value)

    def get(self, key: str, default: Any = None) -> Any:
        if key in _CSRF_KEYS:
            if settings.DEBUG:
                raise _leak("the CSRF token")
            return default
        return super().get(key, default)


class _NoSession:
    """Stands in for request.session: empty, unsaveable, and loud in DEBUG."""

    session_key = None
    modified = False
    accessed = False

    def _touch(self) -> None:
        if settings.DEBUG:
            raise _leak("the session")

    def __getitem__(self, key: str) -> Any:
        self._touch()
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._touch()

    def __contains__(self, key: str) -> bool:
        self._touch()
        return False

    def get(self, key: str, default: Any = None) -> Any:
        self._touch()
        return default

    def pop(self, key: str, default: Any = None) -> Any:
        self._touch()
        return default

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._touch()
        return default

    def __getattr__(self, name: str) -> Any:
        self._touch()
        raise AttributeError(name)


class _TrapUser(AnonymousUser):
    def __getattribute__(self, name: str) -> Any:
        if settings.DEBUG and not name.startswith("__"):
            raise _leak("request.user")
        return super().__getattribute__(name)


def scrubbed_request(request: HttpRequest) -> HttpRequest:
    """A GET request for the same page, carrying nothing about the visitor."""
    clean = HttpRequest()
    clean.method = "GET"
    clean.path = request.path
    clean.path_info = request.path_info
    meta = _Meta({k: request.META[k] for k in PASSED_HEADERS if k in request.META})
    meta["REQUEST_METHOD"] = "GET"
    meta["QUERY_STRING"] = request.META.get("QUERY_STRING", "")
    meta["PATH_INFO"] = request.path_info
    clean.META = meta
    clean.GET = QueryDict(meta["QUERY_STRING"])
    # The one cookie a cached page may depend on: the currency choice, which is part of the cache key.
    currency = request.COOKIES.get("currency", "")
    clean.COOKIES = {"currency": currency} if len(currency) == 3 and currency.isalpha() and currency.isupper() else {}
    clean.session = _NoSession()  # type: ignore[attr-defined]
    clean.user = _TrapUser()  # type: ignore[attr-defined]
    clean.htmx = HtmxDetails(clean)  # type: ignore[attr-defined]
    clean.request_id = getattr(request, "request_id", "")  # type: ignore[attr-defined]
    clean.cached_render = True  # type: ignore[attr-defined]
    return clean

"""Messages queued for the visitor, shown on a cached page even without JavaScript.

A form that ends on a cached page (signed out → the home page; an add Magento refused → the product page)
queues its message in Django's ``messages`` cookie, the first choice of the default message storage. The cached
copy holds nothing about the visitor, so when a page-cache answer goes to a request carrying that cookie:

- the request is answered uncompressed and never as a 304 (``prepare``), so the body can be changed;
- the messages are put into the copy's empty ``#flash`` live region for this one response (``show``), which is
  then private (``no-store``, no ETag, no surrogate keys) and deletes the cookie: each message shows once. With
  JavaScript the header fragment would have shown them; they are gone by the time it asks.

Nothing changes when the cookie is absent, unreadable (a forged signature: the cookie is left for Django to drop)
or the page has no ``#flash`` (an htmx fragment). Messages too long for the cookie (Django then keeps them in
the session, which a cached page does not read) still wait for the header fragment or the next private page.
Edges (Varnish) pass requests that carry the cookie (deploy/varnish/default.vcl).
"""

from __future__ import annotations

from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

SLOT = b'<div id="flash" role="status"></div>'
_DROPPED = ("ETag", "Surrogate-Key", "xkey", "Age")


def pending(request: HttpRequest) -> bool:
    return CookieStorage.cookie_name in request.COOKIES


def prepare(request: HttpRequest) -> None:
    """Ask the page cache for a body that can be changed: identity encoding, no conditional answer."""
    request.META.pop("HTTP_IF_NONE_MATCH", None)
    request.META["HTTP_ACCEPT_ENCODING"] = "identity"


def show(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return response
    if response.has_header("Content-Encoding") or SLOT not in response.content:
        return response
    storage = CookieStorage(request)
    messages = list(storage)
    if not messages:
        return response
    html = render_to_string("partials/flash_messages.html", {"messages": messages}, request)
    body = response.content.replace(SLOT, SLOT[: -len(b"</div>")] + html.encode() + b"</div>", 1)
    personal = HttpResponse(body, status=200)
    for name, value in response.items():
        personal[name] = value
    for name in _DROPPED:
        if personal.has_header(name):
            del personal[name]
    personal["Content-Length"] = str(len(body))
    personal["Cache-Control"] = "private, no-store"
    personal["Vary"] = "Cookie"
    storage.update(personal)  # every message was read: the cookie is deleted
    personal.cache_state = getattr(response, "cache_state", None)  # type: ignore[attr-defined]
    return personal

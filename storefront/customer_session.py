"""The customer's Magento token and who they are, kept only in the server-side session.

Rules (DESIGN.md §6):
- The token lives in the session (``cached_db``), never in a cookie, URL, template or log line.
- Signing in cycles the session key (no session fixation), stores token + issue time + first name, and
  sends ``customer_signed_in`` so other apps can react (the cart app merges the guest cart there).
- Signing out flushes the whole session (the caller revokes the token at Magento first).
- A 401 from Magento anywhere drops the token (``drop_token``) — the error middleware does this for views.
"""

from __future__ import annotations

import time

from django.dispatch import Signal
from django.http import HttpRequest

from storefront import visitor

TOKEN = "magento_customer_token"  # noqa: S105 - a session key name, not a secret
ISSUED_AT = "magento_customer_token_issued_at"
EMAIL = "customer_email"

# Sent after a successful sign-in, with ``request`` and ``token`` (the new token) as arguments.
customer_signed_in = Signal()


def token(request: HttpRequest) -> str | None:
    value = request.session.get(TOKEN)
    return value if isinstance(value, str) and value else None


def is_signed_in(request: HttpRequest) -> bool:
    return token(request) is not None


def sign_in(request: HttpRequest, new_token: str, *, firstname: str, email: str) -> None:
    request.session.cycle_key()
    request.session[TOKEN] = new_token
    request.session[ISSUED_AT] = int(time.time())
    request.session[visitor.CUSTOMER_FIRSTNAME] = firstname
    request.session[EMAIL] = email
    customer_signed_in.send(sender=sign_in, request=request, token=new_token)


def drop_token(request: HttpRequest) -> None:
    """Forget the token (expired or revoked at Magento) but keep the rest of the session (e.g. checkout data)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    for key in (TOKEN, ISSUED_AT, visitor.CUSTOMER_FIRSTNAME, EMAIL):
        session.pop(key, None)


def sign_out(request: HttpRequest) -> None:
    request.session.flush()

"""Audit of account events (DESIGN.md §6, issue 6): a database row and one log line per event.

Rules: callers pass the event, the e-mail and a short reason, never a token or password; the log line carries a
hash of the e-mail instead of the address itself (logs travel further than the database); recording never
breaks the shopper's request (a failed write is logged and swallowed).
"""

from __future__ import annotations

import hashlib
import logging

from django.http import HttpRequest

from accounts.models import AccountEvent
from storefront.ratelimit import client_ip

log = logging.getLogger("accounts.audit")


def email_ref(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:12] if email else "-"


def record(request: HttpRequest, event: str, email: str = "", detail: str = "") -> None:
    ip = client_ip(request)
    request_id = str(getattr(request, "request_id", ""))
    log.info("account event=%s account=%s ip=%s request_id=%s %s", event, email_ref(email), ip, request_id, detail)
    try:
        AccountEvent.objects.create(
            event=event, email=email.strip().lower()[:254], ip=ip[:64], request_id=request_id[:64], detail=detail[:200]
        )
    except Exception as exc:  # the audit must never cost the shopper their request
        log.error("audit write failed: %s", exc.__class__.__name__)

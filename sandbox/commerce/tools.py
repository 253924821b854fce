"""Test tools of the commerce side, mounted under ``/sandbox/`` (see ``tools_urls.py``).

- ``GET /sandbox/outbox`` → the mails the sandbox "sent", oldest first:
  ``[{to, subject, body, reset_url, reset_token, sent_at}]``
- ``GET /sandbox/webhooks`` → revalidation webhook deliveries: ``[{url, status, tags, error, sent_at}]``
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from sandbox.commerce import webhooks
from sandbox.commerce.models import OutboxMail


@require_GET
def outbox(request: HttpRequest) -> JsonResponse:
    mails = [
        {
            "to": m.to,
            "subject": m.subject,
            "body": m.body,
            "reset_url": m.reset_url,
            "reset_token": m.reset_token,
            "sent_at": m.sent_at.isoformat(),
        }
        for m in OutboxMail.objects.all()
    ]
    return JsonResponse(mails, safe=False)


@require_GET
def webhook_log(request: HttpRequest) -> JsonResponse:
    return JsonResponse(webhooks.deliveries(), safe=False)

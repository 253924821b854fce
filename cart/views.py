"""Cart views. Placeholder until the cart issue lands: adding to the cart answers 501."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def cart_add_item(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("Adding to the cart is coming soon.", status=501, content_type="text/plain")
    response["Cache-Control"] = "private, no-store"
    return response

"""What the server knows about the current visitor, kept in the server-side session only.

Rules: these keys are read by the private header fragment and written by the cart and accounts apps. They
never appear in a cached page (cached renders run without a session) and the Magento token is never
rendered anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

CUSTOMER_FIRSTNAME = "customer_firstname"
CART_ITEMS_QTY = "cart_items_qty"
CART_SUBTOTAL = "cart_subtotal"  # formatted money string, e.g. "$42.00"


@dataclass(frozen=True)
class HeaderInfo:
    firstname: str
    cart_qty: int
    cart_subtotal: str

    @property
    def signed_in(self) -> bool:
        return bool(self.firstname)


def header_info(request: HttpRequest) -> HeaderInfo:
    session = request.session
    try:
        qty = int(session.get(CART_ITEMS_QTY) or 0)
    except (TypeError, ValueError):
        qty = 0
    return HeaderInfo(
        firstname=str(session.get(CUSTOMER_FIRSTNAME) or ""),
        cart_qty=max(qty, 0),
        cart_subtotal=str(session.get(CART_SUBTOTAL) or ""),
    )

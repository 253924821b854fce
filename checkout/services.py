"""Checkout state, step order, Magento address mapping and place-order with exactly-one-order.

Rules:
- All checkout state lives under ONE session key (``checkout``); it survives a sign-in (the session key is
  cycled, its data kept), so a shopper whose token expired signs in again and returns to the same step.
- Steps are ``email`` (guests only) → ``shipping`` → ``method`` → ``payment`` → ``review``; every view asks
  ``first_incomplete`` and redirects back to the first step whose data is missing.
- Exactly one order per cart: place-order takes a per-cart lock in the shared cache (``cache.add``), and the
  placed order is remembered in the cache keyed by cart (a day) and in the session. A second submit — double
  click, retry, another tab — waits for the lock holder and lands on the same confirmation. If Magento times
  out, the order may still exist: the guest cart is read back (an ordered quote is inactive and carries
  ``reserved_order_id``) before anything is sent again. When that cannot tell (the read fails too, the quote
  is still active, a customer's cart), ``OrderOutcomeUnknown``: the shopper is told the order may be placed
  and to press again, and from then on no failure of this checkout says "nothing was ordered".
- Place-order waits ``MAGENTO_ORDER_TIMEOUT`` (30 s), not the 10 s read timeout of other calls.
- No lock, no order: when the shared cache cannot be reached (django-redis answers ``None`` instead of
  True/False), nothing is sent to Magento and ``OrderLockUnavailable`` tells the shopper to try again shortly;
  a second order for one cart would be worse than a minute's wait (docs/failure-modes.md).
- The order number customers know: REST place-order answers the order ENTITY id. Guests: Magento's
  ``GET /V1/guest-carts/:cartId`` (GuestCartRepository::get → QuoteRepository::get, not getActive) still
  reads the now-inactive quote, whose ``reserved_order_id`` is the increment id. Customers: GraphQL
  ``customer { orders(sort: CREATED_AT DESC, pageSize: 1) { number } }``.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from cart import services as cart_services
from cart import upstream
from cart.upstream import CartRef
from storefront import customer_session
from storefront.magento import MagentoError, MagentoInputError, MagentoNotFound, MagentoUnavailable

STATE = "checkout"
LAST_ORDER = "checkout_last_order"
STEPS = ("email", "shipping", "method", "payment", "review")
ADDRESS_FIELDS = (
    "firstname",
    "lastname",
    "company",
    "street1",
    "street2",
    "city",
    "country_id",
    "region_id",
    "region",
    "postcode",
    "telephone",
)
REQUIRED_FIELDS = ("firstname", "lastname", "street1", "city", "country_id", "postcode", "telephone")
LOCK_SECONDS = 60
PLACED_SECONDS = 86400
WAIT_FOR_OTHER_SUBMIT = 20.0  # seconds a second submit waits for the first to finish
OUTCOME_UNKNOWN = "outcome_unknown"  # checkout-state flag: an earlier submit may have ordered
# Magento's field names in InputException parameters → our form fields.
MAGENTO_FIELDS = {"countryId": "country_id", "regionId": "region_id", "street": "street1", "region": "region"}


def state(request: HttpRequest) -> dict[str, Any]:
    value = request.session.get(STATE)
    return dict(value) if isinstance(value, dict) else {}


def save_state(request: HttpRequest, value: dict[str, Any]) -> None:
    request.session[STATE] = value


def update_state(request: HttpRequest, **changes: Any) -> dict[str, Any]:
    current = state(request)
    current.update(changes)
    save_state(request, current)
    return current


def first_incomplete(request: HttpRequest) -> str:
    current = state(request)
    signed_in = customer_session.is_signed_in(request)
    if not signed_in and not current.get("email"):
        return "email"
    if not current.get("address"):
        return "shipping"
    if not current.get("method"):
        return "method"
    if not current.get("payment"):
        return "payment"
    return "review"


def step_allowed(request: HttpRequest, step: str) -> bool:
    wanted = STEPS.index(step)
    return wanted <= STEPS.index(first_incomplete(request))


def customer_email(request: HttpRequest) -> str:
    return str(request.session.get(customer_session.EMAIL) or "")


# --- addresses ---------------------------------------------------------------------------------------------


def clean_address(data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Form input → (values as typed, errors for required fields). Nothing typed is dropped."""
    values = {name: str(data.get(name, "")).strip()[:255] for name in ADDRESS_FIELDS}
    values["country_id"] = values["country_id"].upper()[:2]
    errors = {name: "This is a required field." for name in REQUIRED_FIELDS if not values[name]}
    if values["region_id"] and not values["region_id"].isdigit():
        values["region_id"] = ""
    return values, errors


def to_magento(address: dict[str, str], *, email: str = "", saved_id: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "firstname": address.get("firstname", ""),
        "lastname": address.get("lastname", ""),
        "street": [line for line in (address.get("street1", ""), address.get("street2", "")) if line],
        "city": address.get("city", ""),
        "postcode": address.get("postcode", ""),
        "country_id": address.get("country_id", ""),
        "telephone": address.get("telephone", ""),
    }
    if address.get("company"):
        out["company"] = address["company"]
    if address.get("region_id"):
        out["region_id"] = int(address["region_id"])
    elif address.get("region"):
        out["region"] = address["region"]
    if email:
        out["email"] = email
    if saved_id:
        out["customer_address_id"] = saved_id
    return out


def from_customer_address(row: dict[str, Any]) -> dict[str, str]:
    street = [str(s) for s in row.get("street") or []]
    region = row.get("region") or {}
    return {
        "firstname": str(row.get("firstname") or ""),
        "lastname": str(row.get("lastname") or ""),
        "company": str(row.get("company") or ""),
        "street1": street[0] if street else "",
        "street2": " ".join(street[1:]),
        "city": str(row.get("city") or ""),
        "country_id": str(row.get("country_id") or ""),
        "region_id": str(row.get("region_id") or region.get("region_id") or ""),
        "region": str(region.get("region") or "") if isinstance(region, dict) else str(region),
        "postcode": str(row.get("postcode") or ""),
        "telephone": str(row.get("telephone") or ""),
    }


def field_errors(exc: MagentoInputError) -> dict[str, str]:
    """Magento's InputException entries → {our field: Magento's message}; unknown fields go under ``""``."""
    details = exc.errors or []
    entries = [(d.parameters, d.message) for d in details] or [(exc.parameters, exc.message)]
    out: dict[str, str] = {}
    for parameters, message in entries:
        name = parameters.get("fieldName") if isinstance(parameters, dict) else None
        # Place-order wraps the validator's messages into one text ("Please check the shipping address
        # information. "regionId" is required. …"): find each field named in it.
        names = [str(name)] if name else [a or b for a, b in _FIELD_IN_TEXT.findall(message)]
        for one in names or [""]:
            field = MAGENTO_FIELDS.get(one, one)
            field = field if field in ADDRESS_FIELDS else ""
            text = _sentence_about(message, one) if len(names) > 1 else message
            out[field] = f"{out[field]} {text}".strip() if field in out else text
    return out


_FIELD_IN_TEXT = re.compile(r'"(\w+)" is required|for the (\w+) field')


def _sentence_about(message: str, name: str) -> str:
    found = re.search(rf'[^.]*"?{re.escape(name)}"?[^.]*\.', message)
    return found.group(0).strip() if found else message


def saved_addresses(request: HttpRequest, store: str) -> list[dict[str, Any]]:
    token = customer_session.token(request)
    if not token:
        return []
    me = upstream.customer_me(store, token)
    return [
        {"id": int(a.get("id") or 0), "address": from_customer_address(a)}
        for a in me.get("addresses") or []
        if a.get("id")
    ]


# --- cart, shipping and payment methods ---------------------------------------------------------------------


def cart_totals(request: HttpRequest, store: str) -> dict[str, Any] | None:
    """Magento's totals for the current cart, or None when there is no cart or it is empty."""
    totals = cart_services.run_on_cart(request, store, upstream.totals, create=False)
    if not totals or not totals.get("items"):
        cart_services.set_summary(request, 0, "")
        return None
    return totals


class NoMethodChosen(ValueError):
    """The submitted shipping method is not ``carrier_method``."""


def shipping_address(request: HttpRequest) -> dict[str, Any]:
    """The chosen shipping address as Magento's address payload (with the checkout's e-mail)."""
    current = state(request)
    email = current.get("email") or customer_email(request)
    return to_magento(current["address"], email=email, saved_id=current.get("address_id"))


def shipping_rates(request: HttpRequest, store: str) -> list[dict[str, Any]]:
    """Magento's shipping methods for the chosen address (rows as Magento answers them)."""
    return upstream.estimate_shipping(cart_services.cart_ref(request, store), shipping_address(request))


def choose_shipping_method(request: HttpRequest, store: str, code: str) -> None:
    """Put the address and the method ``carrier_method`` on the quote (the shipping address is the billing
    address until the payment step says otherwise) and remember the payment methods Magento answers.

    Raises ``NoMethodChosen``; ``MagentoInputError`` when Magento refuses the address, after moving it back to a
    draft with Magento's errors at its fields (the shipping step shows them); ``MagentoNotFound``."""
    carrier, _, method = code.partition("_")
    if not carrier or not method:
        raise NoMethodChosen(code)
    address = shipping_address(request)
    try:
        details = upstream.save_shipping_information(
            cart_services.cart_ref(request, store), address, address, carrier, method
        )
    except MagentoInputError as exc:
        current = state(request)
        update_state(request, address=None, address_draft=current["address"], address_errors=field_errors(exc))
        raise
    methods = _method_rows(details.get("payment_methods"))
    update_state(request, method=f"{carrier}_{method}", payment_methods=methods, payment="")


def payment_methods(request: HttpRequest, store: str) -> list[dict[str, str]]:
    """The payment methods Magento offered when the shipping method was saved, else asked for again."""
    known = state(request).get("payment_methods")
    if known:
        return list(known)
    return _method_rows(upstream.payment_methods(cart_services.cart_ref(request, store)))


def _method_rows(rows: Any) -> list[dict[str, str]]:
    return [{"code": str(m.get("code")), "title": str(m.get("title"))} for m in rows or [] if isinstance(m, dict)]


# --- place order ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedOrder:
    number: str
    email: str


class OrderInProgress(Exception):
    """Another submit holds the lock and did not finish in time."""


class OrderOutcomeUnknown(Exception):
    """Magento got the order (or may have) and we could not learn the outcome; pressing again finds out."""


class OrderLockUnavailable(Exception):
    """The shared cache is down, so the one-order-per-cart lock cannot be taken; nothing was sent."""


def _placed_key(key: str) -> str:
    return f"checkout:placed:{key}"


def _remember(request: HttpRequest, store: str, key: str, order: PlacedOrder) -> PlacedOrder:
    cache.set(_placed_key(key), {"number": order.number, "email": order.email}, PLACED_SECONDS)
    request.session[LAST_ORDER] = {"number": order.number, "email": order.email, "key": key}
    request.session.pop(STATE, None)
    cart_services.forget_cart(request, store)
    return order


def _already_placed(request: HttpRequest, key: str) -> PlacedOrder | None:
    found = cache.get(_placed_key(key))
    if not found:
        last = request.session.get(LAST_ORDER) or {}
        found = last if last.get("key") == key else None
    return PlacedOrder(str(found["number"]), str(found.get("email") or "")) if found else None


def _last_order(request: HttpRequest) -> PlacedOrder | None:
    last = request.session.get(LAST_ORDER) or {}
    return PlacedOrder(str(last["number"]), str(last.get("email") or "")) if last.get("number") else None


def place_order(request: HttpRequest, store: str) -> PlacedOrder:
    """Place the order once. Raises ``MagentoInputError``/``MagentoNotFound`` with Magento's message."""
    if not state(request) and _last_order(request):
        return _last_order(request)  # type: ignore[return-value]  # this session's checkout already ended in an order
    ref = cart_services.cart_ref(request, store)
    if not ref.token and not ref.guest_id:
        raise MagentoNotFound("No such entity with cartId = ")
    try:
        key = cart_services.cart_key(ref, customer_email(request))
    except MagentoNotFound:
        # A customer with a checkout in progress but no active cart: an earlier submit whose answer we
        # lost ordered it. Their newest order is that one.
        lost = _newest_customer_order(request, store, ref, customer_email(request)) if ref.token else None
        if lost is None:
            raise
        return lost
    placed = _already_placed(request, key)
    if placed:
        return placed
    lock = f"checkout:lock:{key}"
    taken = cache.add(lock, 1, LOCK_SECONDS)
    if taken is None:  # django-redis ignored a Redis error: False would mean "someone else holds it"
        raise OrderLockUnavailable
    if not taken:
        return _wait_for_other_submit(request, key)
    try:
        placed = _already_placed(request, key)  # the holder may have finished between our two looks
        if placed:
            return placed
        return _remember(request, store, key, _submit(request, ref))
    finally:
        cache.delete(lock)


def settle_unknown_outcome(request: HttpRequest, store: str) -> PlacedOrder | None:
    """After a submit without an answer: did Magento place the order since? Then it is remembered (the
    confirmation shows it) and returned; ``None`` while the cart is still active (the shopper presses again).
    A Magento failure propagates: the friendly 503 whose "Try again" asks once more; never "your cart is empty"."""
    if not state(request).get(OUTCOME_UNKNOWN):
        return None
    ref = cart_services.cart_ref(request, store)
    email = state(request).get("email") or customer_email(request)
    if ref.token:
        try:
            upstream.customer_cart_id(store, ref.token)
            return None  # an active cart: not ordered
        except MagentoNotFound:
            return _newest_customer_order(request, store, ref, email)
    if not ref.guest_id:
        return None
    try:
        number = _ordered_quote_number(upstream.guest_cart(store, ref.guest_id))
    except MagentoNotFound:
        return None
    return _remember(request, store, cart_services.cart_key(ref, email), PlacedOrder(number, email)) if number else None


def _newest_customer_order(request: HttpRequest, store: str, ref: CartRef, email: str) -> PlacedOrder | None:
    """A customer without an active cart after a submit we had no answer for: their newest order is that one."""
    number = upstream.customer_last_order_number(store, str(ref.token))
    return _remember(request, store, f"lost:{digest(number)}", PlacedOrder(number, email)) if number else None


def _ordered_quote_number(quote: dict[str, Any]) -> str:
    """An ordered guest quote is inactive and carries the order's increment id; '' for any other quote."""
    return str(quote.get("reserved_order_id") or "") if quote.get("is_active") is False else ""


def _wait_for_other_submit(request: HttpRequest, key: str) -> PlacedOrder:
    deadline = time.monotonic() + WAIT_FOR_OTHER_SUBMIT
    while time.monotonic() < deadline:
        time.sleep(0.2)
        placed = _already_placed(request, key)
        if placed:
            request.session[LAST_ORDER] = {"number": placed.number, "email": placed.email, "key": key}
            request.session.pop(STATE, None)
            return placed
        if cache.get(f"checkout:lock:{key}") is None:
            break  # the other submit failed: this one may try (the caller shows the step again)
    raise OrderInProgress


def _submit(request: HttpRequest, ref: CartRef) -> PlacedOrder:
    current = state(request)
    email = current.get("email") or customer_email(request)
    shipping = current.get("address") or {}
    billing_source = shipping if current.get("billing_same", True) else current.get("billing") or shipping
    billing_id = current.get("address_id") if current.get("billing_same", True) else None
    billing = to_magento(billing_source, email=email, saved_id=billing_id)
    try:
        upstream.place_order(ref, email=email, method=str(current.get("payment")), billing=billing)
    except MagentoUnavailable as exc:
        if not exc.may_have_acted and not current.get(OUTCOME_UNKNOWN):
            raise  # nothing reached Magento (busy, circuit open, no connection), now or before: nothing ordered
        return _recover(request, ref, email, exc)
    except MagentoNotFound as exc:
        if not upstream.is_missing_cart(exc):
            raise
        # The cart is no longer active: a first submit whose answer we lost may have ordered it.
        return _recover(request, ref, email, exc)
    try:
        return PlacedOrder(_order_number(ref), email)
    except MagentoUnavailable as exc:
        # Magento placed it (it answered) but its number could not be read: the next press reads it.
        raise _unknown(request) from exc


def _order_number(ref: CartRef) -> str:
    if ref.token:
        return upstream.customer_last_order_number(ref.store, ref.token)
    return str(upstream.guest_cart(ref.store, ref.guest_id).get("reserved_order_id") or "")


def _recover(request: HttpRequest, ref: CartRef, email: str, cause: MagentoError) -> PlacedOrder:
    """Did the order go through although we saw no answer? Guests: the quote is inactive with a number.
    Raises ``OrderOutcomeUnknown`` when Magento may have it and we cannot tell, else ``cause``."""
    may_exist = isinstance(cause, MagentoUnavailable)
    if ref.token:
        # A customer's quote cannot be read back once inactive; the next press finds the order in their list.
        raise _unknown(request) if may_exist else cause
    try:
        number = _ordered_quote_number(upstream.guest_cart(ref.store, ref.guest_id))
    except MagentoUnavailable as exc:
        raise _unknown(request) from exc
    except MagentoNotFound:
        raise cause from None
    if number:
        return PlacedOrder(number, email)
    # Still active: not placed, or Magento is still placing it (one transaction commits order and quote).
    raise _unknown(request) if may_exist else cause


def _unknown(request: HttpRequest) -> OrderOutcomeUnknown:
    """Remember that an order may exist, so a later press that reaches nobody does not say "nothing ordered"."""
    update_state(request, **{OUTCOME_UNKNOWN: True})
    return OrderOutcomeUnknown()


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]

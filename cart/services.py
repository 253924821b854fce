"""Cart flows: which cart the visitor has, changes to it, the mini-cart summary, merge on sign-in.

Rules:
- A guest cart is created lazily on the first add (``POST /V1/guest-carts``); its masked id lives only in
  the server-side session, per store view (Magento carts belong to a store). A signed-in customer uses
  ``carts/mine`` with the session's token; that route is ``self``, so a dead token shows up as a 401 there
  (the error middleware sends the shopper to sign in again) and never as a silent guest call.
- A 404 for the cart itself means it expired or was ordered: the guest id is forgotten, the shopper gets
  a message and the next add starts a fresh cart. Writes are retried once on the new cart only because a
  404 guarantees the first attempt changed nothing.
- After every change and every cart read, ``visitor.CART_ITEMS_QTY`` / ``CART_SUBTOTAL`` are set from
  Magento's totals, so the private header fragment shows the truth.
- On sign-in (``customer_signed_in``) the guest cart is assigned to the customer with
  ``PUT /V1/guest-carts/:cartId`` and ``{"storeId": …}``: Magento merges the customer's previous active
  cart into it, so nothing in either cart is lost. The guest id is then forgotten. If Magento is down at that
  moment the id is kept and the merge is retried on the next cart access.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

from cart import upstream
from cart.types import Cart, CartLine, parse_cart
from cart.upstream import CartRef
from catalog.money import format_money
from storefront import customer_session, visitor
from storefront.magento import MagentoError, MagentoNotFound, MagentoUnavailable
from storefront.stores import url_prefix

log = logging.getLogger("cart")

GUEST_IDS = "cart_guest_ids"  # {store code: masked cart id}
LINE_MEDIA = "cart_line_media"  # {line sku: {"parent", "image", "url"}} learnt when the line was added
EXPIRED_MESSAGE = "Your previous cart had expired, so we started a new one."
OPTIONS_TTL = 300  # seconds a product's option ids are reused for add-to-cart

# --- which cart -------------------------------------------------------------------------------------------


def _guest_ids(request: HttpRequest) -> dict[str, str]:
    value = request.session.get(GUEST_IDS)
    return dict(value) if isinstance(value, dict) else {}


def _set_guest_id(request: HttpRequest, store: str, guest_id: str | None) -> None:
    ids = _guest_ids(request)
    if guest_id:
        ids[store] = guest_id
    else:
        ids.pop(store, None)
    request.session[GUEST_IDS] = ids


def cart_ref(request: HttpRequest, store: str) -> CartRef:
    token = customer_session.token(request)
    if token:
        if _guest_ids(request):
            merge_guest_carts(request, token)  # a merge that failed at sign-in (Magento was down)
        return CartRef(store, token=token)
    return CartRef(store, guest_id=_guest_ids(request).get(store, ""))


def cart_key(ref: CartRef, email: str = "") -> str:
    """A stable, non-secret name for the cart (locks, the placed-order record). Customers: their quote id."""
    if ref.token:
        raw = f"customer:{email}:{upstream.customer_cart_id(ref.store, ref.token)}"
    else:
        raw = f"guest:{ref.guest_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def run_on_cart[T](request: HttpRequest, store: str, operation: Callable[[CartRef], T], *, create: bool) -> T | None:
    """Run ``operation`` on the visitor's cart; create one if needed (``create``), survive an expired one."""
    ref = cart_ref(request, store)
    if not ref.token and not ref.guest_id:
        if not create:
            return None
        ref = _new_guest_cart(request, store)
    try:
        return operation(ref)
    except MagentoNotFound as exc:
        if not upstream.is_missing_cart(exc):
            raise
    # The cart is gone (expired, ordered elsewhere, or a customer without an active cart yet).
    if ref.token:
        if not create:
            return None
        upstream.create_customer_cart(store, ref.token)
        return operation(ref)
    _set_guest_id(request, store, None)
    messages.info(request, EXPIRED_MESSAGE, fail_silently=True)
    if not create:
        return None
    return operation(_new_guest_cart(request, store))


def _new_guest_cart(request: HttpRequest, store: str) -> CartRef:
    guest_id = upstream.create_guest_cart(store)
    _set_guest_id(request, store, guest_id)
    return CartRef(store, guest_id=guest_id)


def forget_cart(request: HttpRequest, store: str) -> None:
    """After an order: the next add starts a fresh cart (customers get a new quote from Magento)."""
    _set_guest_id(request, store, None)
    request.session.pop(LINE_MEDIA, None)
    set_summary(request, 0, "")


# --- the mini-cart summary --------------------------------------------------------------------------------


def set_summary(request: HttpRequest, qty: int, subtotal: str) -> None:
    request.session[visitor.CART_ITEMS_QTY] = max(int(qty), 0)
    request.session[visitor.CART_SUBTOTAL] = subtotal if qty else ""


def _summary_from_totals(request: HttpRequest, totals: dict[str, Any], locale: str) -> None:
    cart = parse_cart([], totals, locale, {})
    set_summary(request, cart.items_qty, str(cart.subtotal))


def refresh_summary(request: HttpRequest, store: str, locale: str = "en_US") -> None:
    totals = run_on_cart(request, store, upstream.totals, create=False)
    if totals is None:
        set_summary(request, 0, "")
    else:
        _summary_from_totals(request, totals, locale)


# --- reading the cart -------------------------------------------------------------------------------------


def load_cart(request: HttpRequest, store: str, locale: str = "en_US") -> Cart | None:
    """The cart with lines, options, images and Magento's totals (2 REST calls + 1 GraphQL when not empty)."""
    found = run_on_cart(request, store, lambda ref: (upstream.items(ref), upstream.totals(ref)), create=False)
    if found is None:
        set_summary(request, 0, "")
        return None
    items, totals = found
    media = _line_media(request, store, items)
    cart = parse_cart(items, totals, locale, media)
    set_summary(request, cart.items_qty, str(cart.subtotal))
    return cart


def _line_media(request: HttpRequest, store: str, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Image, link and stock per line from the catalog (REST cart items have none of these)."""
    known = request.session.get(LINE_MEDIA) or {}
    lookup: dict[str, str] = {}  # line sku -> sku to look up
    for item in items:
        sku = str(item.get("sku") or "")
        parent = (known.get(sku) or {}).get("parent") or ""
        if parent or item.get("product_type") != "configurable":
            lookup[sku] = parent or sku
    try:
        products = upstream.line_products(store, sorted(set(lookup.values())))
    except MagentoError as exc:  # images and stock hints are a nicety; the cart itself must still show
        log.warning("cart line products not loaded: %s", exc.__class__.__name__)
        return {sku: dict(known.get(sku) or {}) for sku in lookup}
    by_sku = {str(p.get("sku")): p for p in products}
    prefix = url_prefix(store)
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        sku = str(item.get("sku") or "")
        info = dict(known.get(sku) or {})
        if sku not in lookup:
            out[sku] = info
            continue
        product = by_sku.get(lookup[sku])
        if product is None:
            info["vanished"] = True
            out[sku] = info
            continue
        variant = next(
            (
                v.get("product") or {}
                for v in product.get("variants") or []
                if (v.get("product") or {}).get("sku") == sku
            ),
            None,
        )
        own = variant if variant is not None else product
        info["out_of_stock"] = own.get("stock_status") == "OUT_OF_STOCK"
        info["image"] = (
            ((own.get("small_image") or {}).get("url")) or ((product.get("small_image") or {}).get("url")) or ""
        )
        if product.get("url_key"):
            info["url"] = f"{prefix}/{product['url_key']}{product.get('url_suffix') or ''}"
        out[sku] = info
    return out


# --- changing the cart ------------------------------------------------------------------------------------


class ChooseOptions(Exception):
    """The product needs option choices the form did not carry (e.g. no size picked)."""


class AddOutcomeUnknown(Exception):
    """Magento got the add and did not answer (timeout, dropped connection): the product may be in the cart."""


def product_options(store: str, sku: str) -> dict[str, Any] | None:
    key = f"cart:options:{store}:{hashlib.sha256(sku.encode()).hexdigest()[:24]}"
    found = cache.get(key)
    if found is None:
        found = upstream.product_options(store, sku) or {}
        cache.set(key, found, OPTIONS_TTL)
    return found or None


def add_to_cart(request: HttpRequest, store: str, sku: str, qty: int, chosen: dict[str, str]) -> CartLine | None:
    """Add a product; ``chosen`` maps attribute codes to value indexes (the product form's radio buttons)."""
    product = product_options(store, sku)
    options: list[tuple[int, int]] = []
    if product and product.get("configurable_options"):
        missing = []
        for option in product["configurable_options"]:
            value = chosen.get(str(option.get("attribute_code")), "")
            allowed = {str(v.get("value_index")) for v in option.get("values") or []}
            if value not in allowed:
                missing.append(str(option.get("label") or option.get("attribute_code")))
                continue
            options.append((int(option.get("attribute_id") or 0), int(value)))
        if missing:
            raise ChooseOptions(", ".join(missing))

    def add(ref: CartRef) -> dict[str, Any]:
        try:
            return upstream.add_item(ref, sku, qty, options)
        except MagentoUnavailable as exc:
            if exc.may_have_acted:
                raise AddOutcomeUnknown from exc
            raise

    added = run_on_cart(request, store, add, create=True)
    if added:
        _remember_media(request, store, added, product)
    return None


def _remember_media(request: HttpRequest, store: str, added: dict[str, Any], product: dict[str, Any] | None) -> None:
    if not product:
        return
    line_sku = str(added.get("sku") or "")
    image = (product.get("small_image") or {}).get("url") or ""
    for variant in product.get("variants") or []:
        child = variant.get("product") or {}
        if child.get("sku") == line_sku:
            image = (child.get("small_image") or {}).get("url") or image
    media = dict(request.session.get(LINE_MEDIA) or {})
    url = (
        f"{url_prefix(store)}/{product.get('url_key')}{product.get('url_suffix') or ''}"
        if product.get("url_key")
        else ""
    )
    media[line_sku] = {"parent": str(product.get("sku") or ""), "image": image, "url": url}
    request.session[LINE_MEDIA] = dict(list(media.items())[-50:])  # bounded: the session is not a database


def update_quantity(request: HttpRequest, store: str, item_id: int, qty: int) -> None:
    if qty <= 0:
        remove_line(request, store, item_id)
        return
    run_on_cart(request, store, lambda ref: upstream.update_item(ref, item_id, qty), create=False)


def remove_line(request: HttpRequest, store: str, item_id: int) -> None:
    run_on_cart(request, store, lambda ref: upstream.delete_item(ref, item_id), create=False)


def apply_coupon(request: HttpRequest, store: str, code: str) -> None:
    run_on_cart(request, store, lambda ref: upstream.set_coupon(ref, code), create=False)


def remove_coupon(request: HttpRequest, store: str) -> None:
    run_on_cart(request, store, upstream.remove_coupon, create=False)


def estimate_shipping(request: HttpRequest, store: str, country: str, postcode: str) -> list[dict[str, Any]]:
    address = {"country_id": country, "postcode": postcode}
    return run_on_cart(request, store, lambda ref: upstream.estimate_shipping(ref, address), create=False) or []


def countries(store: str) -> list[dict[str, Any]]:
    """Magento's allowed countries with their regions, sorted by name (cached an hour: it rarely changes)."""
    key = f"cart:countries:{store}"
    found = cache.get(key)
    if found is None:
        found = []
        for row in upstream.countries(store):
            regions = [
                {"id": int(r.get("id") or 0), "code": str(r.get("code") or ""), "name": str(r.get("name") or "")}
                for r in row.get("available_regions") or []
                if isinstance(r, dict) and r.get("id")
            ]
            name = str(row.get("full_name_locale") or row.get("full_name_english") or row.get("id") or "")
            found.append({"id": str(row.get("id") or ""), "name": name, "regions": regions})
        found.sort(key=lambda c: c["name"])
        cache.set(key, found, 3600)
    return found


# --- merge on sign-in ---------------------------------------------------------------------------------------


def store_id(store: str) -> int:
    key = f"cart:store-id:{store}"
    found = cache.get(key)
    if found is None:
        found = upstream.store_id(store)
        cache.set(key, found, 3600)
    return int(found)


def merge_guest_carts(request: HttpRequest, token: str) -> None:
    for store, guest_id in _guest_ids(request).items():
        try:
            upstream.assign_guest_cart(store, guest_id, token, store_id(store))
        except MagentoUnavailable:
            log.warning("guest cart not merged yet: Magento unavailable; will retry")
            continue
        except MagentoError as exc:
            # The guest cart expired, was ordered, or already belongs to someone: nothing left to merge.
            log.info("guest cart not merged: %s", exc.__class__.__name__)
        _set_guest_id(request, store, None)


@receiver(customer_session.customer_signed_in)
def _merge_on_sign_in(sender: object, request: HttpRequest, token: str, **kwargs: object) -> None:
    stores = list(_guest_ids(request)) or [_store_of(request)]
    merge_guest_carts(request, token)
    try:
        refresh_summary(request, stores[0])
    except MagentoError as exc:  # the header count is refreshed on the next cart view
        log.warning("cart summary not refreshed after sign-in: %s", exc.__class__.__name__)


def _store_of(request: HttpRequest) -> str:
    from storefront.stores import default_store, store_codes

    first = request.path.strip("/").split("/", 1)[0]
    return first if first in store_codes()[1:] else default_store()


def format_amount(value: Any, currency: str, locale: str) -> str:
    from cart.types import decimal

    return format_money(decimal(value), currency, locale)

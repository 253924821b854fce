"""Cart views: the cart page and the forms that change the cart.

Rules:
- Every form works without JavaScript: a POST changes the cart and redirects (303) to the cart page, which
  shows a message. With htmx (``HX-Request``) the same POST answers a fragment instead: the cart body for
  quantity/remove changes, a status line for add-to-cart, each with the header's mini-cart swapped
  out-of-band (``#header-personal``) so the count and subtotal update without a reload.
- Magento's own message is shown for what it refuses (stock, invalid coupon); an outage on add shows a
  message and nothing as added — except when Magento got the add and did not answer (a timeout, a dropped
  connection): then the message says the product may be in the cart, never that it was not added. Coupon
  apply is rate limited (shared store) → 429 with Retry-After.
- Nothing here is cacheable: ``private, no-store`` on every response.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cart import services
from cart.types import parse_shipping_methods
from cart.web import base_context, private_page, store_of
from storefront import ratelimit, visitor
from storefront.magento import MagentoInputError, MagentoNotFound, MagentoUnavailable
from storefront.stores import url_prefix

# Attempts per client IP and per cart in the window (10 in 5 minutes unless the environment says otherwise).
COUPON_LIMIT = (settings.RATE_LIMIT_COUPON, settings.RATE_LIMIT_WINDOW)
MAX_QTY = 9999
ADD_OUTCOME_UNKNOWN = (
    "The shop did not answer in time, so the product may or may not be in your cart. Please check your cart "
    "before adding it again."
)
_NOT_OPTIONS = frozenset({"sku", "qty", "variant_sku", "csrfmiddlewaretoken", "next"})


def _cart_url(store: str) -> str:
    return f"{url_prefix(store)}/cart/"


def _qty(raw: str, default: int = 1) -> int | None:
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        return None
    return value if 0 <= value <= MAX_QTY else None


def _header_oob(request: HttpRequest) -> str:
    inner = render_to_string("partials/header_personal.html", {"info": visitor.header_info(request)}, request)
    return f'<div id="header-personal" class="account" hx-swap-oob="innerHTML">{inner}</div>'


def _back_to_product(request: HttpRequest, store: str) -> HttpResponseRedirect:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(referer, status=303)
    return HttpResponseRedirect(_cart_url(store), status=303)


# --- the cart page ----------------------------------------------------------------------------------------


def _render_cart(request: HttpRequest, store: str, *, estimate: dict | None = None, status: int = 200) -> HttpResponse:
    context = base_context(request, store, "Shopping cart")
    locale = context["chrome"].store.locale
    cart = services.load_cart(request, store, locale)
    if estimate is not None and estimate.get("rows"):
        currency = cart.subtotal.currency if cart else context["chrome"].store.currency
        estimate["methods"] = parse_shipping_methods(estimate["rows"], locale, currency)
        if not estimate["methods"]:
            estimate["error"] = "No shipping methods are available for this address."
    context.update(
        cart=cart,
        estimate=estimate,
        cart_url=_cart_url(store),
        countries=services.countries(store) if cart and not cart.is_empty else (),
    )
    if request.htmx and not request.htmx.boosted:
        body = render_to_string("cart/partials/cart_body.html", context, request)
        return HttpResponse(body + _header_oob(request), status=status)
    return render(request, "cart/cart.html", context, status=status)


@require_GET
@private_page
def cart_page(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    return _render_cart(request, store_of(store_code))


# --- add ----------------------------------------------------------------------------------------------------


@require_POST
@private_page
def cart_add_item(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    sku = request.POST.get("sku", "").strip()[:64]
    qty = _qty(request.POST.get("qty", "1"))
    chosen = {k: v for k, v in request.POST.items() if k not in _NOT_OPTIONS and v}
    if not sku or not qty:
        return _add_failed(request, store, "Enter a quantity between 1 and 9999.", status=400)
    try:
        services.add_to_cart(request, store, sku, qty, chosen)
    except services.ChooseOptions as exc:
        return _add_failed(request, store, f"Please choose: {exc}.", status=400)
    except (MagentoInputError, MagentoNotFound) as exc:
        return _add_failed(request, store, exc.message, status=400)
    except services.AddOutcomeUnknown:
        # Magento got the add and did not answer: "not added" would invite a second one.
        return _add_failed(request, store, ADD_OUTCOME_UNKNOWN, status=503)
    except MagentoUnavailable:
        return _add_failed(request, store, "We could not add the product just now. Please try again.", status=503)
    if request.htmx:
        services.refresh_summary(request, store)
        info = visitor.header_info(request)
        text = f'Added to your cart. <a href="{_cart_url(store)}">View cart ({info.cart_qty})</a>'
        return HttpResponse(f'<p class="message success" role="status">{text}</p>' + _header_oob(request))
    messages.success(request, "The product was added to your cart.")
    return HttpResponseRedirect(_cart_url(store), status=303)


def _add_failed(request: HttpRequest, store: str, message: str, *, status: int) -> HttpResponse:
    if request.htmx:
        # 200 on purpose: htmx does not swap 4xx/5xx answers, and the shopper must see why nothing was added.
        return HttpResponse(f'<p class="message error" role="alert">{escape(message)}</p>')
    messages.error(request, message)
    return _back_to_product(request, store)


# --- quantity, remove -----------------------------------------------------------------------------------------


def _item_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("item_id", "")
    return int(raw) if raw.isdigit() else None


@require_POST
@private_page
def cart_update_item(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    item_id, qty = _item_id(request), _qty(request.POST.get("qty", ""), default=-1)
    if item_id is None or qty is None or qty < 0:
        messages.error(request, "Enter a quantity between 0 and 9999.")
    else:
        try:
            services.update_quantity(request, store, item_id, qty)
            messages.success(request, "Your cart was updated." if qty else "The product was removed from your cart.")
        except (MagentoInputError, MagentoNotFound) as exc:
            messages.error(request, exc.message)
    return _after_change(request, store)


@require_POST
@private_page
def cart_remove_item(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    item_id = _item_id(request)
    if item_id is not None:
        try:
            services.remove_line(request, store, item_id)
            messages.success(request, "The product was removed from your cart.")
        except MagentoNotFound as exc:
            messages.error(request, exc.message)
    return _after_change(request, store)


def _after_change(request: HttpRequest, store: str) -> HttpResponse:
    if request.htmx:
        return _render_cart(request, store)
    return HttpResponseRedirect(_cart_url(store), status=303)


# --- coupons and the shipping estimate ----------------------------------------------------------------------


@require_POST
@private_page
def cart_apply_coupon(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    code = request.POST.get("coupon_code", "").strip()[:255]
    limit, window = COUPON_LIMIT
    ref = services.cart_ref(request, store)
    verdict = ratelimit.check(
        "coupon",
        [ratelimit.client_ip(request), ref.guest_id or request.session.session_key or ""],
        limit=limit,
        window=window,
    )
    if not verdict.allowed:
        return ratelimit.too_many_requests(request, verdict, "coupon codes")
    if not code:
        messages.error(request, "Enter a discount code.")
        return _after_change(request, store)
    try:
        services.apply_coupon(request, store, code)
        messages.success(request, f'The discount code "{code}" was applied.')
    except (MagentoInputError, MagentoNotFound) as exc:
        messages.error(request, exc.message)  # Magento's own words, e.g. "The coupon code isn't valid…"
    return _after_change(request, store)


@require_POST
@private_page
def cart_remove_coupon(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    try:
        services.remove_coupon(request, store)
        messages.success(request, "The discount code was removed.")
    except (MagentoInputError, MagentoNotFound) as exc:
        messages.error(request, exc.message)
    return _after_change(request, store)


@require_POST
@private_page
def cart_estimate_shipping(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    country = request.POST.get("country_id", "").strip().upper()[:2]
    postcode = request.POST.get("postcode", "").strip()[:20]
    estimate: dict = {"country_id": country, "postcode": postcode, "methods": (), "error": ""}
    if len(country) != 2:
        estimate["error"] = "Choose a country."
    else:
        try:
            estimate["rows"] = services.estimate_shipping(request, store, country, postcode)
            if not estimate["rows"]:
                estimate["error"] = "No shipping methods are available for this address."
        except (MagentoInputError, MagentoNotFound) as exc:
            estimate["error"] = exc.message
    return _render_cart(request, store, estimate=estimate)

"""Checkout views: one view per step, plain forms (no JavaScript needed), then place order and confirmation.

Rules:
- Each step first checks its pre-conditions (a cart with items, the earlier steps done) and otherwise
  redirects (303) to the first incomplete step; the cart's emptiness is learnt from Magento's totals, which
  for a customer is a ``self`` route, so a dead token sends the shopper to sign in and back (``next``).
- What the shopper typed is saved in the checkout state BEFORE Magento is asked, so no error (validation,
  token expiry, outage) loses it; Magento's field errors are shown next to the fields.
- Place order is rate limited per client IP and per cart (429 + Retry-After) and goes through
  ``checkout.services.place_order`` (exactly one order). Out of stock at place-order → back to the cart with
  Magento's message.
- ``private, no-store`` on every response.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from cart import services as cart_services
from cart.types import Cart, parse_cart, parse_shipping_methods
from cart.web import base_context, private_page, store_of
from checkout import services
from storefront import customer_session, ratelimit
from storefront.magento import MagentoInputError, MagentoNotFound
from storefront.stores import url_prefix

# Submits per client IP and per cart in the window (10 in 5 minutes unless the environment says otherwise).
PLACE_ORDER_LIMIT = (settings.RATE_LIMIT_PLACE_ORDER, settings.RATE_LIMIT_WINDOW)
UNKNOWN_OUTCOME_MESSAGE = (
    "We did not get an answer from the shop in time, so your order may already have been placed. Please press "
    "“Place order” again in a minute: if the first one went through you will see its confirmation, and nothing is "
    "ordered twice."
)
STEP_PATHS = {
    "email": "/checkout/",
    "shipping": "/checkout/shipping",
    "method": "/checkout/method",
    "payment": "/checkout/payment",
    "review": "/checkout/review",
}
STEP_TITLES = {
    "email": "Contact",
    "shipping": "Shipping address",
    "method": "Shipping method",
    "payment": "Payment",
    "review": "Review and place order",
}


def _url(store: str, step: str) -> str:
    return url_prefix(store) + STEP_PATHS[step]


def _redirect(store: str, step: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(_url(store, step), status=303)


def _cart_redirect(store: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url_prefix(store)}/cart/", status=303)


def _guard(
    request: HttpRequest, store: str, step: str, *, cart_checked: bool = False
) -> tuple[HttpResponse | None, dict[str, Any] | None]:
    """Redirect unless this step may be shown. A POST skips the cart check (the GET it redirects to, or
    Magento itself, catches an empty cart), saving one call per step; so does a view that loaded the cart."""
    totals = None
    if request.method != "POST" and not cart_checked:
        totals = services.cart_totals(request, store)
        if totals is None:
            messages.info(request, "Your cart is empty.")
            return _cart_redirect(store), None
    if step == "email" and customer_session.is_signed_in(request):
        return _redirect(store, "shipping"), totals
    if not services.step_allowed(request, step):
        return _redirect(store, services.first_incomplete(request)), totals
    return None, totals


def _page(
    request: HttpRequest,
    store: str,
    step: str,
    totals: dict[str, Any] | None,
    summary: Cart | None = None,
    **extra: Any,
) -> HttpResponse:
    """One step's page; the order summary is ``summary`` when the view has the cart, else built from ``totals``
    (read from Magento when the view has not read them)."""
    context = base_context(request, store, STEP_TITLES[step])
    locale = context["chrome"].store.locale
    if summary is None:
        summary = parse_cart(
            [], totals if totals is not None else services.cart_totals(request, store) or {}, locale, {}
        )
    signed_in = customer_session.is_signed_in(request)
    steps = [s for s in services.STEPS if not (s == "email" and signed_in)]
    context.update(
        step=step,
        steps=[
            {
                "title": STEP_TITLES[s],
                "url": _url(store, s),
                "current": s == step,
                "reachable": services.step_allowed(request, s),
            }
            for s in steps
        ],
        state=services.state(request),
        summary=summary,
        signed_in=signed_in,
        urls={s: _url(store, s) for s in STEP_PATHS},
        **extra,
    )
    return render(request, f"checkout/{step}.html", context)


# --- step 1: e-mail (guests) -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private_page
def checkout_email(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    redirect, totals = _guard(request, store, "email")
    if redirect:
        return redirect
    error = ""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()[:254]
        services.update_state(request, email=email)
        try:
            validate_email(email)
            return _redirect(store, "shipping")
        except ValidationError:
            services.update_state(request, email="")
            error = "Enter a valid e-mail address, such as name@example.com."
            return _page(request, store, "email", totals, error=error, typed=email)
    return _page(request, store, "email", totals, error=error, typed=services.state(request).get("email", ""))


# --- step 2: shipping address -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private_page
def checkout_shipping(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    redirect, totals = _guard(request, store, "shipping")
    if redirect:
        return redirect
    saved = services.saved_addresses(request, store)  # customers: a self route, so 401 → sign in again
    current = services.state(request)
    errors: dict[str, str] = dict(current.get("address_errors") or {})
    values = current.get("address_draft") or current.get("address") or {}
    if request.method == "POST":
        choice = request.POST.get("saved_address", "")
        chosen = next((a for a in saved if str(a["id"]) == choice), None)
        if chosen is not None:
            services.update_state(
                request,
                address=chosen["address"],
                address_id=chosen["id"],
                address_draft=None,
                address_errors={},
                method="",
            )
            return _redirect(store, "method")
        values, errors = services.clean_address(request.POST)
        services.update_state(request, address_draft=values, address_errors=errors)
        if not errors:
            services.update_state(request, address=values, address_id=None, address_errors={}, method="")
            return _redirect(store, "method")
    if not values and saved:
        values = {}
    countries = cart_services.countries(store)
    return _page(
        request,
        store,
        "shipping",
        totals,
        values=values or {"country_id": "US"},
        errors=errors,
        saved=saved,
        chosen_id=current.get("address_id"),
        countries=countries,
    )


# --- step 3: shipping method ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private_page
def checkout_method(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    redirect, totals = _guard(request, store, "method")
    if redirect:
        return redirect
    current = services.state(request)
    error = ""
    if request.method == "POST":
        try:
            services.choose_shipping_method(request, store, request.POST.get("method", ""))
            return _redirect(store, "payment")
        except services.NoMethodChosen:
            error = "Choose a shipping method."
        except MagentoInputError as exc:
            # Magento's address validation: back to the address step, its errors next to the fields.
            messages.error(request, exc.message)
            return _redirect(store, "shipping")
        except MagentoNotFound as exc:
            error = exc.message
    rows = services.shipping_rates(request, store)
    context = base_context(request, store, "")
    methods = parse_shipping_methods(
        rows,
        context["chrome"].store.locale,
        str((totals or {}).get("quote_currency_code") or context["chrome"].store.currency or "USD"),
    )
    if not methods and not error:
        error = "No shipping methods are available for this address. Please check the address."
    return _page(request, store, "method", totals, methods=methods, chosen=current.get("method"), error=error)


# --- step 4: payment and billing address ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private_page
def checkout_payment(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    redirect, totals = _guard(request, store, "payment")
    if redirect:
        return redirect
    current = services.state(request)
    methods = services.payment_methods(request, store)
    errors: dict[str, str] = {}
    billing = current.get("billing") or {}
    billing_same = current.get("billing_same", True)
    error = ""
    if request.method == "POST":
        code = request.POST.get("payment", "")
        billing_same = request.POST.get("billing_same") == "1"
        if not billing_same:
            billing, errors = services.clean_address(request.POST)
        services.update_state(request, billing_same=billing_same, billing=billing)
        if code not in {m["code"] for m in methods}:
            error = "Choose a payment method."
        elif not errors:
            services.update_state(request, payment=code, payment_methods=methods)
            return _redirect(store, "review")
    return _page(
        request,
        store,
        "payment",
        totals,
        methods=methods,
        chosen=current.get("payment") or (methods[0]["code"] if len(methods) == 1 else ""),
        billing_same=billing_same,
        values=billing or {"country_id": (current.get("address") or {}).get("country_id", "US")},
        errors=errors,
        error=error,
        countries=cart_services.countries(store),
    )


# --- step 5: review, place order, confirmation ---------------------------------------------------------------------


@require_http_methods(["GET"])
@private_page
def checkout_review(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    if services.settle_unknown_outcome(request, store):
        # The submit we had no answer for went through: its confirmation, without the "may be placed" warning.
        list(messages.get_messages(request))
        return HttpResponseRedirect(f"{url_prefix(store)}/checkout/success", status=303)
    context = base_context(request, store, "")
    cart = cart_services.load_cart(request, store, context["chrome"].store.locale)  # its totals are the summary's
    if cart is None or cart.is_empty:
        messages.info(request, "Your cart is empty.")
        return _cart_redirect(store)
    redirect, _ = _guard(request, store, "review", cart_checked=True)
    if redirect:
        return redirect
    current = services.state(request)
    method_title = current.get("payment")
    for m in current.get("payment_methods") or []:
        if m["code"] == current.get("payment"):
            method_title = m["title"]
    return _page(
        request,
        store,
        "review",
        None,
        summary=cart,
        cart=cart,
        payment_title=method_title,
        countries=cart_services.countries(store),
    )


@require_POST
@private_page
def checkout_place_order(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    ref = cart_services.cart_ref(request, store)
    limit, window = PLACE_ORDER_LIMIT
    keys = [
        ratelimit.client_ip(request),
        ref.guest_id or services.customer_email(request) or request.session.session_key or "",
    ]
    verdict = ratelimit.check("place-order", keys, limit=limit, window=window)
    if not verdict.allowed:
        return ratelimit.too_many_requests(request, verdict, "order submissions")
    if services.state(request) and services.first_incomplete(request) != "review":
        return _redirect(store, services.first_incomplete(request))
    try:
        services.place_order(request, store)
    except services.OrderInProgress:
        messages.info(request, "Your order is still being placed. Please wait a moment and check again.")
        return _redirect(store, "review")
    except services.OrderLockUnavailable:
        messages.error(
            request, "We could not place your order just now; nothing was ordered. Please try again in a minute."
        )
        return _redirect(store, "review")
    except MagentoInputError as exc:
        messages.error(request, exc.message)
        return _address_problem(request, store, exc) or _cart_redirect(store)
    except MagentoNotFound as exc:
        messages.error(request, exc.message)
        return _cart_redirect(store)
    except services.OrderOutcomeUnknown:
        # Magento had the order and did not answer in time: it may well have placed it. Saying "unavailable"
        # would invite a second order; the same button, pressed again, shows the first one's confirmation.
        # (A MagentoUnavailable that escapes reached nobody: the friendly 503, nothing was ordered.)
        messages.warning(request, UNKNOWN_OUTCOME_MESSAGE)
        return _redirect(store, "review")
    return HttpResponseRedirect(f"{url_prefix(store)}/checkout/success", status=303)


def _address_problem(request: HttpRequest, store: str, exc: MagentoInputError) -> HttpResponse | None:
    """Magento's quote validator refused an address at place-order: back to that step, errors at the fields."""
    current = services.state(request)
    if exc.message.startswith("Please check the shipping address"):
        services.update_state(
            request,
            address=None,
            address_draft=current.get("address"),
            address_errors=services.field_errors(exc),
            method="",
        )
        return _redirect(store, "shipping")
    if exc.message.startswith("Please check the billing address"):
        services.update_state(request, payment="")
        return _redirect(store, "payment")
    return None  # stock and everything else: back to the cart with Magento's message


@require_http_methods(["GET"])
@private_page
def checkout_success(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_of(store_code)
    last = request.session.get(services.LAST_ORDER) or {}
    if not last.get("number"):
        return _cart_redirect(store)
    context = base_context(request, store, "Thank you for your order")
    context.update(
        order_number=last["number"], email=last.get("email", ""), signed_in=customer_session.is_signed_in(request)
    )
    return render(request, "checkout/success.html", context)

"""Account pages: thin views (parse the request, call one selector or service, render).

Rules:
- Every response is private (``Cache-Control: private, no-store``) and none is ever ``@cacheable``.
- Pages that need the customer redirect anonymous visitors to login with ``next``; a 401 from Magento
  anywhere (an expired or revoked token) is left to become "your session expired" + login with ``next``.
- ``next`` is only followed when it points at this host (``url_has_allowed_host_and_scheme``).
- Login, register and forgot-password are rate limited per client IP and per e-mail (429 + Retry-After).
- An address id in a URL is acted on only when it is in the signed-in customer's own address book (404
  otherwise); orders are looked up inside GraphQL ``customer``, so only the customer's own are found.
- Forms re-render with what the shopper typed on any error (passwords excepted); state changes are POST and
  answer with a redirect (post/redirect/get), so everything works without JavaScript.
- The password-reset link (``/customer/account/createPassword/?id=…&token=…``, Magento's shape) is
  moved into the session and the browser redirected to the bare URL, so the reset token does not linger
  in the address bar, history or Referer headers (Magento's own controller does the same).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import (
    AddressForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from accounts.types import Address
from storefront import customer_session, ratelimit
from storefront.magento import MagentoAuthError
from storefront.middleware import session_expired_response
from storefront.stores import default_store, url_prefix

View = Callable[..., HttpResponse]
_CURRENCY = re.compile(r"^[A-Z]{3}$")
RESET_ID = "accounts_reset_customer_id"
RESET_TOKEN = "accounts_reset_token"  # noqa: S105 - a session key name
RESET_SENT_MESSAGE = (
    "If there is an account associated with {email} you will receive an email with a link to reset your password."
)


def _limit(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """(attempts, window seconds) from ``settings.ACCOUNTS_RATE_LIMITS`` or the default."""
    value = getattr(settings, "ACCOUNTS_RATE_LIMITS", {}).get(name, default)
    return int(value[0]), int(value[1])


# --- decorators and helpers -----------------------------------------------------------------------------


def private(view: View) -> View:
    """No shared cache may keep any of these responses; an expired token becomes the login redirect here
    too, so even that redirect carries the private header."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except MagentoAuthError:
            response = _session_expired(request)
        except Http404:
            response = render(request, "404.html", {"search_query": ""}, status=404)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _session_expired(request: HttpRequest) -> HttpResponse:
    """The middleware's answer (token dropped, message, login with ``next``), with a better ``next`` for a
    POST: the page the form was on (the Referer's path on our host; our forms post to their own page)."""
    response = session_expired_response(request)
    if request.method == "GET":
        return response
    referer = urlsplit(request.headers.get("Referer", ""))
    same_host = referer.netloc == request.get_host() and referer.path.startswith("/")
    next_url = referer.path if same_host else request.path
    if next_url.endswith("/delete/"):  # a POST-only action: come back to the list instead
        next_url = next_url.rsplit("/", 3)[0] + "/"
    return HttpResponseRedirect(f"{settings.LOGIN_URL}?{urlencode({'next': next_url})}")


def signed_in(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not customer_session.is_signed_in(request):
            store = _store(kwargs.get("store_code"))
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{url_prefix(store)}/account/login/?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def _store(store_code: str | None) -> str:
    return store_code or default_store()


def _currency(request: HttpRequest) -> str | None:
    value = request.COOKIES.get("currency", "")
    return value if _CURRENCY.match(value) else None


def _page(request: HttpRequest, store: str, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    from catalog import selectors as catalog_selectors

    # The header, menu and footer of every page; if Magento is down this raises and the 503 page answers.
    chrome, _tags = catalog_selectors.chrome(store, _currency(request))
    base = {"chrome": chrome, "store": chrome.store, "menu": chrome.menu, "path": request.path}
    base["prefix"] = url_prefix(store)
    base["signed_in"] = customer_session.is_signed_in(request)
    return render(request, template, {**base, **context}, status=status)


def _url(store: str, path: str) -> str:
    return f"{url_prefix(store)}{path}"


def safe_next(request: HttpRequest, candidate: str | None, store: str) -> str:
    """``candidate`` if it is a path on this host (never another site, never the logout URL), else the
    dashboard."""
    fallback = _url(store, "/account/")
    if not candidate or "logout" in candidate:
        return fallback
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate if candidate.startswith("/") and not candidate.startswith("//") else fallback
    return fallback


def _apply(form: Any, errors: services.FieldErrors) -> None:
    for name, message in errors.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if errors.general:
        form.add_error(None, errors.general)


def _rate_limited(request: HttpRequest, scope: str, email: str, what: str) -> HttpResponse | None:
    limit, window = _limit(scope, (10, 300))
    verdict = ratelimit.check(scope, [ratelimit.client_ip(request), email], limit=limit, window=window)
    return None if verdict.allowed else ratelimit.too_many_requests(request, verdict, what)


# --- sign in, sign out, register ------------------------------------------------------------------------


@private
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), store)
    if request.method == "GET" and customer_session.is_signed_in(request):
        return HttpResponseRedirect(next_url)
    form = LoginForm(request.POST or None, initial={"next": next_url})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            if refused := _rate_limited(request, "login", email, "sign in"):
                return refused
            try:
                services.sign_in(request, store, email, form.cleaned_data["password"])
            except services.LoginFailed as exc:
                form.add_error(None, str(exc))
            else:
                return HttpResponseRedirect(next_url)
        status = 400
    return _page(request, store, "accounts/login.html", {"form": form, "next": next_url}, status)


@private
@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    if request.method == "GET":
        # A GET never signs anyone out (a link or an image could trigger it); offer the button instead.
        return _page(request, store, "accounts/logout.html", {})
    services.sign_out(request, store)
    messages.success(request, "You are signed out.")
    return HttpResponseRedirect(_url(store, "/"))


@private
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    if request.method == "GET" and customer_session.is_signed_in(request):
        return HttpResponseRedirect(_url(store, "/account/"))
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if refused := _rate_limited(request, "register", data["email"], "create an account"):
                return refused
            try:
                services.register(
                    request,
                    store,
                    firstname=data["firstname"],
                    lastname=data["lastname"],
                    email=data["email"],
                    password=data["password"],
                    subscribe=data["subscribe"],
                )
            except services.FieldErrors as errors:
                _apply(form, errors)
            except services.LoginFailed:
                messages.info(request, "Your account was created. Please sign in.")
                return HttpResponseRedirect(_url(store, "/account/login/"))
            else:
                messages.success(request, "Thank you for registering.")
                return HttpResponseRedirect(_url(store, "/account/"))
        status = 400
    return _page(request, store, "accounts/register.html", {"form": form}, status)


# --- account pages --------------------------------------------------------------------------------------


@private
@signed_in
def dashboard(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    data = selectors.dashboard(store, customer_session.token(request) or "")
    names = selectors.country_names(store)
    return _page(
        request, store, "accounts/dashboard.html", {"account": data, "countries": names, "section": "dashboard"}
    )


@private
@signed_in
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    token = customer_session.token(request) or ""
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(request, store, **form.cleaned_data)
            except services.FieldErrors as errors:
                _apply(form, errors)
            else:
                messages.success(request, "You saved the account information.")
                return HttpResponseRedirect(_url(store, "/account/"))
        status = 400
    else:
        current = selectors.profile(store, token)
        form = ProfileForm(
            initial={"firstname": current.firstname, "lastname": current.lastname, "email": current.email}
        )
    return _page(request, store, "accounts/profile.html", {"form": form, "section": "profile"}, status)


@private
@signed_in
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    email = str(request.session.get(customer_session.EMAIL) or "")
    form = ChangePasswordForm(request.POST or None, email=email)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_password(
                    request,
                    store,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["password"],
                )
            except services.FieldErrors as errors:
                _apply(form, errors)
            else:
                messages.success(request, "You saved the new password.")
                if customer_session.is_signed_in(request):
                    return HttpResponseRedirect(_url(store, "/account/"))
                return HttpResponseRedirect(_url(store, "/account/login/"))
        status = 400
    return _page(request, store, "accounts/password.html", {"form": form, "section": "password"}, status)


# --- password reset -------------------------------------------------------------------------------------


@private
@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    form = ForgotPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            if refused := _rate_limited(request, "forgot_password", email, "ask for a password reset"):
                return refused
            services.request_password_reset(request, store, email)
            messages.success(request, RESET_SENT_MESSAGE.format(email=email))
            return HttpResponseRedirect(_url(store, "/account/login/"))
        status = 400
    return _page(request, store, "accounts/forgot_password.html", {"form": form}, status)


def _reset_link(request: HttpRequest) -> tuple[int, str] | None:
    try:
        customer_id = int(request.session.get(RESET_ID) or 0)
    except (TypeError, ValueError):
        return None
    token = request.session.get(RESET_TOKEN)
    return (customer_id, token) if customer_id > 0 and isinstance(token, str) and token else None


@private
@require_http_methods(["GET", "POST"])
def create_password(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    if request.method == "GET" and "token" in request.GET:
        # Take the reset token out of the URL before showing anything.
        raw_id, raw_token = request.GET.get("id", ""), request.GET.get("token", "")
        request.session[RESET_ID] = int(raw_id) if raw_id.isdigit() else 0
        request.session[RESET_TOKEN] = raw_token[:128]
        return HttpResponseRedirect(request.path)
    link = _reset_link(request)
    if link is None or (request.method == "GET" and not services.reset_link_is_valid(store, *link)):
        return _page(request, store, "accounts/reset_invalid.html", {}, status=400)
    form = ResetPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reset_password(
                    request,
                    store,
                    email=form.cleaned_data["email"],
                    reset_token=link[1],
                    new_password=form.cleaned_data["password"],
                )
            except services.FieldErrors as errors:
                _apply(form, errors)
            else:
                for key in (RESET_ID, RESET_TOKEN):
                    request.session.pop(key, None)
                messages.success(request, "You updated your password. Please sign in with the new password.")
                return HttpResponseRedirect(_url(store, "/account/login/"))
        status = 400
    return _page(request, store, "accounts/reset_password.html", {"form": form}, status)


# --- address book ---------------------------------------------------------------------------------------


@private
@signed_in
def addresses(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    book = selectors.address_book(store, customer_session.token(request) or "")
    names = selectors.country_names(store)
    return _page(request, store, "accounts/addresses.html", {"book": book, "countries": names, "section": "addresses"})


def _address_initial(address: Address | None, book_name: tuple[str, str]) -> dict[str, object]:
    if address is None:
        return {"firstname": book_name[0], "lastname": book_name[1]}
    street = [*address.street, "", ""]
    return {
        "firstname": address.firstname,
        "lastname": address.lastname,
        "company": address.company,
        "telephone": address.telephone,
        "street1": street[0],
        "street2": street[1],
        "city": address.city,
        "country": address.country_code,
        "region_id": address.region_id or "",
        "region": "" if address.region_id else address.region,
        "postcode": address.postcode,
    }


@private
@signed_in
@require_http_methods(["GET", "POST"])
def address_form(request: HttpRequest, address_id: int | None = None, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    book = selectors.address_book(store, customer_session.token(request) or "")
    address = None
    if address_id is not None:
        address = book.get(address_id)
        if address is None:  # not this customer's address (or gone): never act on it
            raise Http404("No such address")
    countries = selectors.countries(store)
    if request.method == "POST":
        form = AddressForm(request.POST, countries=countries)
        if form.is_valid():
            try:
                services.save_address(request, store, form.magento_input(), address_id)
            except services.FieldErrors as errors:
                _apply(form, errors)
            else:
                messages.success(request, "You saved the address.")
                return HttpResponseRedirect(_url(store, "/account/addresses/"))
        status = 400
    else:
        initial = _address_initial(address, (book.firstname, book.lastname))
        form = AddressForm(initial=initial, countries=countries)
        status = 200
    context = {"form": form, "address": address, "section": "addresses"}
    return _page(request, store, "accounts/address_form.html", context, status)


@private
@signed_in
@require_POST
def address_delete(request: HttpRequest, address_id: int, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    book = selectors.address_book(store, customer_session.token(request) or "")
    if book.get(address_id) is None:
        raise Http404("No such address")
    try:
        services.delete_address(request, store, address_id)
    except services.FieldErrors as errors:
        messages.error(request, errors.general or "The address could not be deleted.")
    else:
        messages.success(request, "You deleted the address.")
    return HttpResponseRedirect(_url(store, "/account/addresses/"))


# --- orders ---------------------------------------------------------------------------------------------


@private
@signed_in
def orders(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    raw = request.GET.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1
    result = selectors.order_page(store, customer_session.token(request) or "", page)
    if page > 1 and page > result.total_pages:
        raise Http404("No such page")
    return _page(request, store, "accounts/orders.html", {"result": result, "section": "orders"})


@private
@signed_in
def order_detail(request: HttpRequest, number: str, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    found = selectors.order(store, customer_session.token(request) or "", number)
    if found is None:
        raise Http404("No such order")
    names = selectors.country_names(store)
    return _page(
        request, store, "accounts/order_detail.html", {"order": found, "countries": names, "section": "orders"}
    )

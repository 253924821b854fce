"""Every Magento call the accounts app makes, one function per operation (the only module here that
imports ``storefront.magento``).

Rules:
- Routes and bodies are Magento 2.4's own (magento-api.md): customer token ``POST
  /V1/integration/customer/token``, revoke ``POST …/revoke-customer-token`` (self), ``POST /V1/customers``
  (never ``group_id``), ``GET``/``PUT /V1/customers/me``, ``PUT /V1/customers/me/password``, password reset
  through ``PUT /V1/customers/password`` and ``POST /V1/customers/resetPassword``. Addresses change through
  GraphQL's address mutations and orders are read through GraphQL ``customer { orders }``: real Magento has
  neither ``/V1/customers/me/addresses`` nor ``/V1/orders/mine``.
- The token is passed to the client and nowhere else: not into errors we build, not into log lines.
- The country list is public and changes rarely, so it is kept in the shared cache for an hour.
- Errors are the client's typed errors; callers decide which ones are form errors.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache

from accounts.types import (
    Address,
    AddressBook,
    Country,
    Dashboard,
    Money,
    OrderAddress,
    OrderDetail,
    OrderLine,
    OrderPage,
    OrderSummary,
    Profile,
    Region,
)
from storefront.magento import MagentoUnavailable, get_client, load_document

Json = dict[str, Any]
COUNTRIES_TTL = 3600
RESET_TEMPLATE = "email_reset"


# --- tokens ---------------------------------------------------------------------------------------------


def create_token(store: str, email: str, password: str) -> str:
    token = get_client().rest(
        "POST", "/V1/integration/customer/token", json={"username": email, "password": password}, store=store
    )
    if not isinstance(token, str) or not token:
        raise MagentoUnavailable("Magento answered the token request without a token.", reason="garbage")
    return token


def revoke_token(store: str, token: str) -> None:
    get_client().rest("POST", "/V1/integration/customer/revoke-customer-token", store=store, token=token)


# --- the customer record --------------------------------------------------------------------------------


def create_customer(store: str, *, firstname: str, lastname: str, email: str, password: str, subscribe: bool) -> None:
    customer: Json = {
        "email": email,
        "firstname": firstname,
        "lastname": lastname,
        "extension_attributes": {"is_subscribed": subscribe},
    }
    get_client().rest("POST", "/V1/customers", json={"customer": customer, "password": password}, store=store)


def _profile(data: object) -> Profile:
    node: Json = data if isinstance(data, dict) else {}
    extension = node.get("extension_attributes") or {}
    return Profile(
        id=int(node.get("id") or 0),
        email=str(node.get("email") or ""),
        firstname=str(node.get("firstname") or ""),
        lastname=str(node.get("lastname") or ""),
        website_id=int(node.get("website_id") or 0),
        store_id=int(node.get("store_id") or 0),
        is_subscribed=bool(extension.get("is_subscribed")) if isinstance(extension, dict) else False,
        default_billing=str(node.get("default_billing") or ""),
        default_shipping=str(node.get("default_shipping") or ""),
    )


def fetch_me(store: str, token: str) -> Profile:
    """``GET /V1/customers/me``: a ``self`` route, so an expired token is a 401 here (never a guest 200)."""
    return _profile(get_client().rest("GET", "/V1/customers/me", store=store, token=token))


def update_me(store: str, token: str, current: Profile, *, firstname: str, lastname: str, email: str) -> Profile:
    # Magento saves the whole customer: send what we keep (ids, scope, default addresses) so nothing is reset,
    # and no ``addresses`` key, so the address book is left as it is.
    customer: Json = {
        "id": current.id,
        "email": email,
        "firstname": firstname,
        "lastname": lastname,
        "website_id": current.website_id,
        "store_id": current.store_id,
    }
    if current.default_billing:
        customer["default_billing"] = current.default_billing
    if current.default_shipping:
        customer["default_shipping"] = current.default_shipping
    return _profile(get_client().rest("PUT", "/V1/customers/me", json={"customer": customer}, store=store, token=token))


def change_password(store: str, token: str, current_password: str, new_password: str) -> None:
    get_client().rest(
        "PUT",
        "/V1/customers/me/password",
        json={"currentPassword": current_password, "newPassword": new_password},
        store=store,
        token=token,
    )


def initiate_password_reset(store: str, email: str) -> None:
    # No websiteId: Magento then uses the website of the store in the URL (/rest/<store>/…), which is the
    # website this storefront serves.
    get_client().rest("PUT", "/V1/customers/password", json={"email": email, "template": RESET_TEMPLATE}, store=store)


def validate_reset_link(store: str, customer_id: int, reset_token: str) -> None:
    get_client().rest(
        "GET",
        "/V1/customers/:customerId/password/resetLinkToken/:resetPasswordLinkToken",
        path_params={"customerId": customer_id, "resetPasswordLinkToken": reset_token},
        store=store,
    )


def reset_password(store: str, email: str, reset_token: str, new_password: str) -> None:
    get_client().rest(
        "POST",
        "/V1/customers/resetPassword",
        json={"email": email, "resetToken": reset_token, "newPassword": new_password},
        store=store,
    )


# --- directory ------------------------------------------------------------------------------------------


def fetch_countries(store: str) -> tuple[Country, ...]:
    key = f"accounts:countries:{store}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    data = get_client().rest("GET", "/V1/directory/countries", store=store)
    countries = tuple(
        sorted(
            (_country(node) for node in (data if isinstance(data, list) else []) if isinstance(node, dict)),
            key=lambda c: c.name.casefold(),
        )
    )
    cache.set(key, countries, COUNTRIES_TTL)
    return countries


def _country(node: Json) -> Country:
    regions = tuple(
        Region(id=int(r.get("id") or 0), code=str(r.get("code") or ""), name=str(r.get("name") or ""))
        for r in node.get("available_regions") or []
        if isinstance(r, dict)
    )
    name = node.get("full_name_locale") or node.get("full_name_english") or node.get("id") or ""
    return Country(id=str(node.get("id") or ""), name=str(name), regions=regions)


# --- GraphQL reads --------------------------------------------------------------------------------------


def _customer_query(name: str, store: str, token: str, variables: Json | None = None) -> Json:
    result = get_client().graphql(load_document("accounts", name), variables, store=store, token=token)
    customer = result.data.get("customer")
    if not isinstance(customer, dict):
        from storefront.magento import MagentoAuthError

        # Magento answers ``customer: null`` only together with an authorization error; be safe anyway.
        raise MagentoAuthError("The current customer isn't authorized.", operation=name)
    return customer


def _money(node: object) -> Money | None:
    if not isinstance(node, dict) or node.get("value") is None:
        return None
    try:
        return Money(Decimal(str(node["value"])), str(node.get("currency") or ""))
    except InvalidOperation:
        return None


def _address(node: Json) -> Address:
    region = node.get("region") or {}
    return Address(
        id=int(node.get("id") or 0),
        firstname=str(node.get("firstname") or ""),
        lastname=str(node.get("lastname") or ""),
        street=tuple(str(line) for line in node.get("street") or [] if line),
        city=str(node.get("city") or ""),
        postcode=str(node.get("postcode") or ""),
        country_code=str(node.get("country_code") or ""),
        telephone=str(node.get("telephone") or ""),
        company=str(node.get("company") or ""),
        region=str(region.get("region") or ""),
        region_code=str(region.get("region_code") or ""),
        region_id=int(region.get("region_id") or 0),
        default_billing=bool(node.get("default_billing")),
        default_shipping=bool(node.get("default_shipping")),
    )


def _addresses(customer: Json) -> tuple[Address, ...]:
    return tuple(_address(a) for a in customer.get("addresses") or [] if isinstance(a, dict))


def _summary(node: Json) -> OrderSummary:
    total = node.get("total") or {}
    return OrderSummary(
        number=str(node.get("number") or ""),
        date=str(node.get("order_date") or ""),
        status=str(node.get("status") or ""),
        total=_money(total.get("grand_total")),
    )


def fetch_dashboard(store: str, token: str, recent: int) -> Dashboard:
    customer = _customer_query("AccountDashboard", store, token, {"recent": recent})
    orders = customer.get("orders") or {}
    return Dashboard(
        firstname=str(customer.get("firstname") or ""),
        lastname=str(customer.get("lastname") or ""),
        email=str(customer.get("email") or ""),
        is_subscribed=bool(customer.get("is_subscribed")),
        addresses=_addresses(customer),
        recent_orders=tuple(_summary(o) for o in orders.get("items") or [] if isinstance(o, dict)),
        order_count=int(orders.get("total_count") or 0),
    )


def fetch_address_book(store: str, token: str) -> AddressBook:
    customer = _customer_query("CustomerAddressBook", store, token)
    return AddressBook(
        firstname=str(customer.get("firstname") or ""),
        lastname=str(customer.get("lastname") or ""),
        addresses=_addresses(customer),
    )


def fetch_orders(store: str, token: str, page: int, page_size: int) -> OrderPage:
    customer = _customer_query("CustomerOrderList", store, token, {"page": page, "pageSize": page_size})
    orders = customer.get("orders") or {}
    info = orders.get("page_info") or {}
    return OrderPage(
        orders=tuple(_summary(o) for o in orders.get("items") or [] if isinstance(o, dict)),
        page=int(info.get("current_page") or page),
        total_pages=int(info.get("total_pages") or 0),
        total_count=int(orders.get("total_count") or 0),
    )


def _order_address(node: object) -> OrderAddress | None:
    if not isinstance(node, dict):
        return None
    return OrderAddress(
        name=f"{node.get('firstname') or ''} {node.get('lastname') or ''}".strip(),
        company=str(node.get("company") or ""),
        street=tuple(str(line) for line in node.get("street") or [] if line),
        city=str(node.get("city") or ""),
        region=str(node.get("region") or ""),
        postcode=str(node.get("postcode") or ""),
        country_code=str(node.get("country_code") or ""),
        telephone=str(node.get("telephone") or ""),
    )


def _line(node: Json) -> OrderLine:
    try:
        qty = Decimal(str(node.get("quantity_ordered") or 0))
    except InvalidOperation:
        qty = Decimal(0)
    return OrderLine(
        name=str(node.get("product_name") or ""),
        sku=str(node.get("product_sku") or ""),
        qty=qty.normalize() if qty == qty.to_integral() else qty,
        price=_money(node.get("product_sale_price")),
        options=tuple(
            (str(o.get("label") or ""), str(o.get("value") or ""))
            for o in node.get("selected_options") or []
            if isinstance(o, dict)
        ),
    )


def fetch_order(store: str, token: str, number: str) -> OrderDetail | None:
    """The signed-in customer's order with this number, or None. The filter runs inside ``customer``, so
    Magento only ever searches this customer's own orders (no IDOR by construction)."""
    customer = _customer_query("CustomerOrderDetail", store, token, {"number": number})
    items = [o for o in (customer.get("orders") or {}).get("items") or [] if isinstance(o, dict)]
    node = next((o for o in items if str(o.get("number")) == number), None)
    if node is None:
        return None
    total = node.get("total") or {}
    return OrderDetail(
        summary=_summary(node),
        lines=tuple(_line(i) for i in node.get("items") or [] if isinstance(i, dict)),
        shipping_address=_order_address(node.get("shipping_address")),
        billing_address=_order_address(node.get("billing_address")),
        shipping_method=str(node.get("shipping_method") or ""),
        payment_methods=tuple(
            str(p.get("name") or "") for p in node.get("payment_methods") or [] if isinstance(p, dict)
        ),
        shipping=_money(total.get("total_shipping")),
        tax=_money(total.get("total_tax")),
    )


# --- address mutations ----------------------------------------------------------------------------------


def create_address(store: str, token: str, address: Json) -> int:
    result = get_client().graphql(
        load_document("accounts", "CreateCustomerAddress"), {"input": address}, store=store, token=token
    )
    return int((result.data.get("createCustomerAddress") or {}).get("id") or 0)


def update_address(store: str, token: str, address_id: int, address: Json) -> None:
    get_client().graphql(
        load_document("accounts", "UpdateCustomerAddress"),
        {"id": address_id, "input": address},
        store=store,
        token=token,
    )


def delete_address(store: str, token: str, address_id: int) -> None:
    get_client().graphql(
        load_document("accounts", "DeleteCustomerAddress"), {"id": address_id}, store=store, token=token
    )

"""Integration (tokens) and Customer routes (``Integration`` and ``Customer`` ``etc/webapi.xml``)."""

from __future__ import annotations

from typing import Any

from sandbox.commerce import customers, tokens
from sandbox.commerce.catalog_bridge import store
from sandbox.commerce.errors import not_authorized
from sandbox.rest import params
from sandbox.rest.routing import SELF, Call, route


@route("POST", "V1/integration/customer/token")
def customer_token(call: Call) -> str:
    return tokens.create_customer_token(call.body.get("username"), call.body.get("password"))


@route("POST", "V1/integration/customer/revoke-customer-token", SELF)
def revoke_customer_token(call: Call) -> bool:
    tokens.revoke_customer(call.customer_id)
    return True


@route("POST", "V1/integration/admin/token")
def admin_token(call: Call) -> str:
    return tokens.create_admin_token(call.body.get("username"), call.body.get("password"))


@route("POST", "V1/customers")
def create_customer(call: Call) -> dict[str, Any]:
    data = params.obj(call.body, "customer")
    assert data is not None
    if data.get("group_id") is not None and call.admin is None:
        # ValidateSyncCustomer: only Magento_Customer::manage may choose the group.
        raise not_authorized("Magento_Customer::manage")
    password = params.string(call.body, "password", optional=True)
    customer = customers.create_account(store(call.store_code), data, password)
    return customers.customer_json(customer)


@route("GET", "V1/customers/me", SELF)
def get_me(call: Call) -> dict[str, Any]:
    assert call.customer is not None
    return customers.customer_json(call.customer)


@route("PUT", "V1/customers/me", SELF)
def put_me(call: Call) -> dict[str, Any]:
    assert call.customer is not None
    data = params.obj(call.body, "customer")
    assert data is not None
    if data.get("group_id") not in (None, call.customer.group_id):
        raise not_authorized("Magento_Customer::manage")
    return customers.customer_json(customers.update_customer(call.customer, data))


@route("PUT", "V1/customers/me/password", SELF)
def change_password(call: Call) -> bool:
    assert call.customer is not None
    params.require_all(call.body, "currentPassword", "newPassword")
    return customers.change_password(call.customer, str(call.body["currentPassword"]), str(call.body["newPassword"]))


@route("GET", "V1/customers/me/billingAddress", SELF)
def default_billing(call: Call) -> dict[str, Any] | None:
    assert call.customer is not None
    return customers.default_address(call.customer, "billing")


@route("GET", "V1/customers/me/shippingAddress", SELF)
def default_shipping(call: Call) -> dict[str, Any] | None:
    assert call.customer is not None
    return customers.default_address(call.customer, "shipping")


@route("PUT", "V1/customers/password")
def initiate_password_reset(call: Call) -> bool:
    params.require_all(call.body, "email", "template")
    website_id = params.integer(call.body, "websiteId", optional=True)
    if website_id is None:
        website_id = store(call.store_code).website_id
    return customers.initiate_password_reset(str(call.body["email"]), str(call.body["template"]), website_id)


@route("POST", "V1/customers/resetPassword")
def reset_password(call: Call) -> bool:
    params.require_all(call.body, "email", "resetToken", "newPassword")
    return customers.reset_password(
        str(call.body["email"]), str(call.body["resetToken"]), str(call.body["newPassword"])
    )


@route("GET", "V1/customers/:customerId/password/resetLinkToken/:resetPasswordLinkToken")
def validate_reset_link(call: Call) -> bool:
    customer_id = params.as_int(call.params["customerId"])
    return customers.validate_reset_token(customer_id, call.params["resetPasswordLinkToken"])


@route("POST", "V1/customers/isEmailAvailable")
def is_email_available(call: Call) -> bool:
    params.require_all(call.body, "customerEmail")
    return customers.is_email_available(str(call.body["customerEmail"]))

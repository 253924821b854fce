"""GraphQL resolvers for customers, their orders, tokens, addresses and guest order lookup.

Rules (CustomerGraphQl / SalesGraphQl 2.4.8):
- a request carrying ``Authorization: Bearer <bad|expired|revoked token>`` fails as a whole with
  ``graphql-authentication`` (AuthorizationRequestValidator), even for catalog queries;
- ``customer``, ``revokeCustomerToken`` and the address mutations without a customer token fail with
  ``graphql-authorization`` "The current customer isn't authorized.";
- service errors keep their family: NoSuchEntity → ``graphql-no-such-entity``, authentication →
  ``graphql-authentication``, input → ``graphql-input``; messages are rendered (placeholders filled);
- an address id that is not the caller's is refused with Magento's authorization message (no IDOR).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from graphql import DocumentNode, GraphQLResolveInfo

from sandbox.commerce import addresses, orders, tokens
from sandbox.commerce.errors import MagentoError
from sandbox.commerce.models import Customer, CustomerAddress
from sandbox.graphql import registry
from sandbox.graphql.context import RequestContext
from sandbox.graphql.registry import (
    GraphQLAuthentication,
    GraphQLAuthorization,
    GraphQLInput,
    GraphQLNoSuchEntity,
    resolver,
    type_resolver,
)

NOT_AUTHORIZED = "The current customer isn't authorized."
ERROR_CLASSES: dict[str, type[registry.MagentoGraphQLError]] = {
    "graphql-no-such-entity": GraphQLNoSuchEntity,
    "graphql-authorization": GraphQLAuthorization,
    "graphql-authentication": GraphQLAuthentication,
    "graphql-input": GraphQLInput,
}


def validate_bearer(context: RequestContext, document: DocumentNode) -> None:
    """Runs before execution for every request (registered with the view below)."""
    if not context.token:
        return
    caller, reason = tokens.inspect(context.token)
    if caller is None:
        raise GraphQLAuthentication(reason)


def _register_validator() -> None:
    from sandbox.graphql import view

    if validate_bearer not in view.REQUEST_VALIDATORS:
        view.REQUEST_VALIDATORS.append(validate_bearer)


_register_validator()


def _graphql_error(error: MagentoError) -> registry.MagentoGraphQLError:
    return ERROR_CLASSES.get(error.category, GraphQLInput)(error.rendered())


def _customer(info: GraphQLResolveInfo) -> Customer:
    context: RequestContext = info.context
    caller = tokens.resolve(context.token) if context.token else None
    if caller is None or caller.customer is None:
        raise GraphQLAuthorization(NOT_AUTHORIZED)
    return caller.customer


# --- queries ---------------------------------------------------------------------------------------


def _address_json(address: CustomerAddress, customer: Customer) -> dict[str, Any]:
    return {
        "city": address.city,
        "company": address.company or None,
        "country_code": address.country_id,
        "default_billing": customer.default_billing == address.id,
        "default_shipping": customer.default_shipping == address.id,
        "fax": address.fax or None,
        "firstname": address.firstname,
        "id": address.id,
        "lastname": address.lastname,
        "middlename": address.middlename or None,
        "postcode": address.postcode,
        "prefix": address.prefix or None,
        "region": {
            "region": address.region or None,
            "region_code": address.region_code or None,
            "region_id": address.region_id,
        },
        "region_id": address.region_id,
        "street": list(address.street),
        "suffix": address.suffix or None,
        "telephone": address.telephone,
        "vat_id": address.vat_id or None,
    }


@resolver("Query", "customer", cacheable=False)
def resolve_customer(root: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    customer = _customer(info)
    return {
        "_model": customer,
        "addresses": [_address_json(a, customer) for a in customer.addresses.all()],
        "created_at": customer.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "date_of_birth": customer.dob or None,
        "default_billing": str(customer.default_billing) if customer.default_billing else None,
        "default_shipping": str(customer.default_shipping) if customer.default_shipping else None,
        "email": customer.email,
        "firstname": customer.firstname,
        "gender": customer.gender or None,
        "is_subscribed": customer.is_subscribed,
        "lastname": customer.lastname,
        "middlename": customer.middlename or None,
        "prefix": customer.prefix or None,
        "suffix": customer.suffix or None,
        "taxvat": customer.taxvat or None,
    }


@resolver("Customer", "orders")
def resolve_customer_orders(
    root: dict[str, Any],
    info: GraphQLResolveInfo,
    currentPage: int = 1,
    pageSize: int = 20,
    filter: dict[str, Any] | None = None,
    sort: dict[str, Any] | None = None,
    scope: str | None = None,
) -> dict[str, Any]:
    context: RequestContext = info.context
    try:
        return orders.customer_orders(
            root["_model"],
            store_code=context.store_code,
            filter_spec=filter,
            current_page=currentPage,
            page_size=pageSize,
            sort=sort,
            scope=scope,
        )
    except MagentoError as error:
        raise _graphql_error(error) from None


@resolver("Query", "guestOrder", cacheable=False)
def resolve_guest_order(root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    try:
        return orders.guest_order(input["number"], input["email"], input["lastname"])
    except MagentoError as error:
        raise _graphql_error(error) from None


@resolver("Query", "guestOrderByToken", cacheable=False)
def resolve_guest_order_by_token(root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    try:
        return orders.guest_order_by_token(input["token"])
    except MagentoError as error:
        raise _graphql_error(error) from None


@type_resolver("OrderItemInterface")
def order_item_type(value: Any, info: GraphQLResolveInfo, abstract_type: Any) -> str:
    return "OrderItem"


# --- mutations -------------------------------------------------------------------------------------


@resolver("Mutation", "generateCustomerToken")
def resolve_generate_token(root: Any, info: GraphQLResolveInfo, email: str, password: str) -> dict[str, str]:
    if not email.strip():
        raise GraphQLInput('Specify the "email" value.')
    if not password.strip():
        raise GraphQLInput('Specify the "password" value.')
    try:
        return {"token": tokens.create_customer_token(email, password)}
    except MagentoError as error:
        raise _graphql_error(error) from None


@resolver("Mutation", "revokeCustomerToken")
def resolve_revoke_token(root: Any, info: GraphQLResolveInfo) -> dict[str, bool]:
    customer = _customer(info)
    tokens.revoke_customer(customer.id)
    return {"result": True}


def _address_input(data: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """CustomerAddressInput → the REST-style dict ``addresses.normalize`` reads (merged over ``base``)."""
    raw = dict(base or {})
    for key, value in data.items():
        if key in ("country_code", "default_billing", "default_shipping"):
            continue
        raw[key] = value
    if data.get("country_code"):
        raw["country_id"] = data["country_code"]
    return raw


def _validated(raw: dict[str, Any]) -> dict[str, Any]:
    normalized = addresses.normalize(raw)
    found = addresses.problems(normalized)
    if found:
        raise GraphQLInput(" ".join(problem.rendered() for problem in found))
    return normalized


def _set_defaults(customer: Customer, address: CustomerAddress, data: dict[str, Any]) -> None:
    if data.get("default_billing"):
        customer.default_billing = address.id
    elif data.get("default_billing") is False and customer.default_billing == address.id:
        customer.default_billing = None
    if data.get("default_shipping"):
        customer.default_shipping = address.id
    elif data.get("default_shipping") is False and customer.default_shipping == address.id:
        customer.default_shipping = None
    customer.save()


@resolver("Mutation", "createCustomerAddress")
def resolve_create_address(root: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    customer = _customer(info)
    normalized = _validated(_address_input(input))
    with transaction.atomic():
        address = CustomerAddress.objects.create(customer=customer, **addresses.customer_address_fields(normalized))
        _set_defaults(customer, address, input)
    return _address_json(address, customer)


def _own_address(customer: Customer, address_id: int) -> CustomerAddress:
    address = CustomerAddress.objects.filter(id=address_id).first()
    if address is None:
        raise GraphQLNoSuchEntity(f'Could not find a address with ID "{address_id}"')
    if address.customer_id != customer.id:
        raise GraphQLAuthorization(f'Current customer does not have permission to address with ID "{address_id}"')
    return address


@resolver("Mutation", "updateCustomerAddress")
def resolve_update_address(
    root: Any,
    info: GraphQLResolveInfo,
    id: int,
    input: dict[str, Any] | None = None,
) -> dict[str, Any]:
    customer = _customer(info)
    address = _own_address(customer, id)
    data = input or {}
    base = addresses.from_customer_address(address)
    base["region"] = {"region": address.region, "region_code": address.region_code, "region_id": address.region_id}
    normalized = _validated(_address_input(data, base))
    with transaction.atomic():
        for name, value in addresses.customer_address_fields(normalized).items():
            setattr(address, name, value)
        address.save()
        _set_defaults(customer, address, data)
    return _address_json(address, customer)


@resolver("Mutation", "deleteCustomerAddress")
def resolve_delete_address(root: Any, info: GraphQLResolveInfo, id: int) -> bool:
    customer = _customer(info)
    address = _own_address(customer, id)
    if customer.default_billing == address.id:
        raise GraphQLInput(f"Customer Address {id} is set as default billing address and can not be deleted")
    if customer.default_shipping == address.id:
        raise GraphQLInput(f"Customer Address {id} is set as default shipping address and can not be deleted")
    address.delete()
    return True

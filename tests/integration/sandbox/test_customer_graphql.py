"""Sandbox GraphQL: customer, orders (filter/sort/paging), tokens, address mutations, auth categories."""

from __future__ import annotations

import pytest

from tests.integration.sandbox.commerce_helpers import DEMO_EMAIL, DEMO_PASSWORD, US_ADDRESS, Rest, graphql
from tests.support.sandbox import SandboxProcess

CUSTOMER = """{ customer { firstname lastname email default_billing
  addresses { id city default_billing region { region_code region_id } country_code street } } }"""
CREATE_ADDRESS = """mutation($input: CustomerAddressInput!) {
  createCustomerAddress(input: $input) { id city default_shipping region { region_code } } }"""


@pytest.fixture
def rest(clean_sandbox: SandboxProcess) -> Rest:
    return Rest(clean_sandbox)


def login(sandbox: SandboxProcess, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> str:
    _, result = graphql(
        sandbox,
        "mutation($e: String!, $p: String!) { generateCustomerToken(email: $e, password: $p) { token } }",
        {"e": email, "p": password},
    )
    return result["data"]["generateCustomerToken"]["token"]


def test_customer_with_addresses(clean_sandbox: SandboxProcess) -> None:
    _, result = graphql(clean_sandbox, CUSTOMER, token=login(clean_sandbox))
    customer = result["data"]["customer"]
    assert (customer["firstname"], customer["email"]) == ("Veronica", DEMO_EMAIL)
    default = next(a for a in customer["addresses"] if a["default_billing"])
    assert customer["default_billing"] == str(default["id"])
    assert default["region"] == {"region_code": "MI", "region_id": 33} and default["country_code"] == "US"


def test_customer_without_token_is_an_authorization_error(clean_sandbox: SandboxProcess) -> None:
    _, result = graphql(clean_sandbox, "{ customer { email } }")
    error = result["errors"][0]
    assert error["message"] == "The current customer isn't authorized."
    assert error["extensions"]["category"] == "graphql-authorization"
    assert result["data"] == {"customer": None}


def test_bad_or_revoked_token_fails_the_whole_request(clean_sandbox: SandboxProcess) -> None:
    _, result = graphql(clean_sandbox, "{ countries { id } }", token="garbage-token")
    assert "data" not in result
    assert result["errors"][0]["extensions"]["category"] == "graphql-authentication"
    token = login(clean_sandbox)
    _, revoked = graphql(clean_sandbox, "mutation { revokeCustomerToken { result } }", token=token)
    assert revoked["data"]["revokeCustomerToken"] == {"result": True}
    _, after = graphql(clean_sandbox, "{ customer { email } }", token=token)
    assert after["errors"][0]["extensions"]["category"] == "graphql-authentication"
    assert after["errors"][0]["message"] == "Token was revoked"


def test_wrong_password_on_generate_token(clean_sandbox: SandboxProcess) -> None:
    _, result = graphql(
        clean_sandbox,
        'mutation { generateCustomerToken(email: "roni_cost@example.com", password: "Wrong-pass1") { token } }',
    )
    assert result["errors"][0]["extensions"]["category"] == "graphql-authentication"


def test_orders_filter_sort_and_paging(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    token = login(clean_sandbox)
    query = """query($f: CustomerOrdersFilterInput, $p: Int, $s: Int, $sort: CustomerOrderSortInput) {
      customer { orders(filter: $f, currentPage: $p, pageSize: $s, sort: $sort) {
        total_count page_info { current_page page_size total_pages }
        items { id number order_date status
          total { grand_total { value currency } subtotal { value } total_shipping { value } total_tax { value } }
          billing_address { firstname street } } } } }"""
    _, result = graphql(clean_sandbox, query, {"p": 1, "s": 10}, token=token)
    orders = result["data"]["customer"]["orders"]
    assert orders["total_count"] == 1
    seeded = orders["items"][0]
    assert seeded["status"] == "Complete" and seeded["total"]["grand_total"] == {"value": 114.0, "currency": "USD"}
    parts = seeded["total"]["subtotal"]["value"] + seeded["total"]["total_shipping"]["value"]
    assert seeded["total"]["subtotal"]["value"] > 0 and parts + seeded["total"]["total_tax"]["value"] == 114.0
    assert seeded["billing_address"]["street"] == ["6146 Honey Bluff Parkway"]
    _, filtered = graphql(clean_sandbox, query, {"f": {"number": {"eq": "nope"}}}, token=token)
    assert filtered["data"]["customer"]["orders"]["total_count"] == 0
    _, matched = graphql(clean_sandbox, query, {"f": {"number": {"eq": seeded["number"]}}}, token=token)
    assert matched["data"]["customer"]["orders"]["items"][0]["id"] == seeded["id"]
    _, page2 = graphql(clean_sandbox, query, {"p": 2, "s": 1}, token=token)
    assert page2["data"]["customer"]["orders"]["items"] == []
    assert page2["data"]["customer"]["orders"]["page_info"] == {"current_page": 2, "page_size": 1, "total_pages": 1}
    _, bad = graphql(clean_sandbox, query, {"s": 0}, token=token)
    assert bad["errors"][0]["message"] == "pageSize value must be greater than 0."


def test_address_mutations_and_idor(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    _, token = rest.register()
    new = {
        "firstname": "Ana", "lastname": "Lima", "street": ["1 Main St"], "city": "Austin",
        "region": {"region_code": "TX"}, "country_code": "US", "postcode": "78701", "telephone": "555",
        "default_shipping": True,
    }  # fmt: skip
    _, created = graphql(clean_sandbox, CREATE_ADDRESS, {"input": new}, token=token)
    address = created["data"]["createCustomerAddress"]
    assert address["city"] == "Austin" and address["default_shipping"] is True
    assert address["region"] == {"region_code": "TX"}
    _, invalid = graphql(clean_sandbox, CREATE_ADDRESS, {"input": {**new, "city": ""}}, token=token)
    assert invalid["errors"][0]["extensions"]["category"] == "graphql-input"
    update = 'mutation($id: Int!) { updateCustomerAddress(id: $id, input: {city: "Dallas"}) { city } }'
    _, updated = graphql(clean_sandbox, update, {"id": address["id"]}, token=token)
    assert updated["data"]["updateCustomerAddress"] == {"city": "Dallas"}
    demo_address = rest.ok("GET", "customers/me", token=rest.login())["addresses"][1]["id"]
    _, stolen = graphql(clean_sandbox, update, {"id": demo_address}, token=token)
    assert stolen["errors"][0]["extensions"]["category"] == "graphql-authorization"
    _, deleted = graphql(
        clean_sandbox, "mutation($id: Int!) { deleteCustomerAddress(id: $id) }", {"id": demo_address}, token=token
    )
    assert deleted["errors"][0]["extensions"]["category"] == "graphql-authorization"
    assert len(rest.ok("GET", "customers/me", token=rest.login())["addresses"]) == 2
    _, in_use = graphql(
        clean_sandbox, "mutation($id: Int!) { deleteCustomerAddress(id: $id) }", {"id": address["id"]}, token=token
    )
    assert "default shipping address" in in_use["errors"][0]["message"]


def test_rest_address_is_visible_in_graphql(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    me, token = rest.register(addresses=[US_ADDRESS])
    _, result = graphql(clean_sandbox, CUSTOMER, token=token)
    assert [a["city"] for a in result["data"]["customer"]["addresses"]] == ["Los Angeles"]
    assert result["data"]["customer"]["email"] == me["email"]

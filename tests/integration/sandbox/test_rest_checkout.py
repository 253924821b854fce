"""Sandbox REST: guest and customer checkout, place order (once), stock at place-order, guest order lookup."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from tests.integration.sandbox.commerce_helpers import (
    ADMIN,
    US_ADDRESS,
    Rest,
    configurable_child,
    graphql,
    product_qty,
    shipping_info,
)
from tests.support.sandbox import SandboxProcess

PAYMENT = {"method": "checkmo"}


@pytest.fixture
def rest(clean_sandbox: SandboxProcess) -> Rest:
    return Rest(clean_sandbox)


def ready_guest_cart(rest: Rest, sku: str, qty: int = 1) -> str:
    cart = rest.ok("POST", "guest-carts")
    rest.ok("POST", f"guest-carts/{cart}/items", {"cartItem": {"sku": sku, "qty": qty}})
    rest.ok("POST", f"guest-carts/{cart}/shipping-information", shipping_info())
    return cart


def test_guest_checkout_places_one_order_and_closes_the_cart(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    stock_before = product_qty(clean_sandbox, child.sku)
    cart = ready_guest_cart(rest, child.sku, 2)
    body = {"email": "guest@example.com", "paymentMethod": PAYMENT, "billingAddress": US_ADDRESS}
    order_id = rest.ok("POST", f"guest-carts/{cart}/payment-information", body)
    assert isinstance(order_id, int) and order_id > 0
    assert product_qty(clean_sandbox, child.sku) == stock_before - 2
    # Every cart route but the plain GET now answers 404; the GET shows the reserved order number.
    assert rest.get(f"guest-carts/{cart}/items").status == 404
    assert rest.post(f"guest-carts/{cart}/payment-information", body).status == 404
    closed = rest.ok("GET", f"guest-carts/{cart}")
    assert closed["is_active"] is False
    number = closed["reserved_order_id"]
    assert len(number) == 9 and number.isdigit()
    _, result = graphql(
        clean_sandbox,
        "query($i: OrderInformationInput!) { guestOrder(input: $i) { number email status"
        " total { grand_total { value currency } } items { product_sku quantity_ordered } } }",
        {"i": {"number": number, "email": "guest@example.com", "lastname": US_ADDRESS["lastname"]}},
    )
    order = result["data"]["guestOrder"]
    assert order["number"] == number and order["status"] == "Pending"
    assert order["items"] == [{"product_sku": child.sku, "quantity_ordered": 2.0}]
    assert Decimal(str(order["total"]["grand_total"]["value"])) == Decimal(str(child.price)) * 2 + 10
    _, wrong = graphql(
        clean_sandbox,
        "query($i: OrderInformationInput!) { guestOrder(input: $i) { number } }",
        {"i": {"number": number, "email": "someone@else.com", "lastname": "Lima"}},
    )
    assert wrong["errors"][0]["extensions"]["category"] == "graphql-no-such-entity"


def test_place_order_validation_messages(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    cart = rest.ok("POST", "guest-carts")
    rest.ok("POST", f"guest-carts/{cart}/items", {"cartItem": {"sku": child.sku, "qty": 1}})
    no_email = rest.post(f"guest-carts/{cart}/payment-information", {"paymentMethod": PAYMENT})
    assert no_email.status == 400 and no_email.body["parameters"] == {"fieldName": "email"}
    no_address = rest.post(
        f"guest-carts/{cart}/payment-information", {"email": "g@example.com", "paymentMethod": PAYMENT}
    )
    assert no_address.status == 400
    assert no_address.body["message"] == "Please check the shipping address information. %1"
    rest.ok("POST", f"guest-carts/{cart}/shipping-information", shipping_info())
    ok = rest.post(f"guest-carts/{cart}/payment-information", {"email": "g@example.com", "paymentMethod": PAYMENT})
    assert ok.status == 200  # the address set with shipping-information doubles as billing


def test_two_simultaneous_place_orders_make_one_order(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    stock_before = product_qty(clean_sandbox, child.sku)
    cart = ready_guest_cart(rest, child.sku)
    body = {"email": "race@example.com", "paymentMethod": PAYMENT}
    barrier = threading.Barrier(2)
    replies = []

    def place() -> None:
        client = Rest(clean_sandbox)
        barrier.wait()
        replies.append(client.post(f"guest-carts/{cart}/payment-information", body))

    threads = [threading.Thread(target=place) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.status for r in replies) == [200, 404], replies
    assert product_qty(clean_sandbox, child.sku) == stock_before - 1


def test_stock_is_rechecked_at_place_order(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    cart = ready_guest_cart(rest, child.sku, 2)
    admin = rest.ok("POST", "integration/admin/token", ADMIN)
    rest.ok(
        "PUT", f"products/{child.sku}", {"product": {"extension_attributes": {"stock_item": {"qty": 1}}}}, token=admin
    )
    reply = rest.post(f"guest-carts/{cart}/payment-information", {"email": "g@example.com", "paymentMethod": PAYMENT})
    assert reply.status == 400
    assert reply.body["message"] == "Not all of your products are available in the requested quantity."
    assert rest.ok("GET", f"guest-carts/{cart}")["is_active"] is True  # nothing was half-done
    assert product_qty(clean_sandbox, child.sku) == 1


def test_customer_checkout_and_order_history(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    me, token = rest.register(addresses=[{**US_ADDRESS, "default_billing": True, "default_shipping": True}])
    rest.ok("POST", "carts/mine", token=token)
    rest.ok("POST", "carts/mine/items", {"cartItem": {"sku": child.sku, "qty": 1}}, token=token)
    book_id = me["addresses"][0]["id"]
    info = {
        "addressInformation": {
            "shipping_address": {"customer_address_id": book_id},
            "billing_address": {"customer_address_id": book_id},
            "shipping_carrier_code": "flatrate",
            "shipping_method_code": "flatrate",
        }
    }
    details = rest.ok("POST", "carts/mine/shipping-information", info, token=token)
    assert details["totals"]["shipping_amount"] == 5
    order_id = rest.ok("PUT", "carts/mine/order", {"paymentMethod": PAYMENT}, token=token)
    assert isinstance(order_id, int)
    assert rest.get("carts/mine/items", token=token).status == 404  # no active cart any more
    _, result = graphql(
        clean_sandbox,
        "{ customer { email orders { total_count items { number status shipping_method"
        " shipping_address { city region country_code } payment_methods { type name }"
        " items { product_name product_sku quantity_ordered product_sale_price { value currency } } } } } }",
        token=token,
    )
    orders = result["data"]["customer"]["orders"]
    assert orders["total_count"] == 1
    order = orders["items"][0]
    assert order["shipping_address"] == {"city": "Los Angeles", "region": "California", "country_code": "US"}
    assert order["payment_methods"] == [{"type": "checkmo", "name": "Check / Money order"}]
    assert order["shipping_method"] == "Flat Rate - Fixed"
    assert order["items"][0]["product_sku"] == child.sku
    assert order["items"][0]["product_sale_price"] == {"value": child.price, "currency": "USD"}


def test_bad_token_on_anonymous_route_runs_as_guest(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    cart = rest.ok("POST", "guest-carts", token="expired-or-garbage")
    child = configurable_child(clean_sandbox)
    item = rest.ok("POST", f"guest-carts/{cart}/items", {"cartItem": {"sku": child.sku, "qty": 1}}, token="garbage")
    assert item["sku"] == child.sku
    assert rest.get("carts/mine", token="garbage").status == 401


def test_customer_cannot_read_another_customers_orders(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    _, token = rest.register()
    _, result = graphql(clean_sandbox, "{ customer { orders { total_count items { number } } } }", token=token)
    assert result["data"]["customer"]["orders"] == {"total_count": 0, "items": []}
    demo = rest.login()
    _, mine = graphql(clean_sandbox, "{ customer { orders { total_count items { number } } } }", token=demo)
    assert mine["data"]["customer"]["orders"]["total_count"] == 1
    number = mine["data"]["customer"]["orders"]["items"][0]["number"]
    _, guest = graphql(
        clean_sandbox,
        "query($i: OrderInformationInput!) { guestOrder(input: $i) { number } }",
        {"i": {"number": number, "email": "roni_cost@example.com", "lastname": "Costello"}},
    )
    assert guest["errors"][0]["extensions"]["category"] == "graphql-authorization"


@pytest.mark.parametrize("prefix", ["guest", "mine"])
def test_every_cart_twin_route(rest: Rest, clean_sandbox: SandboxProcess, prefix: str) -> None:
    """The same walk through both prefixes: shapes, then place order with PUT .../order."""
    token = None
    if prefix == "guest":
        base = "guest-carts/" + rest.ok("POST", "guest-carts")
    else:
        _, token = rest.register()
        rest.ok("POST", "carts/mine", token=token)
        base = "carts/mine"
    child = configurable_child(clean_sandbox)
    item = rest.ok("POST", f"{base}/items", {"cartItem": {"sku": child.sku, "qty": 3}}, token=token)
    assert rest.ok("PUT", f"{base}/items/{item['item_id']}", {"cartItem": {"qty": 2}}, token=token)["qty"] == 2
    assert [i["qty"] for i in rest.ok("GET", f"{base}/items", token=token)] == [2]
    assert rest.ok("PUT", f"{base}/coupons/h20", token=token) is True  # codes are case-insensitive
    assert rest.ok("GET", f"{base}/coupons", token=token) == "H20"
    estimate = rest.ok(
        "POST",
        f"{base}/totals-information",
        {
            "addressInformation": {
                "address": US_ADDRESS,
                "shipping_carrier_code": "flatrate",
                "shipping_method_code": "flatrate",
            }
        },
        token=token,
    )
    assert estimate["shipping_amount"] == 10 and estimate["coupon_code"] == "H20"
    assert rest.ok("GET", f"{base}/totals", token=token)["shipping_amount"] == 0  # the estimate saved nothing
    billing_id = rest.ok(
        "POST", f"{base}/billing-address", {"address": US_ADDRESS, "useForShipping": True}, token=token
    )
    assert rest.ok("GET", f"{base}/billing-address", token=token)["id"] == billing_id
    assert [m["carrier_code"] for m in rest.ok("GET", f"{base}/shipping-methods", token=token)] == ["flatrate"]
    collected = rest.ok(
        "PUT",
        f"{base}/collect-totals",
        {"paymentMethod": PAYMENT, "shippingCarrierCode": "flatrate", "shippingMethodCode": "flatrate"},
        token=token,
    )
    assert collected["shipping_amount"] == 10
    assert rest.ok("GET", f"{base}/selected-payment-method", token=token)["method"] == "checkmo"
    body = {"paymentMethod": PAYMENT, "billingAddress": US_ADDRESS}
    if prefix == "guest":
        body["email"] = "twin@example.com"
    assert isinstance(rest.ok("POST", f"{base}/set-payment-information", body, token=token), int)
    info = rest.ok("GET", f"{base}/payment-information", token=token)
    assert info["payment_methods"][0]["code"] == "checkmo" and info["totals"]["grand_total"] == collected["grand_total"]
    assert rest.ok("DELETE", f"{base}/coupons", token=token) is True
    order_id = rest.ok("PUT", f"{base}/order", {"paymentMethod": PAYMENT}, token=token)
    assert isinstance(order_id, int)
    assert rest.get(f"{base}/totals", token=token).status == 404


def test_free_payment_only_when_nothing_to_pay(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    rest_admin = rest.ok("POST", "integration/admin/token", ADMIN)
    child = configurable_child(clean_sandbox)
    rest.ok("PUT", f"products/{child.sku}", {"product": {"price": 0}}, token=rest_admin)
    cart = rest.ok("POST", "guest-carts")
    rest.ok("POST", f"guest-carts/{cart}/items", {"cartItem": {"sku": child.sku, "qty": 1}})
    rest.ok("PUT", f"guest-carts/{cart}/coupons/FREESHIP")
    rest.ok("POST", f"guest-carts/{cart}/shipping-information", shipping_info())
    assert rest.ok("GET", f"guest-carts/{cart}/payment-methods") == [
        {"code": "free", "title": "No Payment Information Required"}
    ]
    refused = rest.post(f"guest-carts/{cart}/payment-information", {"email": "z@example.com", "paymentMethod": PAYMENT})
    assert refused.status == 400
    placed = rest.post(
        f"guest-carts/{cart}/payment-information", {"email": "z@example.com", "paymentMethod": {"method": "free"}}
    )
    assert placed.status == 200

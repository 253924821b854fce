"""Sandbox REST: guest and customer carts — items, stock, coupons, totals, shipping, payment, merge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.integration.sandbox.commerce_helpers import (
    US_ADDRESS,
    Rest,
    attribute_ids,
    configurable_child,
    out_of_stock_simple,
    shipping_info,
    simple_product,
)
from tests.support.sandbox import SandboxProcess


def cents(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.fixture
def rest(clean_sandbox: SandboxProcess) -> Rest:
    return Rest(clean_sandbox)


@pytest.fixture
def cart(rest: Rest) -> str:
    return rest.ok("POST", "guest-carts")


def add(rest: Rest, cart: str, sku: str, qty: float = 1, **extra: object) -> dict:
    return rest.ok(
        "POST", f"guest-carts/{cart}/items", {"cartItem": {"sku": sku, "qty": qty, "quote_id": cart, **extra}}
    )


def test_guest_cart_is_created_with_a_32_character_masked_id(rest: Rest, cart: str) -> None:
    assert len(cart) == 32 and cart.isalnum()
    body = rest.ok("GET", f"guest-carts/{cart}")
    assert body["is_active"] is True and body["items"] == [] and body["customer_is_guest"] is True
    missing = rest.get("guest-carts/" + "x" * 32)
    assert missing.status == 404
    assert missing.body == {
        "message": "No such entity with %fieldName = %fieldValue",
        "parameters": {"fieldName": "cartId", "fieldValue": "x" * 32},
    }


def test_configurable_added_by_parent_and_options_stores_the_child(
    rest: Rest, cart: str, clean_sandbox: SandboxProcess
) -> None:
    child = configurable_child(clean_sandbox)
    attrs = attribute_ids(clean_sandbox)
    options = [
        {"option_id": str(attrs["color"]), "option_value": child.color},
        {"option_id": str(attrs["size"]), "option_value": child.size},
    ]
    item = add(
        rest, cart, child.parent_sku, 1,
        product_option={"extension_attributes": {"configurable_item_options": options}},
    )  # fmt: skip
    assert item["sku"] == child.sku and item["product_type"] == "configurable"
    assert item["quote_id"] == cart and item["price"] == child.price
    assert item["product_option"]["extension_attributes"]["configurable_item_options"] == options
    # Adding the child SKU directly lands on the same line.
    again = add(rest, cart, child.sku, 2)
    assert again["item_id"] == item["item_id"] and again["qty"] == 3
    assert len(rest.ok("GET", f"guest-carts/{cart}/items")) == 1


def test_configurable_without_options_is_refused(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    reply = rest.post(f"guest-carts/{cart}/items", {"cartItem": {"sku": child.parent_sku, "qty": 1}})
    assert reply.status == 400 and reply.body["message"] == "You need to choose options for your item."


def test_stock_and_product_errors(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    unknown = rest.post(f"guest-carts/{cart}/items", {"cartItem": {"sku": "NO-SUCH-SKU", "qty": 1}})
    assert unknown.status == 404
    assert unknown.body["message"] == "The product that was requested doesn't exist. Verify the product and try again."
    sold_out = rest.post(
        f"guest-carts/{cart}/items", {"cartItem": {"sku": out_of_stock_simple(clean_sandbox), "qty": 1}}
    )
    assert sold_out.status == 400 and sold_out.body["message"] == "Product that you are trying to add is not available."
    child = configurable_child(clean_sandbox)
    too_many = rest.post(f"guest-carts/{cart}/items", {"cartItem": {"sku": child.sku, "qty": child.qty + 1}})
    assert too_many.status == 400 and too_many.body["message"] == "The requested qty is not available"
    for bad in (0, -1, "abc"):
        reply = rest.post(f"guest-carts/{cart}/items", {"cartItem": {"sku": child.sku, "qty": bad}})
        assert reply.status == 400, bad
        assert reply.body["message"] == 'Invalid value of "%value" provided for the %fieldName field.'
    missing = rest.post(f"guest-carts/{cart}/items", {})
    assert missing.status == 400 and missing.body["parameters"] == {"fieldName": "cartItem"}


def test_update_and_delete_items(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    item = add(rest, cart, child.sku)
    updated = rest.ok("PUT", f"guest-carts/{cart}/items/{item['item_id']}", {"cartItem": {"qty": 4, "quote_id": cart}})
    assert updated["qty"] == 4
    over = rest.put(f"guest-carts/{cart}/items/{item['item_id']}", {"cartItem": {"qty": child.qty + 5}})
    assert over.status == 400 and over.body["message"] == "The requested qty is not available"
    assert rest.ok("DELETE", f"guest-carts/{cart}/items/{item['item_id']}") is True
    gone = rest.delete(f"guest-carts/{cart}/items/{item['item_id']}")
    assert gone.status == 404 and gone.body["message"] == "The %1 Cart doesn't contain the %2 item."


def test_totals_with_coupon_and_flat_rate(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    add(rest, cart, child.sku, 2)
    assert rest.ok("PUT", f"guest-carts/{cart}/coupons/H20") is True
    assert rest.ok("GET", f"guest-carts/{cart}/coupons") == "H20"
    details = rest.ok("POST", f"guest-carts/{cart}/shipping-information", shipping_info())
    totals = details["totals"]
    subtotal = cents(child.price * 2)
    discount = cents(subtotal * Decimal("0.2"))
    assert cents(totals["subtotal"]) == subtotal
    assert cents(totals["discount_amount"]) == -discount
    assert cents(totals["shipping_amount"]) == Decimal("10.00")  # $5 per unit
    assert cents(totals["grand_total"]) == subtotal - discount + Decimal("10.00")
    codes = [s["code"] for s in totals["total_segments"]]
    assert codes == ["subtotal", "shipping", "discount", "tax", "grand_total"]
    assert details["payment_methods"] == [{"code": "checkmo", "title": "Check / Money order"}]
    assert rest.ok("GET", f"guest-carts/{cart}/totals")["grand_total"] == totals["grand_total"]
    assert rest.ok("DELETE", f"guest-carts/{cart}/coupons") is True
    assert cents(rest.ok("GET", f"guest-carts/{cart}/totals")["discount_amount"]) == 0


def test_invalid_coupon_and_coupon_on_empty_cart(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    empty = rest.put(f"guest-carts/{cart}/coupons/H20")
    assert empty.status == 404
    add(rest, cart, configurable_child(clean_sandbox).sku)
    bad = rest.put(f"guest-carts/{cart}/coupons/NOPE")
    assert bad.status == 404 and bad.body["message"] == "The coupon code isn't valid. Verify the code and try again."


def test_free_shipping_threshold_and_freeship_coupon(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    sku, price = simple_product(clean_sandbox, min_qty=20, max_price=40)
    add(rest, cart, sku, 1)
    cheap = rest.ok("POST", f"guest-carts/{cart}/estimate-shipping-methods", {"address": US_ADDRESS})
    assert [m["carrier_code"] for m in cheap] == ["flatrate"]
    assert cheap[0]["amount"] == 5
    needed = int(Decimal(100) / Decimal(str(price))) + 1
    item = rest.ok("GET", f"guest-carts/{cart}/items")[0]
    rest.ok("PUT", f"guest-carts/{cart}/items/{item['item_id']}", {"cartItem": {"qty": needed}})
    rich = rest.ok("POST", f"guest-carts/{cart}/estimate-shipping-methods", {"address": US_ADDRESS})
    assert [m["carrier_code"] for m in rich] == ["flatrate", "freeshipping"]
    assert rich[0]["amount"] == 5 * needed and rich[1]["amount"] == 0
    rest.ok("PUT", f"guest-carts/{cart}/coupons/FREESHIP")
    freeship = rest.ok("POST", f"guest-carts/{cart}/estimate-shipping-methods", {"address": US_ADDRESS})
    assert freeship[0]["amount"] == 0


def test_shipping_methods_need_an_address_and_unknown_method_is_404(
    rest: Rest, cart: str, clean_sandbox: SandboxProcess
) -> None:
    add(rest, cart, configurable_child(clean_sandbox).sku)
    no_address = rest.get(f"guest-carts/{cart}/shipping-methods")
    assert no_address.status == 400
    assert no_address.body["message"] == "The shipping address is missing. Set the address and try again."
    wrong = rest.post(f"guest-carts/{cart}/shipping-information", shipping_info("ups", "express"))
    assert wrong.status == 404 and wrong.body == {
        "message": "Carrier with such method not found: %1, %2",
        "parameters": ["ups", "express"],
    }
    rest.ok("POST", f"guest-carts/{cart}/shipping-information", shipping_info())
    assert [m["method_code"] for m in rest.ok("GET", f"guest-carts/{cart}/shipping-methods")] == ["flatrate"]


def test_payment_selection(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    add(rest, cart, configurable_child(clean_sandbox).sku)
    assert rest.ok("GET", f"guest-carts/{cart}/payment-methods") == [
        {"code": "checkmo", "title": "Check / Money order"}
    ]
    refused = rest.put(f"guest-carts/{cart}/selected-payment-method", {"method": {"method": "free"}})
    assert refused.status == 400 and refused.body["message"] == "The requested Payment Method is not available."
    assert isinstance(
        rest.ok("PUT", f"guest-carts/{cart}/selected-payment-method", {"method": {"method": "checkmo"}}), int
    )
    assert rest.ok("GET", f"guest-carts/{cart}/selected-payment-method")["method"] == "checkmo"
    billing_id = rest.ok("POST", f"guest-carts/{cart}/billing-address", {"address": US_ADDRESS, "useForShipping": True})
    billing = rest.ok("GET", f"guest-carts/{cart}/billing-address")
    assert billing["id"] == billing_id and billing["region_code"] == "CA"


def test_store_view_prices_in_its_display_currency(clean_sandbox: SandboxProcess) -> None:
    german = Rest(clean_sandbox, "de")
    cart = german.ok("POST", "guest-carts")
    child = configurable_child(clean_sandbox)
    german.ok("POST", f"guest-carts/{cart}/items", {"cartItem": {"sku": child.sku, "qty": 2}})
    totals = german.ok("GET", f"guest-carts/{cart}/totals")
    assert totals["quote_currency_code"] == "EUR" and totals["base_currency_code"] == "USD"
    assert cents(totals["base_subtotal"]) == cents(child.price * 2)
    assert cents(totals["subtotal"]) == cents(cents(Decimal(str(child.price)) * Decimal("0.92")) * 2)


def test_fields_filter_on_cart_and_list_responses(rest: Rest, cart: str, clean_sandbox: SandboxProcess) -> None:
    add(rest, cart, configurable_child(clean_sandbox).sku)
    trimmed = rest.ok("GET", f"guest-carts/{cart}?fields=id,items[sku,qty]")
    assert set(trimmed) == {"id", "items"} and set(trimmed["items"][0]) == {"sku", "qty"}
    items = rest.ok("GET", f"guest-carts/{cart}/items?fields=sku")
    assert items == [{"sku": configurable_child(clean_sandbox).sku}]
    assert rest.ok("GET", f"guest-carts/{cart}?fields=id$") == []


def test_customer_cart_and_acl(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    _, token = rest.register()
    assert rest.post("carts/mine").status == 401
    none_yet = rest.get("carts/mine", token=token)
    assert none_yet.status == 404
    quote_id = rest.ok("POST", "carts/mine", token=token)
    assert rest.ok("POST", "carts/mine", token=token) == quote_id  # the active quote is reused
    child = configurable_child(clean_sandbox)
    item = rest.ok(
        "POST", "carts/mine/items", {"cartItem": {"sku": child.sku, "qty": 1, "quote_id": "999999"}}, token=token
    )
    assert item["quote_id"] == str(quote_id)  # the body's quote_id is overridden by the token's cart
    assert rest.ok("GET", "carts/mine", token=token)["items"][0]["sku"] == child.sku
    assert rest.get("carts/mine/totals", token="garbage").status == 401


def test_estimate_by_address_id_only_for_own_addresses(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    demo = rest.ok("GET", "customers/me", token=rest.login())
    me, token = rest.register(addresses=[US_ADDRESS])
    rest.ok("POST", "carts/mine", token=token)
    rest.ok(
        "POST", "carts/mine/items", {"cartItem": {"sku": configurable_child(clean_sandbox).sku, "qty": 1}}, token=token
    )
    own = rest.ok(
        "POST",
        "carts/mine/estimate-shipping-methods-by-address-id",
        {"addressId": me["addresses"][0]["id"]},
        token=token,
    )
    assert own[0]["carrier_code"] == "flatrate"
    foreign = rest.post(
        "carts/mine/estimate-shipping-methods-by-address-id", {"addressId": demo["addresses"][0]["id"]}, token=token
    )
    assert foreign.status == 404
    stolen = rest.post(
        "carts/mine/billing-address", {"address": {"customer_address_id": demo["addresses"][0]["id"]}}, token=token
    )
    assert stolen.status == 404 and stolen.body["message"] == "Invalid customer address id %1"


def test_assign_guest_cart_merges_the_customers_previous_cart(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    child = configurable_child(clean_sandbox)
    sku, _ = simple_product(clean_sandbox)
    _, token = rest.register()
    rest.ok("POST", "carts/mine", token=token)
    rest.ok("POST", "carts/mine/items", {"cartItem": {"sku": child.sku, "qty": 1}}, token=token)
    rest.ok("POST", "carts/mine/items", {"cartItem": {"sku": sku, "qty": 1}}, token=token)
    guest = rest.ok("POST", "guest-carts")
    add(rest, guest, child.sku, 2)
    assert rest.put(f"guest-carts/{guest}", {"storeId": 1}).status == 401  # self route
    wrong_store = rest.put(f"guest-carts/{guest}", {"storeId": 99}, token=token)
    assert wrong_store.status == 400
    assert wrong_store.body["message"] == (
        "The customer can't be assigned to the cart. The cart belongs to a different store."
    )
    assert rest.ok("PUT", f"guest-carts/{guest}", {"storeId": 1}, token=token) is True
    items = {i["sku"]: i["qty"] for i in rest.ok("GET", "carts/mine/items", token=token)}
    assert items == {child.sku: 3, sku: 1}
    assert rest.get(f"guest-carts/{guest}/items").status == 404  # the masked id is gone

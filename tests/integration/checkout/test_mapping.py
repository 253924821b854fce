"""Pure mapping rules (no Magento): Magento's address errors onto form fields, totals options onto lines."""

from __future__ import annotations

from cart.types import parse_options
from checkout.services import field_errors, to_magento
from storefront.magento import MagentoInputError
from storefront.magento.errors import ErrorDetail


def test_aggregated_input_errors_map_to_their_fields() -> None:
    exc = MagentoInputError(
        "One or more input exceptions have occurred.",
        errors=[
            ErrorDetail('"firstname" is required. Enter and try again.', "", {"fieldName": "firstname"}),
            ErrorDetail('"regionId" is required. Enter and try again.', "", {"fieldName": "regionId"}),
        ],
    )
    assert field_errors(exc) == {
        "firstname": '"firstname" is required. Enter and try again.',
        "region_id": '"regionId" is required. Enter and try again.',
    }


def test_place_order_address_message_is_split_by_the_fields_it_names() -> None:
    exc = MagentoInputError(
        'Please check the shipping address information. "city" is required. Enter and try again. '
        '"countryId" is required. Enter and try again.'
    )
    found = field_errors(exc)
    assert set(found) == {"city", "country_id"}
    assert "city" in found["city"] and "countryId" in found["country_id"]


def test_an_unknown_field_is_kept_as_a_general_error() -> None:
    assert field_errors(MagentoInputError("Something else went wrong.")) == {"": "Something else went wrong."}


def test_addresses_go_to_magento_with_street_lines_and_a_region_id_or_name() -> None:
    typed = {"firstname": "A", "street1": "1 Main", "street2": "", "region_id": "57", "country_id": "US"}
    out = to_magento(typed, email="a@example.com", saved_id=7)
    assert out["street"] == ["1 Main"] and out["region_id"] == 57 and out["customer_address_id"] == 7
    assert "region" not in out and out["email"] == "a@example.com"
    assert to_magento({"region": "Kent", "country_id": "GB"})["region"] == "Kent"


def test_totals_options_json_becomes_label_value_pairs_and_garbage_is_ignored() -> None:
    assert parse_options('[{"value":"Black","label":"Color"},{"value":"M","label":"Size"}]') == (
        ("Color", "Black"),
        ("Size", "M"),
    )
    assert parse_options("not json") == () and parse_options(None) == ()

"""Pure checks of the account forms and of how Magento's refusals land on form fields (no sandbox needed)."""

from __future__ import annotations

import pytest

from accounts.forms import AddressForm, RegisterForm, password_problem
from accounts.services import _field_errors
from accounts.types import Country, Region
from storefront.magento import ErrorDetail, MagentoInputError

US = Country("US", "United States", (Region(57, "TX", "Texas"), Region(12, "CA", "California")))
GB = Country("GB", "United Kingdom")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Password123!", True),
        ("abcDEF12", True),
        ("abc-def-ghi", False),  # two classes
        ("Ab1!", False),  # too short
        (" Abcdef123", False),  # leading space
        ("A" * 200 + "b1!" + "c" * 60, False),  # over 256
    ],
)
def test_password_rules_follow_magentos_defaults(password: str, ok: bool) -> None:
    assert (password_problem(password) is None) is ok


def test_the_password_cannot_be_the_email() -> None:
    assert password_problem("Ana@Example.com", "ana@example.com")
    form = RegisterForm(
        {
            "firstname": "A",
            "lastname": "B",
            "email": "ana@example.com",
            "password": "Ana@Example.com",
            "password_confirm": "Ana@Example.com",
        }
    )
    assert not form.is_valid() and "password" in form.errors


def test_address_region_must_belong_to_the_country_and_is_sent_with_its_code() -> None:
    base = {"firstname": "A", "lastname": "B", "telephone": "1", "street1": "1 Main", "city": "Austin", "country": "US"}
    wrong = AddressForm({**base, "region_id": "999"}, countries=(US, GB))
    assert not wrong.is_valid() and "region_id" in wrong.errors
    right = AddressForm({**base, "region_id": "57", "default_billing": "on"}, countries=(US, GB))
    assert right.is_valid(), right.errors
    sent = right.magento_input()
    assert sent["region"] == {"region_id": 57, "region_code": "TX", "region": "Texas"}
    assert sent["country_code"] == "US" and sent["street"] == ["1 Main"]
    assert sent["default_billing"] is True and "default_shipping" not in sent, "an unticked box never unsets"
    free = AddressForm({**base, "country": "GB", "region": "Kent"}, countries=(US, GB))
    assert free.is_valid() and free.magento_input()["region"] == {"region": "Kent"}


def test_magentos_messages_land_on_the_field_they_are_about() -> None:
    duplicate = MagentoInputError("A customer with the same email address already exists in an associated website.")
    assert set(_field_errors(duplicate).fields) == {"email"}
    aggregated = MagentoInputError(
        "One or more input exceptions have occurred.",
        errors=[
            ErrorDetail('"firstname" is required. Enter and try again.', ""),
            ErrorDetail("The password can't be the same as the email address.", ""),
            ErrorDetail("Something else entirely.", ""),
        ],
    )
    mapped = _field_errors(aggregated)
    assert set(mapped.fields) == {"firstname", "password"}
    assert mapped.general == "Something else entirely."

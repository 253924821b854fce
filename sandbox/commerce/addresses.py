"""Address input validation and the REST shapes of customer and quote addresses.

Rules: input follows ``Customer\\Api\\Data\\AddressInterface`` / ``Quote\\Api\\Data\\AddressInterface``
(snake_case, ``street`` a list, ``region`` an object or ``region_id``/``region_code`` at the top); the
region is completed from the directory so ``region``, ``region_code`` and ``region_id`` always agree.
Validation collects every problem, as Magento's address validator does: one error is raised as is,
several as "One or more input exceptions have occurred." with ``errors``.
"""

from __future__ import annotations

from typing import Any

from sandbox.commerce import directory
from sandbox.commerce.errors import InputError, invalid_value, required
from sandbox.commerce.models import CustomerAddress

TEXT_FIELDS = (
    "firstname", "lastname", "middlename", "prefix", "suffix", "company", "city", "postcode",
    "telephone", "fax", "vat_id",
)  # fmt: skip


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    return ""


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Input address → a flat dict with every field present (``street`` a list, region resolved)."""
    out: dict[str, Any] = {name: _text(data.get(name)) for name in TEXT_FIELDS}
    street = data.get("street")
    if isinstance(street, str):
        street = [street]
    out["street"] = [_text(line) for line in street if _text(line)] if isinstance(street, list) else []
    out["country_id"] = _text(data.get("country_id")).upper()
    region = data.get("region")
    region_name = ""
    region_code = _text(data.get("region_code"))
    region_id: Any = data.get("region_id")
    if isinstance(region, dict):
        region_name = _text(region.get("region"))
        region_code = region_code or _text(region.get("region_code"))
        region_id = region_id or region.get("region_id")
    elif isinstance(region, str):
        region_name = region.strip()
    found = directory.find_region(out["country_id"], region_id=region_id, code=region_code, name=region_name)
    if found is not None:
        out["region_id"], out["region_code"], out["region"] = found
    else:
        out["region_id"], out["region_code"], out["region"] = 0, region_code, region_name or region_code
    return out


def problems(address: dict[str, Any]) -> list[InputError]:
    """Everything wrong with a normalized address (Magento's ``Address\\Validator\\General`` + Country)."""
    found: list[InputError] = []
    for name in ("firstname", "lastname"):
        if not address[name]:
            found.append(required(name))
    if not address["street"]:
        found.append(required("street"))
    for name in ("city", "telephone"):
        if not address[name]:
            found.append(required(name))
    country_id = address["country_id"]
    if not country_id:
        found.append(required("countryId"))
    elif directory.country(country_id) is None:
        found.append(invalid_value("countryId", country_id))
    else:
        if not address["postcode"]:
            found.append(required("postcode"))
        if country_id in directory.REGION_REQUIRED and not address["region_id"]:
            found.append(required("regionId"))
    return found


def validate(address: dict[str, Any]) -> None:
    found = problems(address)
    if len(found) == 1:
        raise found[0]
    if found:
        raise InputError("One or more input exceptions have occurred.", errors=found)


def customer_address_json(
    address: CustomerAddress, *, default_billing: int | None, default_shipping: int | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": address.id,
        "customer_id": address.customer_id,
        "region": {
            "region_code": address.region_code or None,
            "region": address.region or None,
            "region_id": address.region_id,
        },
        "region_id": address.region_id,
        "country_id": address.country_id,
        "street": list(address.street),
        "telephone": address.telephone,
        "postcode": address.postcode,
        "city": address.city,
        "firstname": address.firstname,
        "lastname": address.lastname,
    }
    for name in ("company", "middlename", "prefix", "suffix", "fax", "vat_id"):
        if getattr(address, name):
            out[name] = getattr(address, name)
    if default_shipping == address.id:
        out["default_shipping"] = True
    if default_billing == address.id:
        out["default_billing"] = True
    return out


def customer_address_fields(address: dict[str, Any]) -> dict[str, Any]:
    """The model fields of a normalized address."""
    fields = {name: address[name] for name in TEXT_FIELDS}
    fields.update(
        street=address["street"],
        country_id=address["country_id"],
        region=address["region"],
        region_code=address["region_code"],
        region_id=address["region_id"] or 0,
    )
    return fields


def from_customer_address(address: CustomerAddress) -> dict[str, Any]:
    """A saved address-book entry as a normalized (quote) address."""
    out = {name: getattr(address, name) for name in TEXT_FIELDS}
    out.update(
        street=list(address.street),
        country_id=address.country_id,
        region=address.region,
        region_code=address.region_code,
        region_id=address.region_id,
        customer_address_id=address.id,
    )
    return out

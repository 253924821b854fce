"""Customer accounts: create, read, update (address book included), passwords and password reset.

Rules (``Customer\\Model\\AccountManagement`` / ``CustomerRepository`` in 2.4):
- one website: emails are unique case-insensitively; a duplicate is "A customer with the same email address
  already exists in an associated website." (400);
- ``PUT customers/me`` replaces the address book when ``addresses`` is given (entries missing from the list
  are deleted) and leaves it alone when the key is absent; an address id that is not the caller's own is
  refused (no IDOR): 404 NoSuchEntity on ``addressId``;
- password changes and resets revoke every token of the customer; a reset writes a mail to the outbox with a
  link ``<storefront>/customer/account/createPassword/?id=<id>&token=<token>`` valid for 24 h;
- an unknown email on ``initiatePasswordReset`` is NoSuchEntity, as in Magento (the storefront hides it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox.commerce import addresses, tokens
from sandbox.commerce.catalog_bridge import StoreInfo
from sandbox.commerce.errors import (
    AuthenticationError,
    InputError,
    invalid_value,
    no_such_entity,
    no_such_entity_double,
    required,
)
from sandbox.commerce.models import Customer, CustomerAddress, OutboxMail
from sandbox.commerce.passwords import check_differs_from_email, check_password, check_strength, hash_password

DUPLICATE_EMAIL = "A customer with the same email address already exists in an associated website."
RESET_LINK_HOURS = 24
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_RESET = "email_reset"
EMAIL_REMINDER = "email_reminder"


def storefront_base_url() -> str:
    """Where reset links point: ``SANDBOX_STOREFRONT_URL`` if set, else the origin of the storefront's
    revalidation webhook URL (the one storefront the sandbox already knows about)."""
    explicit = os.environ.get("SANDBOX_STOREFRONT_URL")
    if explicit:
        return explicit.rstrip("/")
    webhook = urlsplit(getattr(settings, "STOREFRONT_REVALIDATE_URL", "") or "http://127.0.0.1:8000/")
    return f"{webhook.scheme}://{webhook.netloc}"


def _stamp(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def customer_json(customer: Customer) -> dict[str, Any]:
    book = list(customer.addresses.all())
    out: dict[str, Any] = {"id": customer.id, "group_id": customer.group_id}
    if customer.default_billing:
        out["default_billing"] = str(customer.default_billing)
    if customer.default_shipping:
        out["default_shipping"] = str(customer.default_shipping)
    out.update(
        created_at=_stamp(customer.created_at),
        updated_at=_stamp(customer.updated_at),
        created_in=customer.created_in,
        email=customer.email,
        firstname=customer.firstname,
        lastname=customer.lastname,
    )
    for name in ("middlename", "prefix", "suffix", "dob", "taxvat"):
        if getattr(customer, name):
            out[name] = getattr(customer, name)
    if customer.gender:
        out["gender"] = customer.gender
    out.update(
        store_id=customer.store_id,
        website_id=customer.website_id,
        addresses=[
            addresses.customer_address_json(
                a, default_billing=customer.default_billing, default_shipping=customer.default_shipping
            )
            for a in book
        ],
        disable_auto_group_change=0,
        extension_attributes={"is_subscribed": customer.is_subscribed},
    )
    return out


def _profile_fields(data: dict[str, Any], *, partial_base: Customer | None = None) -> dict[str, Any]:
    """Validated scalar fields of a CustomerInterface body (email, firstname, lastname required)."""
    values: dict[str, Any] = {}
    for name in ("email", "firstname", "lastname", "middlename", "prefix", "suffix", "dob", "taxvat"):
        value = data.get(name)
        if value is not None and not isinstance(value, str | int | float):
            raise invalid_value(name, value)
        values[name] = "" if value is None else str(value).strip()
    missing = [name for name in ("firstname", "lastname", "email") if not values[name]]
    if len(missing) == 1:
        raise required(missing[0])
    if missing:
        raise InputError("One or more input exceptions have occurred.", errors=[required(m) for m in missing])
    if not EMAIL_RE.match(values["email"]):
        raise invalid_value("email", values["email"])
    gender = data.get("gender")
    if gender is not None:
        try:
            values["gender"] = int(gender)
        except (TypeError, ValueError):
            raise invalid_value("gender", gender) from None
    return values


def _subscribed(data: dict[str, Any]) -> bool | None:
    extension = data.get("extension_attributes")
    if isinstance(extension, dict) and "is_subscribed" in extension:
        return bool(extension["is_subscribed"])
    return None


def create_account(info: StoreInfo, data: dict[str, Any], password: str | None) -> Customer:
    fields = _profile_fields(data)
    if password is not None:
        check_strength(password)
        check_differs_from_email(fields["email"], password)
    book = data.get("addresses") or []
    if not isinstance(book, list):
        raise invalid_value("addresses", book)
    normalized = []
    for entry in book:
        if not isinstance(entry, dict):
            raise invalid_value("addresses", entry)
        address = addresses.normalize(entry)
        addresses.validate(address)
        normalized.append((address, bool(entry.get("default_billing")), bool(entry.get("default_shipping"))))
    with transaction.atomic():
        if Customer.objects.filter(email__iexact=fields["email"]).exists():
            raise InputError(DUPLICATE_EMAIL)
        customer = Customer.objects.create(
            **fields,
            store_id=info.id,
            website_id=info.website_id,
            created_in=info.name,
            password_hash=hash_password(password) if password is not None else "",
            is_subscribed=bool(_subscribed(data)),
        )
        for address, is_billing, is_shipping in normalized:
            row = CustomerAddress.objects.create(customer=customer, **addresses.customer_address_fields(address))
            if is_billing:
                customer.default_billing = row.id
            if is_shipping:
                customer.default_shipping = row.id
        customer.save()
    return customer


def _apply_address_book(customer: Customer, book: list[Any]) -> None:
    own = {a.id: a for a in customer.addresses.all()}
    kept: set[int] = set()
    for entry in book:
        if not isinstance(entry, dict):
            raise invalid_value("addresses", entry)
        address = addresses.normalize(entry)
        addresses.validate(address)
        fields = addresses.customer_address_fields(address)
        address_id = entry.get("id")
        if address_id not in (None, "", 0):
            try:
                row = own[int(address_id)]
            except (KeyError, TypeError, ValueError):
                raise no_such_entity("addressId", address_id) from None
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
        else:
            row = CustomerAddress.objects.create(customer=customer, **fields)
        kept.add(row.id)
        if entry.get("default_billing"):
            customer.default_billing = row.id
        if entry.get("default_shipping"):
            customer.default_shipping = row.id
    removed = set(own) - kept
    CustomerAddress.objects.filter(id__in=removed).delete()
    if customer.default_billing in removed:
        customer.default_billing = None
    if customer.default_shipping in removed:
        customer.default_shipping = None


def update_customer(customer: Customer, data: dict[str, Any]) -> Customer:
    fields = _profile_fields(data)
    with transaction.atomic():
        if Customer.objects.filter(email__iexact=fields["email"]).exclude(id=customer.id).exists():
            raise InputError(DUPLICATE_EMAIL)
        for name, value in fields.items():
            setattr(customer, name, value)
        subscribed = _subscribed(data)
        if subscribed is not None:
            customer.is_subscribed = subscribed
        for name in ("default_billing", "default_shipping"):
            if data.get(name) not in (None, ""):
                wanted = int(data[name]) if str(data[name]).isdigit() else None
                if wanted is None or not customer.addresses.filter(id=wanted).exists():
                    raise no_such_entity("addressId", data[name])
                setattr(customer, name, wanted)
        if "addresses" in data and data["addresses"] is not None:
            if not isinstance(data["addresses"], list):
                raise invalid_value("addresses", data["addresses"])
            _apply_address_book(customer, data["addresses"])
        customer.save()
    customer.refresh_from_db()
    return customer


def default_address(customer: Customer, kind: str) -> dict[str, Any] | None:
    """GET customers/me/billingAddress|shippingAddress: the address, or ``null`` when none is set."""
    address_id = customer.default_billing if kind == "billing" else customer.default_shipping
    row = customer.addresses.filter(id=address_id).first() if address_id else None
    if row is None:
        return None
    return addresses.customer_address_json(
        row, default_billing=customer.default_billing, default_shipping=customer.default_shipping
    )


def change_password(customer: Customer, current: str, new: str) -> bool:
    if not check_password(current, customer.password_hash):
        raise AuthenticationError("The password doesn't match this account. Verify the password and try again.")
    check_differs_from_email(customer.email, new)
    check_strength(new)
    customer.password_hash = hash_password(new)
    customer.rp_token = ""
    customer.rp_token_created_at = None
    customer.save()
    tokens.revoke_customer(customer.id)
    return True


def is_email_available(email: str) -> bool:
    return not Customer.objects.filter(email__iexact=email.strip()).exists()


def initiate_password_reset(email: str, template: str, website_id: int) -> bool:
    customer = Customer.objects.filter(email__iexact=email.strip(), website_id=website_id).first()
    if customer is None:
        raise no_such_entity_double("email", email, "websiteId", website_id)
    token = secrets.token_hex(16)
    customer.rp_token = token
    customer.rp_token_created_at = timezone.now()
    customer.save(update_fields=["rp_token", "rp_token_created_at"])
    if template not in (EMAIL_RESET, EMAIL_REMINDER):
        raise InputError(
            'Invalid value of "%value" provided for the %fieldName field. Possible values: %template1 or %template2.',
            {"value": template, "fieldName": "template", "template1": EMAIL_REMINDER, "template2": EMAIL_RESET},
        )
    link = f"{storefront_base_url()}/customer/account/createPassword/?id={customer.id}&token={token}"
    OutboxMail.objects.create(
        to=customer.email,
        subject="Reset your Main Website Store password",
        body=(
            f"{customer.firstname} {customer.lastname},\n\n"
            "There was recently a request to change the password for your account.\n"
            f"If you requested this change, set a new password here: {link}\n\n"
            "If you did not make this request, you can ignore this email and your password will stay the same."
        ),
        reset_url=link,
        reset_token=token,
        sent_at=timezone.now(),
    )
    return True


def _check_reset_token(customer: Customer, token: str) -> None:
    if not token:
        raise required("resetPasswordLinkToken")
    if not customer.rp_token or not secrets.compare_digest(customer.rp_token, token):
        raise InputError("The password token is mismatched. Reset and try again.")
    created = customer.rp_token_created_at
    if created is None or timezone.now() - created > dt.timedelta(hours=RESET_LINK_HOURS):
        raise InputError("The password token is expired. Reset and try again.")


def validate_reset_token(customer_id: int, token: str) -> bool:
    if not customer_id:
        raise invalid_value("customerId", customer_id)
    customer = Customer.objects.filter(id=customer_id).first()
    if customer is None:
        raise no_such_entity("customerId", customer_id)
    _check_reset_token(customer, token)
    return True


def reset_password(email: str, token: str, new_password: str) -> bool:
    if not email:
        raise required("email")
    customer = Customer.objects.filter(email__iexact=email.strip()).first()
    if customer is None:
        raise no_such_entity_double("email", email, "websiteId", 1)
    _check_reset_token(customer, token)
    check_differs_from_email(email, new_password)
    check_strength(new_password)
    customer.password_hash = hash_password(new_password)
    customer.rp_token = ""
    customer.rp_token_created_at = None
    customer.save()
    tokens.revoke_customer(customer.id)
    tokens.clear_failures(customer.email)
    return True

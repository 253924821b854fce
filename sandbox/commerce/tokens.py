"""Customer and admin access tokens: issue, resolve, revoke, and the login throttle.

Rules (Magento 2.4): tokens are opaque random strings; customer lifetime is ``SANDBOX_TOKEN_LIFETIME``
seconds (default 3600), admin 4 h. A token that is unknown, revoked or expired resolves to nobody — the REST
layer then treats the caller as a guest (TokenUserContext) and GraphQL fails the request. Revoking covers
every token of the customer (revoke route, password change, password reset). Failed logins are counted
per username like ``oauth_token_request_log``: the 6th failure locks the name for 1800 s, a success resets.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox.commerce.errors import AuthenticationError, InputError, required
from sandbox.commerce.models import AccessToken, Customer, LoginThrottle
from sandbox.commerce.passwords import check_password

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "sandbox123"  # noqa: S105 - the documented sandbox admin, a test double
ADMIN_LIFETIME = 4 * 3600
MAX_FAILURES = 6
LOCK_SECONDS = 1800
SIGN_IN_FAILED = (
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."
)


@dataclass(frozen=True)
class Caller:
    customer: Customer | None
    admin: str | None


def customer_lifetime() -> int:
    return int(getattr(settings, "SANDBOX_TOKEN_LIFETIME", 3600))


def _issue(user_type: str, lifetime: int, customer: Customer | None = None, admin: str = "") -> str:
    now = timezone.now()
    value = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        token=value,
        user_type=user_type,
        customer=customer,
        admin_username=admin,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=lifetime),
    )
    return value


def inspect(value: str) -> tuple[Caller | None, str]:
    """The caller behind a token, or None with the reason Magento's token reader/validator gives."""
    row = AccessToken.objects.select_related("customer").filter(token=value).first()
    if row is None:
        return None, "Failed to read JWT token"
    if row.revoked:
        return None, "Token was revoked"
    if row.expires_at <= timezone.now():
        return None, "Consumer key has expired"
    if row.user_type == AccessToken.CUSTOMER:
        return Caller(customer=row.customer, admin=None), ""
    return Caller(customer=None, admin=row.admin_username), ""


def resolve(value: str) -> Caller | None:
    return inspect(value)[0]


def revoke_customer(customer_id: int) -> None:
    AccessToken.objects.filter(customer_id=customer_id, revoked=False).update(revoked=True)


def _check_credentials(username: object, password: object) -> tuple[str, str]:
    """CredentialsValidator: both are required (one aggregated InputException when both are missing)."""
    missing = [name for name, value in (("username", username), ("password", password)) if not value]
    if len(missing) == 1:
        raise required(missing[0])
    if missing:
        raise InputError("One or more input exceptions have occurred.", errors=[required(name) for name in missing])
    return str(username), str(password)


def _throttle(username: str, user_type: str) -> None:
    row = LoginThrottle.objects.filter(username=username.lower(), user_type=user_type).first()
    if row and row.lock_expires_at:
        if row.lock_expires_at > timezone.now():
            raise AuthenticationError(SIGN_IN_FAILED)
        row.delete()  # the lock ran out: start counting afresh


def _log_failure(username: str, user_type: str) -> None:
    with transaction.atomic():
        row, _ = LoginThrottle.objects.get_or_create(username=username.lower(), user_type=user_type)
        row.failures_count += 1
        if row.failures_count >= MAX_FAILURES:
            row.lock_expires_at = timezone.now() + dt.timedelta(seconds=LOCK_SECONDS)
        row.save()


def _reset_failures(username: str, user_type: str) -> None:
    LoginThrottle.objects.filter(username=username.lower(), user_type=user_type).delete()


def authenticate_customer(username: object, password: object) -> Customer:
    """AccountManagement::authenticate behind the throttle, with Magento's one vague failure message."""
    name, secret = _check_credentials(username, password)
    _throttle(name, AccessToken.CUSTOMER)
    customer = Customer.objects.filter(email__iexact=name).first()
    if customer is None or not check_password(secret, customer.password_hash):
        _log_failure(name, AccessToken.CUSTOMER)
        raise AuthenticationError(SIGN_IN_FAILED)
    _reset_failures(name, AccessToken.CUSTOMER)
    return customer


def create_customer_token(username: object, password: object) -> str:
    customer = authenticate_customer(username, password)
    return _issue(AccessToken.CUSTOMER, customer_lifetime(), customer=customer)


def create_admin_token(username: object, password: object) -> str:
    name, secret = _check_credentials(username, password)
    _throttle(name, AccessToken.ADMIN)
    if name != ADMIN_USERNAME or not secrets.compare_digest(secret, ADMIN_PASSWORD):
        _log_failure(name, AccessToken.ADMIN)
        raise AuthenticationError(SIGN_IN_FAILED)
    _reset_failures(name, AccessToken.ADMIN)
    return _issue(AccessToken.ADMIN, ADMIN_LIFETIME, admin=name)


def clear_failures(username: str) -> None:
    """A password reset unlocks the account, as Magento resets failures_num/lock_expires."""
    _reset_failures(username, AccessToken.CUSTOMER)

"""Account flows: sign in, register, sign out, change and reset the password, edit profile and addresses.

Rules:
- Signing in always goes through ``customer_session.sign_in`` (it cycles the session key and lets the cart
  merge the guest cart); the first name shown in the header comes from ``GET /V1/customers/me``, a ``self``
  route, so a token that does not work is found out at once.
- Wrong credentials are a ``LoginFailed`` with one message whatever was wrong (no account enumeration).
- Sign-out revokes the token at Magento first; an already dead token or an unreachable Magento does not keep
  the shopper signed in here (the session is flushed either way, and the failure is logged).
- Magento revokes every token of a customer when the password changes, so after a change we sign in again
  with the new password to keep the shopper signed in.
- A 401 on ``PUT /V1/customers/me/password`` means either "wrong current password" or "token expired": a
  ``self`` call tells them apart (it raises ``MagentoAuthError`` for the latter, which the middleware handles).
- Every sign-in, failure, sign-out and password change is audited (``accounts.audit``), never with a secret.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpRequest

from accounts import audit, upstream
from accounts.models import AccountEvent
from accounts.types import Profile
from storefront import customer_session, visitor
from storefront.magento import MagentoAuthError, MagentoInputError, MagentoNotFound, MagentoUnavailable

log = logging.getLogger("accounts")

SIGN_IN_FAILED = (
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."
)


class LoginFailed(Exception):
    pass


@dataclass(frozen=True)
class FieldErrors(Exception):
    """Magento refused the input; ``fields`` maps our form's field names to messages, ``general`` the rest."""

    fields: dict[str, str]
    general: str = ""


def _field_errors(exc: MagentoInputError) -> FieldErrors:
    """Map Magento's messages onto our form fields by what they talk about."""
    fields: dict[str, str] = {}
    general: list[str] = []
    messages = [d.message for d in exc.errors] or [exc.message]
    for message in messages:
        lowered = message.lower()
        if "password" in lowered:
            fields.setdefault("password", message)
        elif "email" in lowered:
            fields.setdefault("email", message)
        elif "firstname" in lowered or "first name" in lowered:
            fields.setdefault("firstname", message)
        elif "lastname" in lowered or "last name" in lowered:
            fields.setdefault("lastname", message)
        else:
            general.append(message)
    return FieldErrors(fields, " ".join(general))


def sign_in(request: HttpRequest, store: str, email: str, password: str) -> Profile:
    try:
        token = upstream.create_token(store, email, password)
    except MagentoAuthError:
        # 401 here is wrong credentials or Magento's lock after repeated failures: one answer for both.
        audit.record(request, AccountEvent.LOGIN_FAILURE, email)
        raise LoginFailed(SIGN_IN_FAILED) from None
    profile = upstream.fetch_me(store, token)
    customer_session.sign_in(request, token, firstname=profile.firstname, email=profile.email)
    audit.record(request, AccountEvent.LOGIN_SUCCESS, profile.email)
    return profile


def sign_out(request: HttpRequest, store: str) -> None:
    token = customer_session.token(request)
    email = str(request.session.get(customer_session.EMAIL) or "")
    if token:
        try:
            upstream.revoke_token(store, token)
        except MagentoAuthError:
            pass  # already expired or revoked: nothing left to revoke
        except MagentoUnavailable as exc:
            # The shopper asked to leave: forget the token here even though Magento could not be told (it
            # expires on its own within the token lifetime).
            log.warning("token revocation failed on sign-out: %s", exc.__class__.__name__)
    audit.record(request, AccountEvent.LOGOUT, email)
    customer_session.sign_out(request)


def register(
    request: HttpRequest, store: str, *, firstname: str, lastname: str, email: str, password: str, subscribe: bool
) -> Profile:
    try:
        upstream.create_customer(
            store, firstname=firstname, lastname=lastname, email=email, password=password, subscribe=subscribe
        )
    except MagentoInputError as exc:
        raise _field_errors(exc) from None
    audit.record(request, AccountEvent.REGISTER, email)
    return sign_in(request, store, email, password)


def update_profile(request: HttpRequest, store: str, *, firstname: str, lastname: str, email: str) -> Profile:
    token = _token(request)
    current = upstream.fetch_me(store, token)
    try:
        profile = upstream.update_me(store, token, current, firstname=firstname, lastname=lastname, email=email)
    except MagentoInputError as exc:
        raise _field_errors(exc) from None
    request.session[visitor.CUSTOMER_FIRSTNAME] = profile.firstname
    request.session[customer_session.EMAIL] = profile.email
    return profile


def change_password(request: HttpRequest, store: str, *, current_password: str, new_password: str) -> None:
    token = _token(request)
    try:
        upstream.change_password(store, token, current_password, new_password)
    except MagentoAuthError:
        profile = upstream.fetch_me(store, token)  # raises MagentoAuthError if it was the token after all
        audit.record(request, AccountEvent.PASSWORD_CHANGE, profile.email, "refused: wrong current password")
        raise FieldErrors({"current_password": "The password doesn't match this account."}) from None
    except MagentoInputError as exc:
        raise _field_errors(exc) from None
    email = str(request.session.get(customer_session.EMAIL) or "")
    audit.record(request, AccountEvent.PASSWORD_CHANGE, email)
    # Magento revoked every token of the customer with the change: sign in again with the new password.
    try:
        sign_in(request, store, email, new_password)
    except LoginFailed:
        customer_session.drop_token(request)


def request_password_reset(request: HttpRequest, store: str, email: str) -> None:
    """Ask Magento to send the reset mail. Unknown e-mails and refusals look exactly like success to the
    shopper (no account enumeration); outages still surface as the 503 page."""
    try:
        upstream.initiate_password_reset(store, email)
        detail = ""
    except MagentoNotFound:
        detail = "unknown email"
    except MagentoInputError:
        detail = "refused by Magento"
    audit.record(request, AccountEvent.PASSWORD_RESET_REQUEST, email, detail)


def reset_link_is_valid(store: str, customer_id: int, reset_token: str) -> bool:
    try:
        upstream.validate_reset_link(store, customer_id, reset_token)
    except (MagentoInputError, MagentoNotFound):
        return False
    return True


def reset_password(request: HttpRequest, store: str, *, email: str, reset_token: str, new_password: str) -> None:
    try:
        upstream.reset_password(store, email, reset_token, new_password)
    except MagentoNotFound:
        raise FieldErrors({"email": "This email address does not match the reset link."}) from None
    except MagentoInputError as exc:
        errors = _field_errors(exc)
        if "token" in (errors.general + " ".join(errors.fields.values())).lower():
            raise FieldErrors({}, "Your password reset link has expired or was already used.") from None
        raise errors from None
    audit.record(request, AccountEvent.PASSWORD_RESET, email)


def save_address(request: HttpRequest, store: str, address: dict[str, object], address_id: int | None = None) -> None:
    token = _token(request)
    try:
        if address_id is None:
            upstream.create_address(store, token, address)
        else:
            upstream.update_address(store, token, address_id, address)
    except MagentoInputError as exc:
        raise FieldErrors({}, exc.message) from None


def delete_address(request: HttpRequest, store: str, address_id: int) -> None:
    try:
        upstream.delete_address(store, _token(request), address_id)
    except MagentoInputError as exc:
        raise FieldErrors({}, exc.message) from None


def _token(request: HttpRequest) -> str:
    token = customer_session.token(request)
    if token is None:
        # Views check sign-in first; reaching here means the token vanished mid-request: same as expiry.
        raise MagentoAuthError("Not signed in.")
    return token

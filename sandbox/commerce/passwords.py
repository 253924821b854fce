"""Password hashing and Magento's password rules.

Rules: a salted PBKDF2 with few iterations — the sandbox is a test double and logins must stay fast on a
2-core CI box (Django's default hasher costs ~1 s per check). Strength rules follow
``AccountManagement::checkPasswordStrength`` with Magento's defaults: at most 256 characters, at least 8,
no leading/trailing space, at least 3 of the classes lower, upper, digit, special; never equal to the email.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sandbox.commerce.errors import InputError

ITERATIONS = 2000
MIN_LENGTH = 8
MAX_LENGTH = 256
REQUIRED_CLASSES = 3


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ITERATIONS).hex()
    return f"pbkdf2_sha256${ITERATIONS}${salt}${digest}"


def check_password(password: str, encoded: str) -> bool:
    try:
        _, iterations, salt, digest = encoded.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)


def check_strength(password: str) -> None:
    if len(password) > MAX_LENGTH:
        raise InputError("Please enter a password with at most %1 characters.", [MAX_LENGTH])
    if len(password) < MIN_LENGTH:
        raise InputError(
            "The password needs at least %1 characters. Create a new password and try again.", [MIN_LENGTH]
        )
    if password.strip() != password:
        raise InputError("The password can't begin or end with a space. Verify the password and try again.")
    classes = sum(bool(re.search(pattern, password)) for pattern in (r"[0-9]", r"[A-Z]", r"[a-z]", r"[^a-zA-Z0-9]"))
    if classes < REQUIRED_CLASSES:
        raise InputError(
            "Minimum of different classes of characters in password is %1. "
            "Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
            [REQUIRED_CLASSES],
        )


def check_differs_from_email(email: str, password: str) -> None:
    if email and email.strip().lower() == password.strip().lower():
        raise InputError("The password can't be the same as the email address. Create a new password and try again.")

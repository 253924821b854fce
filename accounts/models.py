"""The accounts audit trail: who signed in, failed to, signed out or changed a password, and when.

Rules: never a secret in a row (no token, no password, no reset token); the e-mail is stored lowercased so
failures against one account can be found; the client address and request id tie a row to access logs.
"""

from __future__ import annotations

from django.db import models


class AccountEvent(models.Model):
    LOGIN_SUCCESS = "login_success"
    LOGIN_FAILURE = "login_failure"
    LOGOUT = "logout"
    REGISTER = "register"
    PASSWORD_CHANGE = "password_change"  # noqa: S105 - an event name
    PASSWORD_RESET_REQUEST = "password_reset_request"  # noqa: S105 - an event name
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an event name
    EVENTS = [
        (LOGIN_SUCCESS, "Login succeeded"),
        (LOGIN_FAILURE, "Login failed"),
        (LOGOUT, "Logout"),
        (REGISTER, "Account created"),
        (PASSWORD_CHANGE, "Password changed"),
        (PASSWORD_RESET_REQUEST, "Password reset requested"),
        (PASSWORD_RESET, "Password reset"),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(max_length=32, choices=EVENTS)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    ip = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.email}"

"""Typed Magento errors: the one vocabulary the rest of the storefront uses for "Magento said no".

Rules:
- Every failure of an upstream call surfaces as a ``MagentoError`` subclass; httpx exceptions, JSON
  decoding errors and HTML error pages never escape ``storefront.magento``.
- Messages are Magento's own (placeholders filled); they never contain the bearer token, a full URL with
  ids, or request variables. ``operation`` is the route template / GraphQL operation name, never a
  filled path.
- GraphQL auth decision: Magento answers a customer query without (or with a rejected) token with
  ``graphql-authorization`` "The current customer isn't authorized.", and a bad bearer token with
  ``graphql-authentication``. For a storefront both mean "log in again", so both map to
  ``MagentoAuthError``; ``MagentoForbidden`` is only REST's 403.
- Placeholders are filled the way Magento's ``Phrase\\Renderer\\Placeholder`` does it: ``%1``.. from a
  list (1-based), ``%name`` from an object, longest placeholder first, in a single pass (PHP ``strtr``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


def fill_placeholders(template: str, parameters: object) -> str:
    """Fill ``%1``/``%name`` placeholders like Magento's Placeholder renderer (PHP ``strtr``)."""
    pairs: dict[str, str] = {}
    if isinstance(parameters, Mapping):
        pairs = {f"%{key}": _as_text(value) for key, value in parameters.items()}
    elif isinstance(parameters, Sequence) and not isinstance(parameters, str | bytes):
        pairs = {f"%{index}": _as_text(value) for index, value in enumerate(parameters, start=1)}
    if not pairs or not template:
        return template
    # strtr tries the longest key first, so "%10" wins over "%1"; one pass, so a filled value that
    # itself contains "%2" is never expanded again.
    pattern = re.compile("|".join(re.escape(key) for key in sorted(pairs, key=len, reverse=True)))
    return pattern.sub(lambda match: pairs[match.group(0)], template)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        # PHP casts true to "1" and false to "" when it renders a phrase argument.
        return "1" if value else ""
    return str(value)


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of Magento's aggregated ``errors`` list (e.g. several InputException messages)."""

    message: str
    template: str
    parameters: object = None


class MagentoError(Exception):
    """Base class: Magento refused or could not answer an upstream call."""

    default_message = "Magento request failed."

    def __init__(
        self,
        message: str | None = None,
        *,
        operation: str = "",
        status: int = 0,
        categories: frozenset[str] = frozenset(),
    ) -> None:
        self.message = message or self.default_message
        self.operation = operation
        self.status = status
        self.categories = categories
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, operation={self.operation!r}, status={self.status})"

    def redact(self, secret: str | None) -> None:
        """Remove a secret (the bearer token) from every text this error carries, however nested."""
        if not secret:
            return
        for name, value in list(vars(self).items()):
            setattr(self, name, _scrub(value, secret))
        self.args = tuple(_scrub(arg, secret) for arg in self.args)


def _scrub(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, "[redacted]")
    if isinstance(value, dict):
        return {_scrub(k, secret): _scrub(v, secret) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub(item, secret) for item in value)
    if isinstance(value, ErrorDetail):
        return ErrorDetail(
            _scrub(value.message, secret), _scrub(value.template, secret), _scrub(value.parameters, secret)
        )
    return value


# Failures after which Magento may have acted on a write although we saw no answer: the request reached it.
MAY_HAVE_ACTED = frozenset({"timeout", "dropped", "status", "garbage"})


class MagentoUnavailable(MagentoError):
    """Magento is down or answered nonsense. ``reason`` says which, for logs, metrics and /readyz.

    reason: "timeout" | "connect" (nothing reached Magento) | "dropped" (the connection broke after the request
    was sent: Magento may have acted on it) | "status" (5xx) | "garbage" (not JSON, wrong content type) |
    "circuit_open" (failed fast, no network I/O) | "maintenance" (503 with Magento's maintenance page) |
    "busy" (this process already has its maximum of calls in flight; failed fast, no network I/O).
    """

    default_message = "Magento is unavailable."

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: str,
        operation: str = "",
        status: int = 0,
        retry_after: float | None = None,
        maintenance: bool = False,
    ) -> None:
        super().__init__(message, operation=operation, status=status)
        self.reason = reason
        self.retry_after = retry_after
        # Also true for a fast failure (circuit open) while the last real answer was the maintenance page, so
        # shoppers keep seeing "down for maintenance" for the whole window, not a generic outage page.
        self.maintenance = maintenance or reason == "maintenance"

    @property
    def may_have_acted(self) -> bool:
        """Magento got the request and may have carried it out (a write must not be reported as not done)."""
        return self.reason in MAY_HAVE_ACTED

    def __repr__(self) -> str:
        return (
            f"MagentoUnavailable({self.message!r}, reason={self.reason!r}, "
            f"operation={self.operation!r}, status={self.status})"
        )


class MagentoAuthError(MagentoError):
    """401, or a GraphQL authentication/authorization error: the customer must log in again."""

    default_message = "The consumer isn't authorized."


class MagentoForbidden(MagentoError):
    """403 from REST."""

    default_message = "Forbidden."


class MagentoNotFound(MagentoError):
    """404 from REST (NoSuchEntityException, unknown route) or GraphQL ``graphql-no-such-entity``."""

    default_message = "Not found."


class MagentoInputError(MagentoError):
    """400 from REST or GraphQL ``graphql-input``: Magento rejected what we sent.

    ``message`` has the placeholders filled; ``template`` and ``parameters`` keep Magento's raw form;
    ``errors`` holds the per-field entries of an aggregated exception, each filled the same way.
    """

    default_message = "Magento rejected the request."

    def __init__(
        self,
        message: str | None = None,
        *,
        template: str = "",
        parameters: object = None,
        errors: Sequence[ErrorDetail] = (),
        operation: str = "",
        status: int = 400,
        categories: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(message, operation=operation, status=status, categories=categories)
        self.template = template or self.message
        self.parameters = parameters
        self.errors = list(errors)


class MagentoRateLimited(MagentoError):
    """429 (or GraphQL ``graphql-too-many-requests``); ``retry_after`` in seconds when Magento said."""

    default_message = "Too many requests to Magento."

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        operation: str = "",
        status: int = 429,
        categories: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(message, operation=operation, status=status, categories=categories)
        self.retry_after = retry_after


class MagentoGraphQLError(MagentoError):
    """A GraphQL response with errors that no narrower class fits, or errors alongside partial data.

    ``errors`` is Magento's list, ``categories`` the set of ``extensions.category`` values, ``data`` the
    partial data (may be ``None``).
    """

    default_message = "Magento GraphQL error."

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: Sequence[Mapping[str, Any]] = (),
        data: Any = None,
        operation: str = "",
        status: int = 200,
        categories: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(message, operation=operation, status=status, categories=categories)
        self.errors = list(errors)
        self.data = data

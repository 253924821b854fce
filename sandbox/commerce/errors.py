"""Magento's exception families, shared by the REST layer and the GraphQL resolvers.

Rules: ``message`` is Magento's untranslated template (``%1`` or ``%name`` placeholders left in) and
``parameters`` a list (positional) or a dict (named), exactly what REST renders. ``status`` follows
``Webapi\\ErrorProcessor::maskException``: NoSuchEntity 404, authorization/authentication 401, every other
LocalizedException 400. GraphQL renders the filled-in message with the family's category.
"""

from __future__ import annotations

import re
from typing import Any


class MagentoError(Exception):
    status = 400
    category = "graphql-input"

    def __init__(
        self,
        message: str,
        parameters: list[Any] | dict[str, Any] | None = None,
        errors: list[MagentoError] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.parameters: list[Any] | dict[str, Any] = parameters if parameters is not None else []
        self.errors = errors or []

    def rendered(self) -> str:
        return render_message(self.message, self.parameters)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "parameters": self.parameters}
        if self.errors:
            out["errors"] = [{"message": e.message, "parameters": e.parameters} for e in self.errors]
        return out


class InputError(MagentoError):
    """InputException, InputMismatchException, StateException, CouldNotSaveException ... → 400."""


class NoSuchEntity(MagentoError):
    status = 404
    category = "graphql-no-such-entity"


class AuthorizationError(MagentoError):
    status = 401
    category = "graphql-authorization"


class AuthenticationError(MagentoError):
    status = 401
    category = "graphql-authentication"


class RouteError(MagentoError):
    """A ``Webapi\\Exception`` that keeps its own HTTP code (404 no route, 400 decoding error ...)."""

    def __init__(self, message: str, status: int, parameters: list[Any] | None = None) -> None:
        super().__init__(message, parameters)
        self.status = status


def render_message(message: str, parameters: list[Any] | dict[str, Any]) -> str:
    """Fill ``%1`` / ``%name`` placeholders the way Magento's Phrase renderer does."""
    if isinstance(parameters, dict):
        names = sorted(parameters, key=len, reverse=True)  # %fieldName before %field
        for name in names:
            message = message.replace(f"%{name}", str(parameters[name]))
        return message

    def positional(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(parameters[index]) if 0 <= index < len(parameters) else match.group(0)

    return re.sub(r"%(\d+)", positional, message)


def no_such_entity(field: str, value: Any) -> NoSuchEntity:
    return NoSuchEntity("No such entity with %fieldName = %fieldValue", {"fieldName": field, "fieldValue": str(value)})


def no_such_entity_double(field: str, value: Any, field2: str, value2: Any) -> NoSuchEntity:
    return NoSuchEntity(
        "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
        {"fieldName": field, "fieldValue": str(value), "field2Name": field2, "field2Value": str(value2)},
    )


def required(field: str) -> InputError:
    return InputError('"%fieldName" is required. Enter and try again.', {"fieldName": field})


def invalid_value(field: str, value: Any) -> InputError:
    return InputError(
        'Invalid value of "%value" provided for the %fieldName field.',
        {"value": str(value), "fieldName": field},
    )


def not_authorized(resource: str = "self") -> AuthorizationError:
    return AuthorizationError("The consumer isn't authorized to access %resources.", {"resources": resource})

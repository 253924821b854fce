"""Body parameter coercion, after ``Webapi\\ServiceInputProcessor``.

Rules: a missing required parameter is ``"%fieldName" is required. Enter and try again.`` (aggregated into
"One or more input exceptions have occurred." when several are missing); a value of the wrong type is
``The "%value" value's type is invalid. The "%type" type was expected. Verify and try again.`` — both 400.
PHP is lenient with scalars: ``"2"`` is a fine int, ``2`` a fine string, so we are too.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.commerce.errors import InputError, required


def type_error(value: Any, expected: str) -> InputError:
    shown = value if isinstance(value, str | int | float) else type(value).__name__
    return InputError(
        'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
        {"value": str(shown), "type": expected},
    )


def require_all(body: dict[str, Any], *names: str) -> None:
    missing = [name for name in names if body.get(name) is None]
    if len(missing) == 1:
        raise required(missing[0])
    if missing:
        raise InputError("One or more input exceptions have occurred.", errors=[required(name) for name in missing])


def obj(body: dict[str, Any], name: str, *, optional: bool = False) -> dict[str, Any] | None:
    value = body.get(name)
    if value is None:
        if optional:
            return None
        raise required(name)
    if not isinstance(value, dict):
        raise type_error(value, "object")
    return value


def string(body: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if optional:
            return None
        raise required(name)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise type_error(value, "string")
    return str(value)


def integer(body: dict[str, Any], name: str, *, optional: bool = False) -> int | None:
    value = body.get(name)
    if value is None:
        if optional:
            return None
        raise required(name)
    return as_int(value)


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise type_error(value, "int")


def as_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise type_error(value, "float")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise type_error(value, "float") from None
    if not number.is_finite():
        raise type_error(value, "float")
    return number


def string_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise type_error(value, "string[]")
    return [str(v) for v in value]

"""Magento's ``fields=`` response filter (``Framework\\Webapi\\Rest\\Response\\FieldsFilter``).

Rules: only letters, digits, ``_``, ``[``, ``]`` and ``,`` are allowed; a malformed filter (bad characters,
unbalanced brackets) filters everything away (an empty array), it is not an error. Lists are filtered
element by element; scalars are returned unchanged.
"""

from __future__ import annotations

import re
from typing import Any

_ALLOWED = re.compile(r"^[A-Za-z0-9_\[\],]+$")

Tree = dict[str, "Tree | None"]


def parse(spec: str) -> Tree | None:
    """``items[sku,name],total_count`` → ``{"items": {"sku": None, "name": None}, "total_count": None}``."""
    if not _ALLOWED.match(spec):
        return None
    stack: list[Tree] = [{}]
    name = ""
    for char in spec:
        if char == ",":
            if name:
                stack[-1][name] = None
            name = ""
        elif char == "[":
            if not name:
                return None
            child: Tree = {}
            stack[-1][name] = child
            stack.append(child)
            name = ""
        elif char == "]":
            if len(stack) == 1:
                return None
            if name:
                stack[-1][name] = None
            stack.pop()
            name = ""
        else:
            name += char
    if len(stack) != 1:
        return None
    if name:
        stack[0][name] = None
    return stack[0]


def apply(data: Any, tree: Tree) -> Any:
    if isinstance(data, list):
        return [apply(element, tree) for element in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, sub in tree.items():
        if key not in data:
            continue
        out[key] = data[key] if sub is None else apply(data[key], sub)
    return out


def filter_response(data: Any, spec: str) -> Any:
    tree = parse(spec)
    if tree is None:
        return []
    return apply(data, tree)

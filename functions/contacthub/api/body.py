"""Decoding a request body as JSON, the same way for the REST dialects and GraphQL (no powertools import)."""
from __future__ import annotations

import json
from typing import Any

# DynamoDB numbers carry 38 digits; Python itself refuses to convert literals past 4,300 digits with a
# ValueError that would surface as a 500.
MAX_INT_DIGITS = 38


class MalformedBody(ValueError):
    """The body is not JSON of the expected shape: a 400 wherever it is read."""


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise MalformedBody(f"Syntax error: integer literals are limited to {MAX_INT_DIGITS} digits")
    return int(literal)


def decode_json(raw: str | bytes) -> Any:
    """The body as JSON. NaN and Infinity are read (the domain refuses them, naming the field)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedBody("Syntax error: the request body is not UTF-8 encoded JSON") from None
    try:
        return json.loads(raw, parse_int=_bounded_int)
    except RecursionError:  # json.loads recurses once per nesting level
        raise MalformedBody("Syntax error: the request body is nested too deeply") from None
    except MalformedBody:
        raise
    except ValueError:
        if not raw.strip():
            raise MalformedBody("Syntax error: the request body is empty; a JSON object is expected") from None
        raise MalformedBody("Syntax error: the request body is not a valid JSON object") from None


def decode_object(raw: str | bytes) -> dict[str, Any]:
    """The body as a JSON object: any other top-level type (an array, a string, a number, null) is refused."""
    data = decode_json(raw)
    if not isinstance(data, dict):
        raise MalformedBody(f"Syntax error: the request body must be a JSON object, not {_json_type(data)}")
    return data


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in a decoded value (iterative: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array"

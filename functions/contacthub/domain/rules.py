"""What may be stored, written one way: small declarative rules, applied by every use case.

A rule is called with a value and its property path, and answers the normalised value or raises
ValidationFailed naming the path. `validate` applies a table of rules to a set of changes and reports every
bad field at once. Wire models check only wire syntax; what may be kept is decided here.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from . import messages
from .errors import ValidationFailed, Violation
from .text import canonical_uuid, has_control_character, has_line_break, is_encodable, parse_datetime

# JSON this deep is a mistake or an attack; it would also exhaust the stack of recursive readers.
MAX_JSON_DEPTH = 32


class Rule(Protocol):
    def __call__(self, value: Any, path: str) -> Any: ...


def fail(path: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed.one(path, message, code)


def validate(rules: Mapping[str, Rule], changes: Mapping[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The changes checked and normalised by their rules; raises ValidationFailed listing every bad field.

    Every value must first be storable JSON (UTF-8 text, finite numbers, bounded nesting); unknown fields are
    refused, never dropped; ``required`` fields must be present.
    """
    out: dict[str, Any] = {}
    violations: list[Violation] = []
    for key, value in changes.items():
        problem = json_problem(value)
        if problem is not None:
            violations.append(Violation(key, *problem))
        elif key not in rules:
            violations.append(Violation(key, messages.READ_ONLY, "read_only"))
        else:
            try:
                out[key] = rules[key](value, key)
            except ValidationFailed as error:
                violations.extend(error.violations)
    violations.extend(Violation(key, messages.BLANK, "blank") for key in required if key not in changes)
    if violations:
        raise ValidationFailed(violations)
    return out


def json_problem(value: Any, max_depth: int = MAX_JSON_DEPTH) -> tuple[str, str] | None:
    """(message, code) when the value could not be stored and read back as JSON, else None.

    Iterative, so a value nested thousands deep is refused rather than exhausting the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not is_encodable(item):
                return messages.ENCODING, "encoding"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return messages.NOT_FINITE, "not_finite"
        elif isinstance(item, (dict, list, tuple)):
            if depth > max_depth:
                return messages.too_deep(max_depth), "too_deep"
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return None


# --------------------------------------------------------------------------- scalar rules
@dataclass(frozen=True)
class Text:
    """A string, trimmed (None when nothing is left unless required), at most ``max_length`` long."""

    max_length: int | None = None
    required: bool = False  # null and blank are refused
    unit: str = "characters"  # or "bytes" (UTF-8)
    single_line: bool = False
    no_control: bool = False  # control characters other than tab (a header value)
    no_nul: bool = False
    normalize: Callable[[str], str] = str.strip

    def __call__(self, value: Any, path: str) -> str | None:
        if value is None:
            if self.required:
                raise fail(path, messages.NULL, "null")
            return None
        if not isinstance(value, str):
            raise fail(path, messages.of_type("string"), "type")
        if not is_encodable(value):
            raise fail(path, messages.ENCODING, "encoding")
        if not value.strip():
            if self.required:
                raise fail(path, messages.BLANK, "blank")
            return None
        if self.single_line and has_line_break(value):
            raise fail(path, messages.LINE_BREAK, "line_break")
        if self.no_control and has_control_character(value):
            raise fail(path, messages.CONTROL_CHARACTER, "control_character")
        if self.no_nul and "\x00" in value:
            raise fail(path, messages.NUL_CHARACTER, "invalid")
        text = self.normalize(value)
        size = len(text.encode("utf-8")) if self.unit == "bytes" else len(text)
        if self.max_length is not None and size > self.max_length:
            raise fail(path, messages.too_long(self.max_length, self.unit), "too_long")
        return text


@dataclass(frozen=True)
class RequiredText(Text):
    """A `Text` that null and blank never pass: it always answers a string."""

    required: bool = True

    def __call__(self, value: Any, path: str) -> str:
        text = super().__call__(value, path)
        if text is None:  # unreachable while required; keeps the answer a str for the type checker
            raise fail(path, messages.BLANK, "blank")
        return text


@dataclass(frozen=True)
class Pattern:
    """A short code matching ``regex`` once normalised (lower-cased, upper-cased...)."""

    regex: re.Pattern[str]
    message: str
    max_length: int
    normalize: Callable[[str], str] = str.strip

    def __call__(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > self.max_length:
            raise fail(path, self.message)
        normalized = self.normalize(value)
        if not self.regex.match(normalized):
            raise fail(path, self.message)
        return normalized


@dataclass(frozen=True)
class Choice:
    """One value of an enumeration."""

    enum: type[Enum]
    required: bool = False

    def __call__(self, value: Any, path: str) -> Enum | None:
        if value is None:
            if self.required:
                raise fail(path, messages.NULL, "null")
            return None
        try:
            return self.enum(value)
        except ValueError:
            allowed = ", ".join(str(e.value) for e in self.enum)
            raise fail(path, messages.choice(allowed), "choice") from None


@dataclass(frozen=True)
class Boolean:
    def __call__(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise fail(path, messages.of_type("bool"), "type")
        return value


@dataclass(frozen=True)
class Uuid:
    """A UUID in canonical form; anything else names nothing (``message``, ``code``)."""

    message: str
    code: str = "not_found"

    def __call__(self, value: Any, path: str) -> str:
        if value is None:
            raise fail(path, messages.NULL, "null")
        canonical = canonical_uuid(value)
        if canonical is None:
            raise fail(path, self.message, self.code)
        return canonical


@dataclass(frozen=True)
class Moment:
    """An ISO 8601 date or date-time as an aware UTC datetime in whole seconds, within [earliest, latest)."""

    earliest: datetime
    latest: datetime
    range_message: str

    def __call__(self, value: Any, path: str) -> datetime:
        if value is None:
            raise fail(path, messages.NULL, "null")
        moment = parse_datetime(value)
        if moment is None:
            raise fail(path, messages.INVALID_DATETIME, "invalid_datetime")
        if not self.earliest <= moment < self.latest:
            raise fail(path, self.range_message, "range")
        return moment.replace(microsecond=0)


# --------------------------------------------------------------------------- collections
@dataclass(frozen=True)
class Many:
    """A list of items each checked by ``item``, duplicates (by ``key``) dropped, at most ``max_items``.

    ``count_distinct``: the bound applies to what is left once duplicates are dropped.
    """

    item: Rule
    max_items: int
    key: Callable[[Any], Any] | None = None
    count_distinct: bool = False

    def __call__(self, value: Any, path: str) -> tuple[Any, ...]:
        values = value
        if values is None:
            return ()
        if not isinstance(values, (list, tuple)):
            raise fail(path, messages.of_type("array"), "type")
        if not self.count_distinct and len(values) > self.max_items:
            raise fail(path, messages.too_many(self.max_items), "too_many")
        result: dict[Any, Any] = {}
        violations: list[Violation] = []
        for i, value in enumerate(values):
            try:
                item = self.item(value, f"{path}[{i}]")
            except ValidationFailed as error:
                violations.extend(error.violations)
                continue
            result.setdefault(self.key(item) if self.key else item, item)
        if violations:
            raise ValidationFailed(violations)
        if len(result) > self.max_items:
            raise fail(path, messages.too_many(self.max_items), "too_many")
        return tuple(result.values())


@dataclass(frozen=True)
class JsonObject:
    """A JSON object. Storability (UTF-8, finite numbers, depth) is checked for every value by `validate`;
    this bounds its shape: key count and length, scalar values only, value length, encoded size."""

    max_keys: int | None = None
    max_key_length: int | None = None
    scalars_only: bool = False
    max_value_length: int | None = None
    max_bytes: int | None = None

    def __call__(self, value: Any, path: str) -> dict[str, Any] | None:
        import json

        if value is None:
            return None
        if not isinstance(value, dict):
            raise fail(path, messages.JSON_OBJECT, "type")
        problem = json_problem(value)
        if problem is not None:
            raise fail(path, *problem)
        if self.max_keys is not None and len(value) > self.max_keys:
            raise fail(path, messages.too_many(self.max_keys), "too_many")
        for key, item in value.items():
            item_path = f"{path}.{key}"
            if self.max_key_length is not None and not 0 < len(key) <= self.max_key_length:
                raise fail(item_path, messages.key_length(self.max_key_length), "key")
            if self.scalars_only and isinstance(item, (dict, list, tuple)):
                raise fail(item_path, messages.JSON_SCALAR, "type")
            if isinstance(item, str) and self.max_value_length is not None and len(item) > self.max_value_length:
                raise fail(item_path, messages.too_long(self.max_value_length), "too_long")
        try:
            encoded = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):  # a value no JSON parser produces (callers inside the process)
            raise fail(path, messages.JSON_OBJECT, "type") from None
        if self.max_bytes is not None and len(encoded.encode("utf-8")) > self.max_bytes:
            raise fail(path, messages.too_large(len(encoded.encode("utf-8")), self.max_bytes), "too_large")
        copy: dict[str, Any] = json.loads(encoded)
        return copy  # a deep copy: stored values never share mutable state with the caller


@dataclass(frozen=True)
class Record:
    """A JSON object with known fields, each with its rule (a nested value such as a location)."""

    fields: Mapping[str, Rule]
    required: tuple[str, ...] = ()

    def __call__(self, value: Any, path: str) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise fail(path, messages.JSON_OBJECT, "type")
        try:
            nested = validate(self.fields, value, self.required)  # unknown keys are refused, like any field
        except ValidationFailed as error:
            raise ValidationFailed([Violation(f"{path}.{v.path}", v.message, v.code)
                                    for v in error.violations]) from None
        return {k: nested.get(k) for k in self.fields}

"""What the API reference says about responses, as data: JSON Schema fragments shared by the dialects' tables.

Each dialect with responses its routes do not declare through pydantic models lists them in its own
`reference.py` as `SUCCESS = {(method, path): Success(...)}`; the OpenAPI generator applies the table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]


@dataclass(frozen=True)
class Success:
    """The success answer of one operation: its status, media type and body schema (None: no body)."""

    status: int
    schema: Schema | None
    description: str = "Success"
    media_type: str = "application/json"
    headers: tuple[str, ...] = field(default_factory=tuple)


def text(nullable: bool = True, **extra: Any) -> Schema:
    return {"type": ["string", "null"] if nullable else "string", **extra}


def obj(properties: dict[str, Schema], required: tuple[str, ...] | None = None, extra: bool = False) -> Schema:
    """An object with these properties, all present (unless `required` says otherwise)."""
    return {"type": "object", "properties": properties,
            "required": sorted(properties if required is None else required), "additionalProperties": extra}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


DATE_TIME = text(format="date-time")

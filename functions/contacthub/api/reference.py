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
    errors: tuple[int, ...] = ()  # statuses beyond the ones every operation of its kind can answer


def text(nullable: bool = True, **extra: Any) -> Schema:
    return {"type": ["string", "null"] if nullable else "string", **extra}


def obj(properties: dict[str, Schema], required: tuple[str, ...] | None = None, extra: bool = False) -> Schema:
    """An object with these properties, all present (unless `required` says otherwise)."""
    return {"type": "object", "properties": properties,
            "required": sorted(properties if required is None else required), "additionalProperties": extra}


def named(name: str, schema: Schema) -> Schema:
    """A schema the API reference lists under this name in its components (a type name for generated clients)."""
    return {"title": name, **schema}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


DATE_TIME = text(format="date-time")


# ------------------------------------------------------------------ domain rules, as request schema keywords
# Pass as `Field(json_schema_extra=...)`: the domain enforces them (and names the field); the wire models only
# document them, so every dialect keeps the domain's wording.
def _rules() -> dict[str, Schema]:
    from ..domain import contact as c

    return {
        "required_text": {"pattern": r"\S", "maxLength": c.MAX_SHORT_TEXT},
        "text": {"maxLength": c.MAX_SHORT_TEXT},
        "long_text": {"maxLength": c.MAX_LONG_TEXT},
        "url": {"maxLength": c.MAX_URL},
        "emails": {"maxItems": c.MAX_EMAILS, "items": {"type": "string", "format": "email", "maxLength": 254}},
        "email": {"format": "email", "maxLength": 254},
        "phone": {"pattern": r"\d", "maxLength": 40},
        "phones": {"maxItems": c.MAX_PHONES, "items": {"type": "string", "pattern": r"\d", "maxLength": 40}},
        # At most MAX_TAGS distinct tags (case and spacing folded): a count JSON Schema cannot state.
        "tags": {"description": f"At most {c.MAX_TAGS} distinct tags, each at most {c.MAX_TAG_LENGTH} characters",
                 "items": {"type": "string", "pattern": r"\S", "maxLength": c.MAX_TAG_LENGTH}},
        "custom_fields": {"maxProperties": c.MAX_CUSTOM_FIELDS,
                          "propertyNames": {"minLength": 1, "maxLength": c.MAX_CUSTOM_FIELD_KEY},
                          "additionalProperties": {"anyOf": [
                              {"type": "string", "maxLength": c.MAX_CUSTOM_FIELD_VALUE}, {"type": "number"},
                              {"type": "boolean"}, {"type": "null"}]}},
        "channel": {"pattern": r"^\s*[A-Za-z0-9][A-Za-z0-9_-]*\s*$", "maxLength": c.MAX_CHANNEL},
    }


RULES = _rules()


def not_null(extra: Schema | None = None):
    """`json_schema_extra` for an optional property that may be left out but not sent as null."""
    def edit(schema: Schema) -> None:
        options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
        if len(options) == 1:
            schema.update(options[0])
        elif options:
            schema["anyOf"] = options
        schema.pop("default", None)
        schema.update(extra or {})
    return edit

"""whautomate wire models. Requests refuse unknown properties; responses document what mapping.py emits."""
from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, field_validator
from pydantic_core import PydanticCustomError

from ...domain.contact import Stage


def _encodable(value: str) -> str:
    # JSON escapes can smuggle lone surrogates ("\ud800"), which no UTF-8 store accepts.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("unicode", "This value is not valid Unicode text.") from None
    return value


WireStr = Annotated[StrictStr, AfterValidator(_encodable)]


def _storable(key: str, value: Any) -> None:
    _encodable(key)
    if isinstance(value, str):
        _encodable(value)
    elif isinstance(value, float) and not math.isfinite(value):
        # Python's json reads NaN and Infinity, which no JSON client could read back.
        raise PydanticCustomError("number", "customFields.{key}: not a finite number.", {"key": key})


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationBody(_Wire):
    id: WireStr
    title: WireStr | None = None


class ContactBody(_Wire):
    """The body of POST /v1/contacts and PUT /v1/contacts/{contactId} (same fields, same validation)."""

    id: WireStr | None = Field(None, description="Ignored on POST; on PUT it must equal contactId.")
    name: WireStr
    phoneNumber: WireStr = Field(description="Primary phone, kept as typed.")
    stage: Stage | None = None
    notes: WireStr | None = None
    customFields: dict[str, Any] | None = Field(
        None, description="Flat JSON object: string, number, boolean or null values.")
    tags: list[WireStr] | None = None
    location: LocationBody | None = None
    channel: WireStr | None = Field(None, description="Messaging channel: whatsapp, instagram, telegram...")

    @field_validator("customFields")
    @classmethod
    def _storable_values(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        # The domain checks the shape (flat, scalar, bounded); this checks what JSON and UTF-8 cannot carry.
        for key, item in (value or {}).items():
            _storable(key, item)
        return value


class TagsBody(_Wire):
    tags: list[WireStr]


# ------------------------------------------------------------------ responses (OpenAPI only)
class LocationOut(_Wire):
    id: str
    title: str | None = None


class ContactOut(_Wire):
    id: str
    name: str
    phoneNumber: str | None
    location: LocationOut | None
    stage: Stage | None
    notes: str | None
    customFields: dict[str, Any]
    tags: list[str]
    channel: str | None


class TagsOut(_Wire):
    id: str
    tags: list[str]


class DeleteOut(_Wire):
    success: bool


class ErrorDetail(_Wire):
    field: str
    message: str


class ErrorOut(_Wire):
    error: str
    message: str
    field: str | None = None
    details: list[ErrorDetail] | None = None

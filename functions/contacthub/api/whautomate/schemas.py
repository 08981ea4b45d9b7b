"""whautomate wire models. Requests refuse unknown properties; responses document what mapping.py emits."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ...domain.contact import Stage
from ..reference import RULES


class _Wire(BaseModel):
    # Built when first used (a write, or the API reference), not when a read imports the routes.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class LocationBody(_Wire):
    id: StrictStr = Field(json_schema_extra=RULES["required_text"])
    title: StrictStr | None = Field(None, json_schema_extra=RULES["text"])


class ContactBody(_Wire):
    """The body of POST /v1/contacts and PUT /v1/contacts/{contactId} (same fields, same validation)."""

    id: StrictStr | None = Field(None, description="Ignored on POST; on PUT it must equal contactId.")
    name: StrictStr = Field(json_schema_extra=RULES["required_text"])
    phoneNumber: StrictStr = Field(description="Primary phone, kept as typed.", json_schema_extra=RULES["phone"])
    stage: Stage | None = None
    notes: StrictStr | None = Field(None, json_schema_extra=RULES["long_text"])
    customFields: dict[str, Any] | None = Field(
        None, description="Flat JSON object: string, number, boolean or null values.",
        json_schema_extra=RULES["custom_fields"])
    tags: list[StrictStr] | None = Field(None, json_schema_extra=RULES["tags"])
    location: LocationBody | None = None
    channel: StrictStr | None = Field(None, description="Messaging channel: whatsapp, instagram, telegram...",
                                      json_schema_extra=RULES["channel"])


class TagsBody(_Wire):
    tags: list[StrictStr] = Field(json_schema_extra=RULES["tags"])


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

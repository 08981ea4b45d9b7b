"""whautomate wire models. Requests refuse unknown properties; responses document what mapping.py emits."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ...domain.contact import Stage


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationBody(_Wire):
    id: StrictStr
    title: StrictStr | None = None


class ContactBody(_Wire):
    """The body of POST /v1/contacts and PUT /v1/contacts/{contactId} (same fields, same validation)."""

    id: StrictStr | None = Field(None, description="Ignored on POST; on PUT it must equal contactId.")
    name: StrictStr
    phoneNumber: StrictStr = Field(description="Primary phone, kept as typed.")
    stage: Stage | None = None
    notes: StrictStr | None = None
    customFields: dict[str, Any] | None = Field(
        None, description="Flat JSON object: string, number, boolean or null values.")
    tags: list[StrictStr] | None = None
    location: LocationBody | None = None
    channel: StrictStr | None = Field(None, description="Messaging channel: whatsapp, instagram, telegram...")


class TagsBody(_Wire):
    tags: list[StrictStr]


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

"""/hub/v1 wire models. Requests refuse unknown properties; responses document what mapping.py emits."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from ...domain.contact import Stage
from ...domain.contact_batch import MAX_BATCH_SIZE, BatchMode, MatchKey


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookCreate(_Wire):
    url: StrictStr = Field(description="https URL receiving the events (Standard Webhooks)",
                           json_schema_extra={"pattern": r"^\s*https?://[^\s/?#@]+", "maxLength": 2048})
    events: list[StrictStr] = Field(description='Event types, or ["*"] for all')
    description: StrictStr | None = None
    enabled: StrictBool = True


class WebhookPatch(_Wire):
    url: StrictStr | None = None
    events: list[StrictStr] | None = None
    description: StrictStr | None = None
    enabled: StrictBool | None = None


class PhoneIn(_Wire):
    number: StrictStr = Field(description="As typed; an E.164 form is derived when the number is possible")
    e164: StrictStr | None = Field(None, description="Ignored: derived from `number`")


class LocationIn(_Wire):
    id: StrictStr
    title: StrictStr | None = None


class ContactFields(_Wire):
    """Canonical contact fields. A create needs name, firstName/lastName or an email; an update changes only the
    fields given, null clears one, and a list replaces the old one. The domain rules (lengths, formats,
    counts) answer 400 with each bad field named."""

    name: StrictStr | None = Field(None, description="Display name; given alone it is split into first and last "
                                                     "name")
    firstName: StrictStr | None = None
    lastName: StrictStr | None = None
    emails: list[StrictStr] | None = Field(None, description="Ordered, the first is primary; duplicates "
                                                             "(case-insensitive) are dropped")
    phones: list[StrictStr | PhoneIn] | None = Field(None, description="Numbers as typed, or `{\"number\"}` objects as "
                                                                       "answered; ordered, the first is primary")
    company: StrictStr | None = None
    position: StrictStr | None = None
    address: StrictStr | None = None
    website: StrictStr | None = None
    linkedinUrl: StrictStr | None = None
    facebookUrl: StrictStr | None = None
    instagramUrl: StrictStr | None = None
    twitterUrl: StrictStr | None = None
    photo: StrictStr | None = None
    notes: StrictStr | None = None
    meetingContext: StrictStr | None = None
    stage: Stage | None = None
    pipelineStateId: StrictStr | None = Field(None, description="A pipeline state of the workspace")
    tags: list[StrictStr] | None = None
    customFields: dict[str, Any] | None = Field(None, description="Strings, numbers, booleans or nulls")
    location: LocationIn | None = None
    channel: StrictStr | None = Field(None, description="whatsapp, telegram, ... (lower-case)")


class ContactBatch(_Wire):
    mode: BatchMode = Field(description="create: every item is a new contact; upsert: an item matching an "
                                        "existing contact updates it (its given fields), the others are created")
    matchBy: list[MatchKey] = Field(default=[MatchKey.EMAIL, MatchKey.PHONE], min_length=1, description=(
        "upsert only: the keys tried in order, email (any of the item's, case-insensitive) then phone (any, by "
        "E.164). A key matching several contacts is an error for that item"))
    # Objects of any shape here: each item's fields are read on their own, so a bad one fails alone.
    contacts: list[dict[str, Any]] = Field(max_length=MAX_BATCH_SIZE, description=(
        "Contact fields as in POST /hub/v1/contacts. Each item is checked and written on its own: its errors "
        "are in its result. An item that is not a JSON object makes the whole request a 400"))


# ------------------------------------------------------------------ responses (OpenAPI only)
class ResourceRef(BaseModel):
    type: str
    id: str
    number: int | None = None


class EventOut(BaseModel):
    id: str
    type: str
    time: str
    resource: ResourceRef
    data: dict[str, Any] = Field(description="The resource after the change (its last state when deleted)")
    changes: list[str] | None = Field(None, description="Changed fields (updates only)")


class EventPage(BaseModel):
    data: list[EventOut]
    next: str | None


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabledReason: str | None
    failingSince: str | None
    createdAt: str
    updatedAt: str


class WebhookWithSecret(WebhookOut):
    secret: str = Field(description="whsec_... signing secret, shown only in this answer")


class WebhookPage(BaseModel):
    data: list[WebhookOut]
    next: str | None


class AttemptOut(BaseModel):
    at: str
    statusCode: int | None
    error: str | None


class DeliveryOut(BaseModel):
    id: str
    eventId: str
    eventType: str
    status: str = Field(description="pending, succeeded, failed (retries exhausted, in the dead-letter queue) "
                                    "or cancelled (subscription gone or disabled)")
    attempts: list[AttemptOut]
    nextAttemptAt: str | None
    createdAt: str
    event: dict[str, Any]


class DeliveryPage(BaseModel):
    data: list[DeliveryOut]
    next: str | None


class PhoneOut(BaseModel):
    number: str
    e164: str | None


class LocationOut(BaseModel):
    id: str
    title: str | None


class ContactOut(BaseModel):
    id: str
    number: int = Field(description="Per-workspace integer id")
    name: str
    firstName: str | None
    lastName: str | None
    emails: list[str]
    phones: list[PhoneOut]
    company: str | None
    position: str | None
    address: str | None
    website: str | None
    linkedinUrl: str | None
    facebookUrl: str | None
    instagramUrl: str | None
    twitterUrl: str | None
    photo: str | None
    notes: str | None
    meetingContext: str | None
    status: str = Field(description="Lifecycle status, set by the system")
    stage: str | None
    pipelineStateId: str | None
    tags: list[str]
    customFields: dict[str, Any]
    location: LocationOut | None
    channel: str | None
    createdAt: str
    updatedAt: str
    lastActivityAt: str | None
    version: int = Field(description="The ETag's version")


class ContactPage(BaseModel):
    data: list[ContactOut]
    next: str | None


class FieldError(BaseModel):
    field: str
    message: str
    code: str


class ProblemOut(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class BatchResultOut(BaseModel):
    index: int = Field(description="Position of the item in `contacts`")
    status: str = Field(description="created, updated, unchanged or error")
    id: str | None = Field(None, description="The contact written or matched (absent on error)")
    contact: ContactOut | None = Field(None, description="The contact as saved (absent on error)")
    error: ProblemOut | None = Field(None, description="Why the item was not written (problem details)")


class BatchOut(BaseModel):
    data: list[BatchResultOut] = Field(description="One result per item, in order")

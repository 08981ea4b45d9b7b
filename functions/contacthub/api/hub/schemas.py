"""/hub/v1 wire models. Requests refuse unknown properties; responses document what mapping.py emits."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookCreate(_Wire):
    url: StrictStr = Field(description="https URL receiving the events (Standard Webhooks)")
    events: list[StrictStr] = Field(description='Event types, or ["*"] for all')
    description: StrictStr | None = None
    enabled: StrictBool = True


class WebhookPatch(_Wire):
    url: StrictStr | None = None
    events: list[StrictStr] | None = None
    description: StrictStr | None = None
    enabled: StrictBool | None = None


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

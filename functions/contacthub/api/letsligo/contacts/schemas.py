"""letsligo Contact wire models (requests). Unknown and read-only properties are refused, never silently written."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictStr

from ...reference import RULES

from ..models import WireModel


class ContactFields(WireModel):
    """Every writable contact property; PATCH sends any subset (null clears a field)."""

    name: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    emails: list[StrictStr] | None = Field(None, json_schema_extra=RULES["emails"])
    company: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    position: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    phones: list[StrictStr] | None = Field(None, json_schema_extra=RULES["phones"])
    address: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    website: StrictStr | None = Field(None, json_schema_extra=RULES["url"])
    linkedinUrl: StrictStr | None = Field(None, json_schema_extra=RULES["url"])
    additionalInfo: StrictStr | None = Field(None, json_schema_extra=RULES["long_text"])
    meetingContext: StrictStr | None = Field(None, json_schema_extra=RULES["long_text"])


class ContactCreate(ContactFields):
    name: StrictStr = Field(json_schema_extra=RULES["required_text"])


class ContactExtend(WireModel):
    text: StrictStr = Field(json_schema_extra={"pattern": r"\S"})
    field: Literal["additionalInfo", "meetingContext"] = "additionalInfo"


class PipelineStateChange(WireModel):
    stateId: StrictStr | None = None

"""letsligo Contact wire models (requests). Unknown and read-only properties are refused, never silently written."""
from __future__ import annotations

from typing import Literal

from pydantic import StrictStr

from ..wire import WireModel


class ContactFields(WireModel):
    """Every writable contact property; PATCH sends any subset (null clears a field)."""

    name: StrictStr | None = None
    emails: list[StrictStr] | None = None
    company: StrictStr | None = None
    position: StrictStr | None = None
    phones: list[StrictStr] | None = None
    address: StrictStr | None = None
    website: StrictStr | None = None
    linkedinUrl: StrictStr | None = None
    additionalInfo: StrictStr | None = None
    meetingContext: StrictStr | None = None


class ContactCreate(ContactFields):
    name: StrictStr


class ContactExtend(WireModel):
    text: StrictStr
    field: Literal["additionalInfo", "meetingContext"] = "additionalInfo"


class PipelineStateChange(WireModel):
    stateId: StrictStr | None = None

"""skarbe wire models (requests). Unknown properties are refused (400), never silently dropped."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictInt, StrictStr


def _one_or_many(value: Any) -> Any:
    # The doc names the field in the plural without showing it; a lone string is taken as one number.
    return [value] if isinstance(value, str) else value


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContactCreate(_Wire):
    """The documented create fields plus `leadStatus` (a lead status integer id of the caller's workspace)."""

    email: StrictStr | None = None
    firstName: StrictStr | None = None
    lastName: StrictStr | None = None
    jobTitle: StrictStr | None = None
    companyName: StrictStr | None = None
    phoneNumbers: Annotated[list[StrictStr] | None, BeforeValidator(_one_or_many)] = None
    facebookUrl: StrictStr | None = None
    instagramUrl: StrictStr | None = None
    linkedinUrl: StrictStr | None = None
    twitterUrl: StrictStr | None = None
    note: StrictStr | None = None
    leadStatus: StrictInt | None = None

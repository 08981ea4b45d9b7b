"""skarbe wire models (requests). Unknown properties are refused (400), never silently dropped."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StrictStr

from ..reference import RULES


def _one_or_many(value: Any) -> Any:
    # The doc names the field in the plural without showing it; a lone string is taken as one number.
    return [value] if isinstance(value, str) else value


class _Wire(BaseModel):
    # Built when first used (a write, or the API reference), not when a read imports the routes.
    model_config = ConfigDict(extra="forbid", defer_build=True)


# "At least email or firstName is required": one of them is a string, and a first name is not blank.
_IDENTITY: dict[str, Any] = {"anyOf": [{"required": ["email"], "properties": {"email": {"type": "string"}}},
                       {"required": ["firstName"], "properties": {"firstName": {"type": "string", "pattern": r"\S"}}}]}


class ContactCreate(_Wire):
    """The documented create fields plus `leadStatus` (a lead status integer id of the caller's workspace)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_IDENTITY)

    email: StrictStr | None = Field(None, json_schema_extra=RULES["email"])
    firstName: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    lastName: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    jobTitle: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    companyName: StrictStr | None = Field(None, json_schema_extra=RULES["text"])
    phoneNumbers: Annotated[list[StrictStr] | None, BeforeValidator(_one_or_many)] = Field(
        None, description="Phone numbers (a lone string is taken as one)", json_schema_extra=RULES["phones"])
    facebookUrl: StrictStr | None = Field(None, json_schema_extra=RULES["url"])
    instagramUrl: StrictStr | None = Field(None, json_schema_extra=RULES["url"])
    linkedinUrl: StrictStr | None = Field(None, json_schema_extra=RULES["url"])
    twitterUrl: StrictStr | None = Field(None, json_schema_extra=RULES["url"])
    note: StrictStr | None = Field(None, json_schema_extra=RULES["long_text"])
    leadStatus: StrictInt | None = None

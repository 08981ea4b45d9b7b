"""/hub/v1 duplicates wire models (responses, for the OpenAPI document)."""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from .schemas import ContactOut


class DuplicateReason(str, Enum):
    email = "email"
    phone = "phone"
    name_company = "name+company"
    name_email_domain = "name+emailDomain"


REASONS_DESCRIPTION = ("Why: `email` (an address in common, any case), `phone` (a number in common in E.164), "
                       "`name+company` (similar names, same company), `name+emailDomain` (similar names, an email "
                       "domain in common other than a public mailbox provider)")


class DuplicateOut(BaseModel):
    contact: ContactOut
    score: float = Field(ge=0, le=1, description="How likely the two are one person (0..1)")
    reasons: list[DuplicateReason] = Field(description=REASONS_DESCRIPTION)


class DuplicateGroupOut(BaseModel):
    contact: ContactOut = Field(description="The group's oldest contact (the contact checked, with `contactId`)")
    duplicates: list[DuplicateOut] = Field(description="Its likely duplicates, surest first")
    score: float = Field(ge=0, le=1, description="The highest score among `duplicates`")
    reasons: list[DuplicateReason] = Field(description="Every reason found in the group")


class DuplicateGroupPage(BaseModel):
    data: list[DuplicateGroupOut]
    next: str | None = Field(description="Where the walk goes on; null once every contact was examined. A page "
                                         "may hold fewer groups than `limit`, even none, and still have one")

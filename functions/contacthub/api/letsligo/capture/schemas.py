"""letsligo contact capture (prepare/confirm wizard): request models."""
from __future__ import annotations

from pydantic import Field, StrictStr

from ..contacts.schemas import ContactFields
from ..models import WireModel


class ContactPrepare(WireModel):
    text: StrictStr = Field(description="Raw text to extract a contact from: an email signature, one or more "
                                        "vCards (2.1, 3.0, 4.0; the first is used), a pasted business card. "
                                        "At most 20 KB.", json_schema_extra={"pattern": r"\S"})
    overrides: ContactFields | None = Field(None, description="Field values that replace what was extracted")


class ContactConfirm(WireModel):
    confirmationToken: StrictStr = Field(description="The token answered by /api/contacts/prepare; valid "
                                                     "once, for one hour, in the workspace that prepared it")
    overrides: ContactFields | None = Field(None, description="Last-minute field values")

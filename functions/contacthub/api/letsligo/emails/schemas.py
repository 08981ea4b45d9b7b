"""letsligo email wire models (requests): prepare, refine and send. Unknown properties are refused."""
from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StrictStr

from ....domain.email import MAX_BODY, MAX_INSTRUCTION, MAX_SUBJECT
from ..models import WireModel

MAX_ADDRESS = 254
MAX_SESSION_ID = 64


SessionId = Annotated[StrictStr, Field(max_length=MAX_SESSION_ID, description="From a prepare answer")]


class EmailContent(WireModel):
    """An email as the client has it (currentEmail: its own edits; emailData: what to send)."""

    subject: Annotated[StrictStr, Field(max_length=MAX_SUBJECT, description="One line")]
    body: Annotated[StrictStr, Field(max_length=MAX_BODY, description="Plain text")]
    to: Annotated[StrictStr | None, Field(max_length=MAX_ADDRESS,
                                          description="Recipient; default: the contact's first email")] = None


class PrepareEmail(WireModel):
    message: Annotated[StrictStr, Field(max_length=MAX_INSTRUCTION, description="Instruction, in any language",
                                        json_schema_extra={"pattern": r"\S"})]
    sessionId: SessionId | None = None
    currentEmail: EmailContent | None = None


class RefineEmail(WireModel):
    instruction: Annotated[StrictStr, Field(max_length=MAX_INSTRUCTION,
                                            description='e.g. "Shorten paragraph 2"',
                                            json_schema_extra={"pattern": r"\S"})]
    sessionId: SessionId
    currentEmail: EmailContent | None = None


class SendEmail(WireModel):
    """Either the session whose latest draft to send, or the email itself (or both: emailData wins)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"anyOf": [
        {"required": ["sessionId"], "properties": {"sessionId": {"type": "string"}}},
        {"required": ["emailData"], "properties": {"emailData": {"type": "object"}}}]})

    sessionId: SessionId | None = None
    emailData: EmailContent | None = None

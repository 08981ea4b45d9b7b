"""letsligo AI email routes: prepare, refine and send an email to a contact.

Wire models and the pure draft/sent-email mapping live here too (golden tests: tests/integration/
test_letsligo_emails.py). Errors are domain errors rendered by the dialect's one error map: 404 unknown
contact or session, 409 a session already sent, 422 invalid input or no recipient, 503 + Retry-After when the
model or the mail service fails (the draft is kept).
"""
from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ...domain.email import MAX_BODY, MAX_INSTRUCTION, MAX_SUBJECT, DraftResult, EmailDraft, Sender, SentEmail
from ...wiring import services
from ..common import principal
from .mapping import CONTACTS, iso
from .routes import _json

emails = Router()

MAX_ADDRESS = 254
MAX_SESSION_ID = 64


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


SessionId = Annotated[StrictStr, Field(max_length=MAX_SESSION_ID, description="From a prepare answer")]


class EmailContent(_Wire):
    """An email as the client has it (currentEmail: its own edits; emailData: what to send)."""

    subject: Annotated[StrictStr, Field(max_length=MAX_SUBJECT, description="One line")]
    body: Annotated[StrictStr, Field(max_length=MAX_BODY, description="Plain text")]
    to: Annotated[StrictStr | None, Field(max_length=MAX_ADDRESS,
                                          description="Recipient; default: the contact's first email")] = None


class PrepareEmail(_Wire):
    message: Annotated[StrictStr, Field(max_length=MAX_INSTRUCTION, description="Instruction, in any language")]
    sessionId: SessionId | None = None
    currentEmail: EmailContent | None = None


class RefineEmail(_Wire):
    instruction: Annotated[StrictStr, Field(max_length=MAX_INSTRUCTION,
                                            description='e.g. "Shorten paragraph 2"')]
    sessionId: SessionId
    currentEmail: EmailContent | None = None


class SendEmail(_Wire):
    """Either the session whose latest draft to send, or the email itself (or both: emailData wins)."""

    sessionId: SessionId | None = None
    emailData: EmailContent | None = None


# --------------------------------------------------------------------------- mapping (pure)
def draft_from_wire(content: EmailContent | None) -> dict | None:
    return content.model_dump() if content is not None else None


def draft_to_wire(contact_id: str, result: DraftResult, composer: str) -> dict[str, Any]:
    draft: EmailDraft = result.draft
    return {
        "@context": "/api/contexts/EmailDraft",
        "@type": "EmailDraft",
        "contact": f"{CONTACTS}/{contact_id}",
        "sessionId": result.session.id,
        "version": result.version.number,
        "subject": draft.subject,
        "body": draft.body,
        "to": draft.to,
        "notes": list(result.notes),
        "composer": composer,
        "expiresAt": iso(result.session.expires_at),
    }


def sent_to_wire(sent: SentEmail) -> dict[str, Any]:
    return {
        "@context": "/api/contexts/SentEmail",
        "@type": "SentEmail",
        "contact": f"{CONTACTS}/{sent.contact_id}",
        "status": "sent",
        "messageId": sent.message_id,
        "sessionId": sent.session_id,
        "to": sent.to,
        "subject": sent.subject,
        "sentAt": iso(sent.sent_at),
    }


# --------------------------------------------------------------------------- routes
def _sender() -> Sender:
    """The calling user signs the email and receives the replies."""
    user, workspace = services().workspaces.me(principal(emails))
    return Sender(name=user.name if user else None, reply_to=user.email if user else None,
                  organisation=workspace.name if workspace else None)


@emails.post("/api/contacts/<id>/emails/prepare")
def prepare_contact_email(id: str, body: PrepareEmail):
    email_service = services().emails
    result = email_service.prepare(principal(emails).workspace_id, id, body.message, body.sessionId,
                                   draft_from_wire(body.currentEmail), sender=_sender())
    return _json(draft_to_wire(id, result, result.version.source))


@emails.post("/api/contacts/<id>/emails/refine")
def refine_contact_email(id: str, body: RefineEmail):
    result = services().emails.refine(principal(emails).workspace_id, id, body.instruction, body.sessionId,
                                      draft_from_wire(body.currentEmail), sender=_sender())
    return _json(draft_to_wire(id, result, result.version.source))


@emails.post("/api/contacts/<id>/emails/send")
def send_contact_email(id: str, body: SendEmail):
    sent = services().emails.send(principal(emails).workspace_id, id, body.sessionId,
                                  draft_from_wire(body.emailData), sender=_sender())
    return _json(sent_to_wire(sent))

"""letsligo AI email routes: prepare, refine and send an email to a contact.

Errors are domain errors rendered by the dialect's one error map: 404 unknown contact or session, 409 a
session already sent, 422 invalid input or no recipient, 503 + Retry-After when the model or the mail service
fails (the draft is kept).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler.api_gateway import Router

from ....domain.email import Sender
from ....wiring import services
from ...common import principal
from ...validation import lazy_module
from ..wire import json_response
from .mapping import draft_from_wire, draft_to_wire, sent_to_wire

emails = Router()
if TYPE_CHECKING:
    from . import schemas
else:  # request bodies: imported when a write (or the API reference) first needs them
    schemas = lazy_module(__package__ + ".schemas")


def _sender() -> Sender:
    """The calling user signs the email and receives the replies."""
    user, workspace = services().workspaces.me(principal(emails))
    return Sender(name=user.name if user else None, reply_to=user.email if user else None,
                  organisation=workspace.name if workspace else None)


@emails.post("/api/contacts/<id>/emails/prepare")
def prepare_contact_email(id: str, body: schemas.PrepareEmail):
    email_service = services().emails
    result = email_service.prepare(principal(emails).workspace_id, id, body.message, body.sessionId,
                                   draft_from_wire(body.currentEmail), sender=_sender())
    return json_response(draft_to_wire(id, result, result.version.source))


@emails.post("/api/contacts/<id>/emails/refine")
def refine_contact_email(id: str, body: schemas.RefineEmail):
    result = services().emails.refine(principal(emails).workspace_id, id, body.instruction, body.sessionId,
                                      draft_from_wire(body.currentEmail), sender=_sender())
    return json_response(draft_to_wire(id, result, result.version.source))


@emails.post("/api/contacts/<id>/emails/send")
def send_contact_email(id: str, body: schemas.SendEmail):
    sent = services().emails.send(principal(emails).workspace_id, id, body.sessionId,
                                  draft_from_wire(body.emailData), sender=_sender())
    return json_response(sent_to_wire(sent))

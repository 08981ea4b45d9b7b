"""letsligo contact capture: POST /api/contacts/prepare and /api/contacts/confirm (the creation wizard).

prepare extracts a contact from pasted text and answers it with a one-time confirmationToken and the
workspace's likely duplicates; nothing is created until confirm. See services/capture.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler.api_gateway import Router

from ....wiring import services
from ...common import principal
from ...validation import lazy_module
from ..contacts.routes import contact_response
from ..wire import json_response
from .mapping import overrides_from_wire, prepared_to_wire

capture = Router()
if TYPE_CHECKING:
    from . import schemas
else:  # request bodies: imported when a write (or the API reference) first needs them
    schemas = lazy_module(__package__ + ".schemas")


@capture.post("/api/contacts/prepare")
def prepare_contact(body: schemas.ContactPrepare):
    """Extract a contact from a signature or vCard; answer it with a confirmation token. Creates nothing."""
    prepared = services().capture.prepare(principal(capture).workspace_id, body.text,
                                          overrides_from_wire(body.overrides))
    return json_response(prepared_to_wire(prepared))


@capture.post("/api/contacts/confirm")
def confirm_contact(body: schemas.ContactConfirm):
    """Create the prepared contact (201). A token works once: used or expired 410, unknown 404."""
    contact = services().capture.confirm(principal(capture).workspace_id, body.confirmationToken,
                                         overrides_from_wire(body.overrides))
    return contact_response(contact, 201)

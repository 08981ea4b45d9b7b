"""skarbe routes: parse, map, call one service, map back."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...ports import ContactQuery
from ...wiring import services
from .. import conditional
from ..common import next_link, principal
from ..validation import Query, lazy_module
from . import mapping
from .errors import SKARBE

contacts = Router()
lead_statuses = Router()
account = Router()
if TYPE_CHECKING:
    from . import schemas
else:  # request bodies: imported when a write (or the API reference) first needs them
    schemas = lazy_module(__package__ + ".schemas")


def _json(body, status: int = 200, headers: dict[str, str] | None = None):
    return Response(status, SKARBE.content_type, json.dumps(body, ensure_ascii=False), headers=headers)


def _states_by_id(workspace_id: str) -> dict:
    return {s.id: s for s in services().pipeline.list(workspace_id)}


@contacts.get("/api/connect/contacts", responses={200: {"description": "Success", "headers": {
    "Link": {"description": 'With `query`: RFC 8288 link to the next matches, `<...?cursor=...>; rel="next"`, '
                            "absent on the last page", "schema": {"type": "string"}}}}})
def list_contacts(
    query: Annotated[str | None, Query(max_length=mapping.MAX_QUERY_LENGTH)] = None,
    limit: Annotated[int, Query(ge=1, le=mapping.MAX_RESULTS)] = mapping.MAX_RESULTS,
    cursor: Annotated[str | None, Query(max_length=2000, description=(
        'From the `Link: <...>; rel="next"` header of a search: the next matches'))] = None,
):
    """Contacts whose first name, last name or email starts with `query`; without it the most recently active."""
    ws = principal(contacts).workspace_id
    text = mapping.search_text(query)
    headers = None
    if text:
        page = services().contacts.search(ws, ContactQuery(person=text), 0, limit, cursor=cursor)
        found = page.items
        headers = {"Link": next_link(contacts.current_event, page.next)} if page.next else None
    else:
        found = services().contacts.recently_active(ws, limit)
    states = _states_by_id(ws) if any(c.pipeline_state_id for c in found) else {}
    return _json([mapping.contact_to_wire(c, states.get(c.pipeline_state_id)) for c in found], headers=headers)


@contacts.post("/api/connect/contacts")
def create_contact(body: schemas.ContactCreate):
    # 200, not 201: the vendor documents 200 as the success status of every endpoint.
    ws = principal(contacts).workspace_id
    sent = body.model_dump(exclude_unset=True)
    states = services().pipeline.list(ws) if sent.get("leadStatus") is not None else []
    contact = services().contacts.create(ws, mapping.create_fields(sent, states))
    state = next((s for s in states if s.id == contact.pipeline_state_id), None)
    return conditional.tagged(_json(mapping.contact_to_wire(contact, state)), contact.version)


@contacts.get("/api/connect/contacts/<id>")
def get_contact(id: str):
    ws = principal(contacts).workspace_id
    contact = services().contacts.get_by_number(ws, mapping.contact_number(id))
    return conditional.read(contacts, contact.version, lambda: _json(mapping.contact_to_wire(
        contact, _states_by_id(ws).get(contact.pipeline_state_id) if contact.pipeline_state_id else None)))


@lead_statuses.get("/api/connect/contacts/lead-statuses")
def list_lead_statuses():
    states = services().pipeline.list(principal(lead_statuses).workspace_id)
    return _json([mapping.lead_status_to_wire(s) for s in states])


@account.get("/api/connect/me")
def me():
    user, workspace = services().workspaces.me(principal(account))
    return _json(mapping.me_to_wire(user, workspace))

"""letsligo routes: contacts and pipeline states. Parse, map, call one service, map back."""
from __future__ import annotations

import json
from typing import Annotated, Optional

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from ...domain.contact import Status
from ...ports import ContactQuery
from ...services.paging import MAX_OFFSET, MAX_PAGE_SIZE
from ...wiring import services
from ..common import BadRequest, json_body, parse, principal
from . import mapping
from .errors import LETSLIGO
from .schemas import ContactCreate, ContactExtend, ContactFields, PipelineStateChange

contacts = Router()
pipeline_states = Router()

DEFAULT_PAGE_SIZE = 30  # API Platform's default itemsPerPage


def _json(body: dict, status: int = 200):
    return Response(status, LETSLIGO.content_type, json.dumps(body, ensure_ascii=False))


def _contact_response(contact, status: int = 200):
    ws = contact.workspace_id
    state = services().pipeline.find(ws, contact.pipeline_state_id)
    return _json(mapping.contact_to_wire(contact, state), status)


@contacts.post("/api/contacts")
def create_contact(body: ContactCreate):
    fields = mapping.fields_from_wire(body.model_dump(exclude_unset=True))
    return _contact_response(services().contacts.create(principal(contacts).workspace_id, fields), 201)


@contacts.get("/api/contacts")
def list_contacts(
    page: Annotated[int, Query(ge=1, le=MAX_OFFSET)] = 1,
    itemsPerPage: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    name: Annotated[Optional[str], Query(max_length=100)] = None,
    company: Annotated[Optional[str], Query(max_length=100)] = None,
    email: Annotated[Optional[str], Query(max_length=254)] = None,
    phone: Annotated[Optional[str], Query(max_length=40)] = None,
    status: Annotated[Optional[str], Query()] = None,
    pipelineState: Annotated[Optional[str], Query(max_length=200)] = None,
):
    if status is not None and status not in {s.value for s in Status}:
        raise BadRequest(f'Invalid status "{status}"; expected one of ' + ", ".join(s.value for s in Status))
    ws = principal(contacts).workspace_id
    state_id = mapping.id_from_iri(pipelineState, mapping.PIPELINE_STATES) if pipelineState else None
    query = ContactQuery(name=name, company=company, email=email, phone=phone, status=status,
                         pipeline_state_id=state_id)
    result = services().contacts.search(ws, query, offset=(page - 1) * itemsPerPage, limit=itemsPerPage)
    states = {s.id: s for s in services().pipeline.list(ws)}
    members = [mapping.contact_member(c, states.get(c.pipeline_state_id or "")) for c in result.items]
    params = {k: v for k, v in contacts.current_event.query_string_parameters.items() if k != "page"} \
        if contacts.current_event.query_string_parameters else {}
    return _json(mapping.collection(mapping.CONTACTS, "Contact", members, result.total, page, itemsPerPage, params))


@contacts.get("/api/contacts/<id>")
def get_contact(id: str):
    return _contact_response(services().contacts.get(principal(contacts).workspace_id, id))


@contacts.patch("/api/contacts/<id>")
def update_contact(id: str, body: ContactFields):
    fields = mapping.fields_from_wire(body.model_dump(exclude_unset=True))
    return _contact_response(services().contacts.update(principal(contacts).workspace_id, id, fields))


@contacts.delete("/api/contacts/<id>")
def delete_contact(id: str):
    services().contacts.delete(principal(contacts).workspace_id, id)
    return Response(204, LETSLIGO.content_type, "")


@contacts.post("/api/contacts/<id>/extend")
def extend_contact(id: str, body: ContactExtend):
    contact = services().contacts.extend(principal(contacts).workspace_id, id, body.text,
                                         mapping.EXTEND_FIELDS[body.field])
    return _contact_response(contact)


@contacts.patch("/api/contacts/<id>/pipeline-state")
def update_contact_pipeline_state(id: str):
    # The body is optional: an empty body, {} or {"stateId": null} all take the contact out of the pipeline.
    raw = contacts.current_event.body
    change = parse(PipelineStateChange, json_body(contacts) if raw and raw.strip() else {})
    state_id = mapping.id_from_iri(change.stateId, mapping.PIPELINE_STATES) if change.stateId else None
    contact = services().contacts.set_pipeline_state(principal(contacts).workspace_id, id, state_id)
    return _contact_response(contact)


@pipeline_states.get("/api/pipeline_states")
def list_pipeline_states(page: Annotated[int, Query(ge=1, le=MAX_OFFSET)] = 1):
    states = services().pipeline.list(principal(pipeline_states).workspace_id)
    chunk = states[(page - 1) * DEFAULT_PAGE_SIZE: page * DEFAULT_PAGE_SIZE]
    members = [mapping.state_to_wire(s, with_context=False) for s in chunk]
    return _json(mapping.collection(mapping.PIPELINE_STATES, "PipelineState", members, len(states), page,
                                    DEFAULT_PAGE_SIZE, {}))


@pipeline_states.get("/api/pipeline_states/<id>")
def get_pipeline_state(id: str):
    return _json(mapping.state_to_wire(services().pipeline.get(principal(pipeline_states).workspace_id, id)))

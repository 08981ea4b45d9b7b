"""letsligo contact routes (/api/contacts). Parse, map, call one service, map back."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ....domain.contact import Status
from ....ports import ContactQuery
from ....services.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from ....wiring import services
from ... import conditional
from ...common import BadRequest, json_body, parse, principal
from ...validation import Query, lazy_module
from ..errors import LETSLIGO
from ..pipeline_states.mapping import PIPELINE_STATES
from ..wire import collection, id_from_iri, json_response
from . import mapping

contacts = Router()
if TYPE_CHECKING:
    from . import schemas
else:  # request bodies: imported when a write (or the API reference) first needs them
    schemas = lazy_module(__package__ + ".schemas")


def contact_response(contact, status: int = 200):
    """The contact as letsligo shows it (with its pipeline state); capture's confirm answers it too."""
    ws = contact.workspace_id
    state = services().pipeline.find(ws, contact.pipeline_state_id)
    return conditional.tagged(json_response(mapping.contact_to_wire(contact, state), status), contact.version)


@contacts.post("/api/contacts")
def create_contact(body: schemas.ContactCreate):
    fields = mapping.fields_from_wire(body.model_dump(exclude_unset=True))
    return contact_response(services().contacts.create(principal(contacts).workspace_id, fields), 201)


@contacts.get("/api/contacts")
def list_contacts(
    page: Annotated[int, Query(ge=1)] = 1,
    itemsPerPage: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[Optional[str], Query(max_length=2000, description=(
        "From `hydra:next`: continues after the previous page, stable under concurrent writes "
        "(`page` then only numbers the view)"))] = None,
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
    state_id = id_from_iri(pipelineState, PIPELINE_STATES) if pipelineState else None
    query = ContactQuery(name=name, company=company, email=email, phone=phone, status=status,
                         pipeline_state_id=state_id)
    offset = 0 if cursor else (page - 1) * itemsPerPage
    result = services().contacts.search(ws, query, offset=offset, limit=itemsPerPage, cursor=cursor,
                                        with_total=True)
    states = {s.id: s for s in services().pipeline.list(ws)}
    members = [mapping.contact_member(c, states.get(c.pipeline_state_id or "")) for c in result.items]
    params = {k: v for k, v in contacts.current_event.query_string_parameters.items() if k not in ("page", "cursor")} \
        if contacts.current_event.query_string_parameters else {}
    return json_response(collection(mapping.CONTACTS, "Contact", members, result.total or 0, page, itemsPerPage,
                                    params, result.next, keyset=True))


@contacts.get("/api/contacts/<id>")
def get_contact(id: str):
    contact = services().contacts.get(principal(contacts).workspace_id, id)
    return conditional.read(contacts, contact.version, lambda: contact_response(contact))


@contacts.patch("/api/contacts/<id>")
def update_contact(id: str, body: schemas.ContactFields):
    fields = mapping.fields_from_wire(body.model_dump(exclude_unset=True))
    return contact_response(services().contacts.update(principal(contacts).workspace_id, id, fields,
                                                       expected_version=conditional.if_match(contacts)))


@contacts.delete("/api/contacts/<id>")
def delete_contact(id: str):
    services().contacts.delete(principal(contacts).workspace_id, id, expected_version=conditional.if_match(contacts))
    return Response(204, LETSLIGO.content_type, "")


@contacts.post("/api/contacts/<id>/extend")
def extend_contact(id: str, body: schemas.ContactExtend):
    contact = services().contacts.extend(principal(contacts).workspace_id, id, body.text,
                                         mapping.EXTEND_FIELDS[body.field])
    return contact_response(contact)


@contacts.patch("/api/contacts/<id>/pipeline-state")
def update_contact_pipeline_state(id: str):
    # The body is optional: an empty body, {} or {"stateId": null} all take the contact out of the pipeline.
    raw = contacts.current_event.body
    change = parse(schemas.PipelineStateChange, json_body(contacts) if raw and raw.strip() else {})
    state_id = id_from_iri(change.stateId, PIPELINE_STATES) if change.stateId else None
    contact = services().contacts.set_pipeline_state(principal(contacts).workspace_id, id, state_id,
                                                     expected_version=conditional.if_match(contacts))
    return contact_response(contact)

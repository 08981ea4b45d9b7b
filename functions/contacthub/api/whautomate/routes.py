"""whautomate routes: parse, map, call one service, map back."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.contact import MAX_CHANNEL, MAX_SHORT_TEXT
from ...services.paging import MAX_PAGE_SIZE
from ...wiring import services
from .. import conditional
from ..common import next_link, principal
from ..validation import Query, documented, lazy_module
from . import mapping
from .errors import WHAUTOMATE

contacts = Router()
if TYPE_CHECKING:
    from . import schemas
else:  # wire models: imported when a write (or the API reference) first needs them, not by a read
    schemas = lazy_module(__package__ + ".schemas")

DEFAULT_LIMIT = 20  # the vendor's documented default
MAX_LIMIT = MAX_PAGE_SIZE


def _doc(model, description: str = "Success") -> dict:
    """OpenAPI responses of a route: its 200 model and the shared error shape."""
    error = {"content": {"application/json": {"model": schemas.ErrorOut}}}
    return {200: {"description": description, "content": {"application/json": {"model": model}}},
            400: {"description": "Invalid input", **error}, 401: {"description": "Missing or bad API key", **error},
            404: {"description": "No such contact in this workspace", **error}}


def _json(body, headers: dict[str, str] | None = None):
    return Response(200, WHAUTOMATE.content_type, json.dumps(body, ensure_ascii=False), headers=headers)


def _workspace() -> str:
    return principal(contacts).workspace_id


def _sent(body) -> dict:
    # Python mode: JSON mode would turn NaN into null and fail on deep values before the domain can refuse them.
    return body.model_dump(exclude_unset=True)


def _listed(model) -> dict:
    responses = _doc(model)
    responses[200]["headers"] = {
        "X-Total-Count": {"description": "Contacts matching the search, over all pages",
                          "schema": {"type": "integer"}},
        "Link": {"description": 'RFC 8288 link to the next page: `<...?cursor=...>; rel="next"`, absent on the '
                                "last page", "schema": {"type": "string"}}}
    return responses


@contacts.get("/v1/contacts", summary="Search contacts")
@documented(lambda: _listed(list[schemas.ContactOut]))
def search_contacts(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    page: Annotated[int, Query(ge=1)] = 1,
    tags: Annotated[str | None, Query(max_length=1000, description="Comma-separated; all must match")] = None,
    locationId: Annotated[str | None, Query(max_length=MAX_SHORT_TEXT)] = None,
    channel: Annotated[str | None, Query(max_length=MAX_CHANNEL)] = None,
    searchText: Annotated[str | None, Query(max_length=100, description="Name, phone or email")] = None,
    cursor: Annotated[str | None, Query(max_length=2000, description=(
        'From the `Link: <...>; rel="next"` header: continues after the previous page, stable under '
        "concurrent writes (instead of `page`)"))] = None,
):
    query = mapping.query_from_wire(searchText, tags, locationId, channel)
    result = services().contacts.search(_workspace(), query, offset=0 if cursor else (page - 1) * limit,
                                        limit=limit, cursor=cursor, with_total=True)
    headers = {"X-Total-Count": str(result.total)}
    if result.next:
        headers["Link"] = next_link(contacts.current_event, result.next)
    return _json([mapping.contact_to_wire(c) for c in result.items], headers)


@contacts.post("/v1/contacts", summary="Add contact")
@documented(lambda: _doc(schemas.ContactOut))
def add_contact(body: schemas.ContactBody):
    contact = services().contacts.create(_workspace(), mapping.fields_for_create(_sent(body)))
    return conditional.tagged(_json(mapping.contact_to_wire(contact)), contact.version)


@contacts.get("/v1/contacts/<contactId>", summary="Get contact by id")
@documented(lambda: _doc(schemas.ContactOut))
def get_contact(contactId: str):
    contact = services().contacts.get(_workspace(), contactId)
    return conditional.read(contacts, contact.version, lambda: _json(mapping.contact_to_wire(contact)))


@contacts.put("/v1/contacts/<contactId>", summary="Update contact")
@documented(lambda: _doc(schemas.ContactOut))
def update_contact(contactId: str, body: schemas.ContactBody):
    ws = _workspace()
    current = services().contacts.get(ws, contactId)
    changes = mapping.changes_for_put(_sent(body), current)
    # Replacing the primary phone reads the other phones: a concurrent write in between is a 409, never lost.
    contact = services().contacts.update(ws, contactId, changes, expected_version=conditional.if_match(contacts),
                                         based_on_version=current.version)
    return conditional.tagged(_json(mapping.contact_to_wire(contact)), contact.version)


@contacts.delete("/v1/contacts/<contactId>", summary="Delete contact")
@documented(lambda: _doc(schemas.DeleteOut))
def delete_contact(contactId: str):
    services().contacts.delete(_workspace(), contactId, expected_version=conditional.if_match(contacts))
    return _json({"success": True})


@contacts.post("/v1/contacts/<contactId>/tags/add", summary="Add tags to contact")
@documented(lambda: _doc(schemas.TagsOut))
def add_tags(contactId: str, body: schemas.TagsBody):
    return _json(mapping.tags_to_wire(services().contacts.add_tags(_workspace(), contactId, body.tags)))


@contacts.post("/v1/contacts/<contactId>/tags/remove", summary="Remove tags from contact")
@documented(lambda: _doc(schemas.TagsOut))
def remove_tags(contactId: str, body: schemas.TagsBody):
    return _json(mapping.tags_to_wire(services().contacts.remove_tags(_workspace(), contactId, body.tags)))

"""/hub/v1 routes: parse, call one service, map back."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.errors import DomainError
from ...domain.events import parse_types
from ...ports import ContactQuery
from ...services.contact_batch import BatchItemResult, write_batch
from ...services.paging import MAX_PAGE_SIZE
from ...wiring import services
from .. import conditional
from ..common import parse, principal
from ..validation import Query, documented, lazy_module
from . import mapping
from .errors import HUB

if TYPE_CHECKING:
    from . import schemas
else:  # wire models: imported when a write (or the API reference) first needs them, not by a read
    schemas = lazy_module(__package__ + ".schemas")

events = Router()
webhooks = Router()
contacts = Router()

# Page size and cursor are written out in each route's signature: type aliases would build powertools' Query
# (and import pydantic) when this module is imported, while annotations are only read when first needed.
CURSOR = "The `next` cursor of the previous page"


def _doc(model, status: int = 200, description: str = "Success") -> dict:
    problem = {"content": {"application/problem+json": {"model": schemas.ProblemOut}}}
    return {status: {"description": description, "content": {"application/json": {"model": model}}},
            400: {"description": "Invalid input (problem+json with field errors)", **problem},
            401: {"description": "Missing or bad API key", **problem},
            404: {"description": "No such resource in this workspace", **problem}}


def _json(body: Any, status: int = 200) -> Response:
    return Response(status, "application/json", json.dumps(body, ensure_ascii=False))


def _ws(router: Router) -> str:
    return principal(router).workspace_id


def _page(items: list, next_cursor: str | None) -> dict:
    return {"data": items, "next": next_cursor}


@events.get("/hub/v1/events", summary="Page through the change feed, oldest first")
@documented(lambda: _doc(schemas.EventPage))
def list_events(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")] = 50,
    after: Annotated[str | None, Query(
        max_length=512, description="The `next` cursor of the previous page, or the id of the last event handled "
                                    "(`evt_…`: resume after catching up, when `next` was null)")] = None,
    types: Annotated[str | None, Query(max_length=1000, description="Comma-separated event types")] = None,
):
    page = services().feed.page(_ws(events), after, parse_types(types), limit)
    return _json(_page(page.items, page.next))


@webhooks.post("/hub/v1/webhooks", summary="Subscribe a URL to events")
@documented(lambda: _doc(schemas.WebhookWithSecret, 201, "Created; the signing secret is shown only now"))
def create_webhook(body: schemas.WebhookCreate):
    subscription, secret = services().webhooks.create(_ws(webhooks), body.model_dump(exclude_unset=True))
    return _json(mapping.webhook_to_wire(subscription, secret), 201)


@webhooks.get("/hub/v1/webhooks", summary="List webhook subscriptions")
@documented(lambda: _doc(schemas.WebhookPage))
def list_webhooks():
    # A workspace has few subscriptions (bounded): one page holds them all.
    return _json(_page([mapping.webhook_to_wire(s) for s in services().webhooks.list(_ws(webhooks))], None))


@webhooks.get("/hub/v1/webhooks/<id>", summary="Get a webhook subscription")
@documented(lambda: _doc(schemas.WebhookOut))
def get_webhook(id: str):  # noqa: A002 - the path parameter's name
    return _json(mapping.webhook_to_wire(services().webhooks.get(_ws(webhooks), id)))


@webhooks.patch("/hub/v1/webhooks/<id>", summary="Change url, events, description or enabled")
@documented(lambda: _doc(schemas.WebhookOut))
def update_webhook(id: str, body: schemas.WebhookPatch):  # noqa: A002
    changes = body.model_dump(exclude_unset=True)
    return _json(mapping.webhook_to_wire(services().webhooks.update(_ws(webhooks), id, changes)))


@webhooks.delete("/hub/v1/webhooks/<id>", summary="Delete a webhook subscription",
                 responses={204: {"description": "Deleted"}})
def delete_webhook(id: str):  # noqa: A002
    services().webhooks.delete(_ws(webhooks), id)
    return Response(204, "application/json", "")


@webhooks.post("/hub/v1/webhooks/<id>/rotate-secret", summary="New signing secret (the old one signs 24 h more)")
@documented(lambda: _doc(schemas.WebhookWithSecret))
def rotate_secret(id: str):  # noqa: A002
    subscription, secret = services().webhooks.rotate_secret(_ws(webhooks), id)
    return _json(mapping.webhook_to_wire(subscription, secret))


@webhooks.get("/hub/v1/webhooks/<id>/deliveries", summary="The delivery log, oldest first")
@documented(lambda: _doc(schemas.DeliveryPage))
def list_deliveries(  # noqa: A002
    id: str,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")] = 50,
    after: Annotated[str | None, Query(max_length=512, description=CURSOR)] = None,
):
    page = services().webhooks.deliveries(_ws(webhooks), id, after, limit)
    return _json(_page([mapping.delivery_to_wire(d) for d in page.items], page.next))


@webhooks.post("/hub/v1/webhooks/<id>/deliveries/<deliveryId>/retry", summary="Attempt a delivery again now")
@documented(lambda: _doc(schemas.DeliveryOut, 202, "Queued"))
def retry_delivery(id: str, deliveryId: str):  # noqa: A002
    return _json(mapping.delivery_to_wire(services().webhooks.retry(_ws(webhooks), id, deliveryId)), 202)


# ---------------------------------------------------------------- contacts (canonical fields)
def _contact(contact, status: int = 200) -> Response:
    return conditional.tagged(_json(mapping.contact_to_wire(contact), status), contact.version)


def _fields(body: schemas.ContactFields) -> dict[str, Any]:
    # Python mode: JSON mode would turn NaN into null before the domain can refuse it.
    return mapping.fields_from_wire(body.model_dump(exclude_unset=True))


@contacts.get("/hub/v1/contacts", summary="Page through contacts, newest first")
@documented(lambda: _doc(schemas.ContactPage))
def list_contacts(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")] = 50,
    after: Annotated[str | None, Query(max_length=512, description=CURSOR)] = None,
    search: Annotated[str | None, Query(max_length=100, description="Name, email or phone")] = None,
):
    page = services().contacts.search(_ws(contacts), ContactQuery(text=search), limit=limit, cursor=after,
                                      cursor_field="after")
    return _json(_page([mapping.contact_to_wire(c) for c in page.items], page.next))


@contacts.post("/hub/v1/contacts", summary="Create a contact")
@documented(lambda: _doc(schemas.ContactOut, 201, "Created"))
def create_contact(body: schemas.ContactFields):
    contact = services().contacts.create(_ws(contacts), _fields(body))
    response = _contact(contact, 201)
    response.headers["Location"] = f"/hub/v1/contacts/{contact.id}"
    return response


@contacts.get("/hub/v1/contacts/<id>", summary="Get a contact")
@documented(lambda: _doc(schemas.ContactOut))
def get_contact(id: str):  # noqa: A002 - the path parameter's name
    contact = services().contacts.get(_ws(contacts), id)
    return conditional.read(contacts, contact.version, lambda: _contact(contact))


@contacts.patch("/hub/v1/contacts/<id>", summary="Change the given fields (null clears one)")
@documented(lambda: _doc(schemas.ContactOut))
def update_contact(id: str, body: schemas.ContactFields):  # noqa: A002
    return _contact(services().contacts.update(_ws(contacts), id, _fields(body),
                                               expected_version=conditional.if_match(contacts)))


@contacts.delete("/hub/v1/contacts/<id>", summary="Delete a contact and its tasks",
                 responses={204: {"description": "Deleted"}})
def delete_contact(id: str):  # noqa: A002
    services().contacts.delete(_ws(contacts), id, expected_version=conditional.if_match(contacts))
    return Response(204, "application/json", "")


@contacts.post("/hub/v1/contacts/batch", summary="Create or upsert up to 100 contacts, each on its own")
@documented(lambda: _doc(schemas.BatchOut, 200, "One result per item, in order (an item's error fails it alone)"))
def write_contacts(body: schemas.ContactBatch):
    items = [_batch_item(item) for item in body.contacts]
    results = write_batch(services().contacts, _ws(contacts), body.mode, body.matchBy, items)
    return _json({"data": [_batch_result(i, r) for i, r in enumerate(results)]})


def _batch_item(item: dict[str, Any]) -> dict[str, Any] | DomainError:
    try:
        return _fields(parse(schemas.ContactFields, item))
    except DomainError as error:
        return error


def _batch_result(index: int, result: BatchItemResult) -> dict[str, Any]:
    if result.error is not None:
        return {"index": index, "status": result.outcome.value, "error": HUB.render(HUB.problem_for(result.error))}
    assert result.contact is not None
    return {"index": index, "status": result.outcome.value, "id": result.contact.id,
            "contact": mapping.contact_to_wire(result.contact)}

"""/hub/v1 routes: parse, call one service, map back."""
from __future__ import annotations

import json
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from ...domain.events import parse_types
from ...services.paging import MAX_PAGE_SIZE
from ...wiring import services
from ..common import principal
from . import mapping
from .schemas import (
    DeliveryOut,
    DeliveryPage,
    EventPage,
    ProblemOut,
    WebhookCreate,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
    WebhookWithSecret,
)

events = Router()
webhooks = Router()

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
After = Annotated[str | None, Query(max_length=512, description="The `next` cursor of the previous page")]


def _doc(model, status: int = 200, description: str = "Success") -> dict:
    problem = {"content": {"application/problem+json": {"model": ProblemOut}}}
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


@events.get("/hub/v1/events", summary="Page through the change feed, oldest first", responses=_doc(EventPage))
def list_events(
    limit: Limit = 50,
    after: After = None,
    types: Annotated[str | None, Query(max_length=1000, description="Comma-separated event types")] = None,
):
    page = services().feed.page(_ws(events), after, parse_types(types), limit)
    return _json(_page(page.items, page.next))


@webhooks.post("/hub/v1/webhooks", summary="Subscribe a URL to events",
               responses=_doc(WebhookWithSecret, 201, "Created; the signing secret is shown only now"))
def create_webhook(body: WebhookCreate):
    subscription, secret = services().webhooks.create(_ws(webhooks), body.model_dump(exclude_unset=True))
    return _json(mapping.webhook_to_wire(subscription, secret), 201)


@webhooks.get("/hub/v1/webhooks", summary="List webhook subscriptions", responses=_doc(WebhookPage))
def list_webhooks():
    # A workspace has few subscriptions (bounded): one page holds them all.
    return _json(_page([mapping.webhook_to_wire(s) for s in services().webhooks.list(_ws(webhooks))], None))


@webhooks.get("/hub/v1/webhooks/<id>", summary="Get a webhook subscription", responses=_doc(WebhookOut))
def get_webhook(id: str):  # noqa: A002 - the path parameter's name
    return _json(mapping.webhook_to_wire(services().webhooks.get(_ws(webhooks), id)))


@webhooks.patch("/hub/v1/webhooks/<id>", summary="Change url, events, description or enabled",
                responses=_doc(WebhookOut))
def update_webhook(id: str, body: WebhookPatch):  # noqa: A002
    changes = body.model_dump(exclude_unset=True)
    return _json(mapping.webhook_to_wire(services().webhooks.update(_ws(webhooks), id, changes)))


@webhooks.delete("/hub/v1/webhooks/<id>", summary="Delete a webhook subscription",
                 responses={204: {"description": "Deleted"}})
def delete_webhook(id: str):  # noqa: A002
    services().webhooks.delete(_ws(webhooks), id)
    return Response(204, "application/json", "")


@webhooks.post("/hub/v1/webhooks/<id>/rotate-secret", summary="New signing secret (the old one signs 24 h more)",
               responses=_doc(WebhookWithSecret))
def rotate_secret(id: str):  # noqa: A002
    subscription, secret = services().webhooks.rotate_secret(_ws(webhooks), id)
    return _json(mapping.webhook_to_wire(subscription, secret))


@webhooks.get("/hub/v1/webhooks/<id>/deliveries", summary="The delivery log, oldest first",
              responses=_doc(DeliveryPage))
def list_deliveries(id: str, limit: Limit = 50, after: After = None):  # noqa: A002
    page = services().webhooks.deliveries(_ws(webhooks), id, after, limit)
    return _json(_page([mapping.delivery_to_wire(d) for d in page.items], page.next))


@webhooks.post("/hub/v1/webhooks/<id>/deliveries/<deliveryId>/retry", summary="Attempt a delivery again now",
               responses=_doc(DeliveryOut, 202, "Queued"))
def retry_delivery(id: str, deliveryId: str):  # noqa: A002
    return _json(mapping.delivery_to_wire(services().webhooks.retry(_ws(webhooks), id, deliveryId)), 202)

"""The change feed and webhook subscriptions, as /hub/v1 serves them."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.relay import PageInfo
from strawberry.scalars import JSON
from strawberry.types import Info

from contacthub.domain.errors import ValidationFailed
from contacthub.domain.webhooks import Delivery, Subscription
from contacthub.services.feed import DEFAULT_LIMIT
from contacthub.services.paging import MAX_PAGE_SIZE

from ..errors import BadUserInput

T = TypeVar("T")


def check_page_size(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE_SIZE}")


def read(call: Callable[[], T]) -> T:
    """A feed read; a cursor or filter the service refuses is the client's error, shown as such."""
    try:
        return call()
    except ValidationFailed as error:
        raise BadUserInput(str(error)) from None


def page_info(next_cursor: str | None) -> PageInfo:
    return PageInfo(has_next_page=next_cursor is not None, has_previous_page=False, start_cursor=None,
                    end_cursor=next_cursor)


@strawberry.type(description="A change to a contact, task or pipeline state, recorded from the table's stream.")
class Event:
    id: str = strawberry.field(description="`evt_<sequence>`: events of a workspace are in this order.")
    type: str = strawberry.field(description="`contact.created`, `contact.updated`, `task.deleted`...")
    time: datetime = strawberry.field(description="When the change was committed.")
    resource: JSON = strawberry.field(description="The resource's ids in every form: `{type, id, ...}`.")
    data: JSON = strawberry.field(description="The resource as it is after the change (before, for deletes).")
    changes: list[str] | None = strawberry.field(description="Changed field names; `*.updated` events only.")

    @classmethod
    def from_wire(cls, event: dict[str, Any]) -> "Event":
        return cls(id=event["id"], type=event["type"], time=datetime.fromisoformat(event["time"]),
                   resource=event["resource"], data=event["data"], changes=event.get("changes"))


@strawberry.type(description="A page of the change feed, oldest first.")
class EventPage:
    nodes: list[Event] = strawberry.field(description="The events of this page, oldest first.")
    page_info: PageInfo = strawberry.field(description="`endCursor` is the `after` of the next page; null once "
                                                       "caught up (then poll with the last event's id).")


@strawberry.type(description="A URL that receives signed events (Standard Webhooks).")
class Webhook:
    id: strawberry.ID = strawberry.field(description="Subscription id.")
    url: str = strawberry.field(description="Where events are delivered.")
    events: list[str] = strawberry.field(description="Event types delivered, or `*` for all.")
    description: str | None = strawberry.field(description="Free text for your own reference.")
    enabled: bool = strawberry.field(
        description="False when disabled by updateWebhook or after 5 days of failed deliveries.")
    disabled_reason: str | None = strawberry.field(
        description="Why deliveries stopped, when every delivery failed for 5 days.")
    failing_since: datetime | None = strawberry.field(description="First failure of the current failing run.")
    created_at: datetime = strawberry.field(description="When the subscription was created.")
    updated_at: datetime = strawberry.field(description="When the subscription last changed.")

    @strawberry.field(description="The delivery log, oldest first.")
    def deliveries(self, info: Info, first: Annotated[int, strawberry.argument(
                       description=f"Page size, 1 to {MAX_PAGE_SIZE}.")] = DEFAULT_LIMIT,
                   after: Annotated[str | None, strawberry.argument(
                       description="`endCursor` of the previous page.")] = None) -> "WebhookDeliveryPage":
        check_page_size(first)
        ctx = info.context
        page = read(lambda: ctx.services.webhooks.deliveries(ctx.workspace_id, str(self.id), after, first))
        return WebhookDeliveryPage(nodes=[WebhookDelivery.from_domain(d) for d in page.items],
                                   page_info=page_info(page.next))

    @classmethod
    def from_domain(cls, s: Subscription) -> "Webhook":
        return cls(id=strawberry.ID(s.id), url=s.url, events=list(s.events), description=s.description,
                   enabled=s.enabled, disabled_reason=s.disabled_reason, failing_since=s.failing_since,
                   created_at=s.created_at, updated_at=s.updated_at)


@strawberry.type(description="One try at delivering an event.")
class DeliveryAttempt:
    at: datetime = strawberry.field(description="When the attempt was made.")
    status_code: int | None = strawberry.field(description="The receiver's status; null when none came.")
    error: str | None = strawberry.field(description="Timeout, refused address, connection error...")


@strawberry.type(description="An event on its way to one webhook: its attempts and what happens next.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Delivery id (pass it to retryWebhookDelivery).")
    event_id: str = strawberry.field(description="`Event.id` of the delivered event.")
    event_type: str = strawberry.field(description="`Event.type` of the delivered event.")
    status: str = strawberry.field(description="pending, succeeded, failed (retries exhausted: dead-letter "
                                               "queue) or cancelled (subscription disabled or deleted).")
    attempts: list[DeliveryAttempt] = strawberry.field(description="Attempts so far, oldest first.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due; null when none is planned.")
    created_at: datetime = strawberry.field(description="When the delivery was queued.")
    event: JSON = strawberry.field(description="The event as the receiver gets it (the JSON body).")

    @classmethod
    def from_domain(cls, d: Delivery) -> "WebhookDelivery":
        return cls(id=strawberry.ID(d.id), event_id=d.event_id, event_type=d.event_type, status=d.status,
                   attempts=[DeliveryAttempt(at=a.at, status_code=a.status_code, error=a.error)
                             for a in d.attempts],
                   next_attempt_at=d.next_attempt_at, created_at=d.created_at, event=d.event)


@strawberry.type(description="A page of a webhook's delivery log, oldest first.")
class WebhookDeliveryPage:
    nodes: list[WebhookDelivery] = strawberry.field(description="The deliveries of this page, oldest first.")
    page_info: PageInfo = strawberry.field(
        description="`endCursor` is the `after` of the next page; null on the last page.")


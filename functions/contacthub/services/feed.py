"""The change feed: events recorded from the stream, paged in order, fanned out to webhook subscriptions."""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..domain.errors import ValidationFailed
from ..domain.events import Event
from ..domain.webhooks import PENDING, Delivery
from ..ports import DeliveryQueue, DeliveryRef, DeliveryRepository, EventRepository, WebhookRepository
from . import paging

DEFAULT_LIMIT = 50


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next: str | None  # opaque cursor of the following page, None at the end


def _workspace_tag(workspace_id: str) -> str:
    return hashlib.sha256(workspace_id.encode("utf-8")).hexdigest()[:16]


def encode_cursor(workspace_id: str, listing: str, position: str) -> str:
    """An opaque keyset cursor, bound to its workspace and listing (another's is refused, never followed)."""
    raw = json.dumps({"w": _workspace_tag(workspace_id), "l": listing, "p": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(workspace_id: str, listing: str, cursor: str | None, path: str = "after") -> str | None:
    if not cursor:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        position = str(data["p"])
        valid = data["w"] == _workspace_tag(workspace_id) and data["l"] == listing and position.isdigit()
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise ValidationFailed.one(path, "This cursor is not one this listing gave.", "invalid_cursor")
    return position


def page_size(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_LIMIT, paging.MAX_PAGE_SIZE))


class FeedService:
    def __init__(self, events: EventRepository, webhooks: WebhookRepository, deliveries: DeliveryRepository,
                 queue: DeliveryQueue, clock: Callable[[], datetime] = utcnow):
        self._events = events
        self._webhooks = webhooks
        self._deliveries = deliveries
        self._queue = queue
        self._clock = clock

    def page(self, workspace_id: str, after: str | None, types: tuple[str, ...], limit: int | None) -> Page:
        size = page_size(limit)
        position = decode_cursor(workspace_id, "events", after)
        items, more = self._events.page(workspace_id, position, types, size)
        last = str(items[-1]["id"]).removeprefix("evt_") if items and more else None
        return Page(items, encode_cursor(workspace_id, "events", last) if last else None)

    def record(self, events: list[Event]) -> int:
        """Store each event once and queue one delivery per subscription that wants it. Safe to repeat: a
        redelivered stream record finds its event and deliveries already there, and queues nothing twice."""
        subscriptions: dict[str, list[Any]] = {}
        queued = 0
        for event in events:
            self._events.add(event)
            wanting = subscriptions.setdefault(event.workspace_id, self._webhooks.list(event.workspace_id))
            for subscription in wanting:
                if not subscription.wants(event.type):
                    continue
                delivery = Delivery(workspace_id=event.workspace_id, webhook_id=subscription.id,
                                    id=f"dlv_{event.position}", event=event.to_json(), status=PENDING,
                                    attempts=(), created_at=self._clock(), next_attempt_at=None)
                if self._deliveries.add(delivery):
                    self._queue.enqueue(DeliveryRef(event.workspace_id, subscription.id, delivery.id))
                    queued += 1
        return queued

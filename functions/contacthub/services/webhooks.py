"""Webhook subscriptions (CRUD, secret rotation), their delivery log, and delivering one attempt."""
from __future__ import annotations

import base64
import json
import secrets as random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..domain.errors import DomainError, NotFound, ValidationFailed
from ..domain.webhooks import (
    CANCELLED,
    DELIVERY_TIMEOUT_SECONDS,
    DISABLE_AFTER,
    FAILED,
    MAX_SUBSCRIPTIONS,
    PENDING,
    RETRY_SCHEDULE,
    ROTATION_OVERLAP,
    SECRET_PREFIX,
    SUCCEEDED,
    Attempt,
    Delivery,
    SigningSecret,
    Subscription,
    check_description,
    check_events,
    check_url,
    next_retry,
)
from ..ports import DeliveryQueue, DeliveryRef, DeliveryRepository, TargetGuard, WebhookRepository, WebhookSender
from .feed import Page, decode_cursor, encode_cursor, page_size, utcnow

MAX_QUEUE_DELAY = 900  # SQS delays a message 15 minutes at most: longer waits are re-queued on arrival
WRITABLE = {"url", "events", "description", "enabled"}


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random.token_bytes(24)).decode("ascii")


class WebhookService:
    def __init__(self, webhooks: WebhookRepository, deliveries: DeliveryRepository, queue: DeliveryQueue,
                 guard: TargetGuard, sender: WebhookSender, clock: Callable[[], datetime] = utcnow,
                 retry_schedule: tuple[int, ...] = RETRY_SCHEDULE):
        self._webhooks = webhooks
        self._deliveries = deliveries
        self._queue = queue
        self._guard = guard
        self._sender = sender
        self._clock = clock
        self._schedule = retry_schedule

    # ---------------------------------------------------------------- subscriptions
    def create(self, workspace_id: str, fields: dict[str, Any]) -> tuple[Subscription, str]:
        """The new subscription and its signing secret (returned this once only)."""
        unknown = set(fields) - WRITABLE - {"url", "events"}
        if unknown:
            raise ValidationFailed.one(sorted(unknown)[0], "This field is read-only or unknown.", "extra_forbidden")
        url = self._checked_url(fields.get("url"))
        events = check_events(fields.get("events"))
        description = check_description(fields.get("description"))
        enabled = fields.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ValidationFailed.one("enabled", "This value should be a boolean.", "bool_type")
        if len(self._webhooks.list(workspace_id)) >= MAX_SUBSCRIPTIONS:
            raise ValidationFailed.one("", f"A workspace has at most {MAX_SUBSCRIPTIONS} webhook subscriptions.",
                                       "too_many")
        now = self._clock()
        secret = new_secret()
        subscription = Subscription(workspace_id=workspace_id, id=str(uuid.uuid4()), url=url, events=events,
                                    description=description, enabled=enabled, secrets=(SigningSecret(secret),),
                                    created_at=now, updated_at=now)
        self._webhooks.save(subscription)
        return subscription, secret

    def list(self, workspace_id: str) -> list[Subscription]:
        return self._webhooks.list(workspace_id)

    def get(self, workspace_id: str, webhook_id: str) -> Subscription:
        found = self._webhooks.get(workspace_id, webhook_id)
        if found is None:
            raise NotFound("Webhook", webhook_id)
        return found

    def update(self, workspace_id: str, webhook_id: str, changes: dict[str, Any]) -> Subscription:
        current = self.get(workspace_id, webhook_id)
        unknown = set(changes) - WRITABLE
        if unknown:
            raise ValidationFailed.one(sorted(unknown)[0], "This field is read-only or unknown.", "extra_forbidden")
        updated: dict[str, Any] = {}
        if "url" in changes:
            updated["url"] = self._checked_url(changes["url"])
        if "events" in changes:
            updated["events"] = check_events(changes["events"])
        if "description" in changes:
            updated["description"] = check_description(changes["description"])
        if "enabled" in changes:
            if not isinstance(changes["enabled"], bool):
                raise ValidationFailed.one("enabled", "This value should be a boolean.", "bool_type")
            updated["enabled"] = changes["enabled"]
            if changes["enabled"]:  # re-enabling starts the failure clock afresh
                updated.update(failing_since=None, disabled_reason=None)
        subscription = current.with_changes(**updated, updated_at=self._clock())
        self._webhooks.save(subscription)
        return subscription

    def delete(self, workspace_id: str, webhook_id: str) -> None:
        self.get(workspace_id, webhook_id)
        self._webhooks.delete(workspace_id, webhook_id)

    def rotate_secret(self, workspace_id: str, webhook_id: str) -> tuple[Subscription, str]:
        """A new secret signs from now on; the current ones keep signing alongside it for 24 hours."""
        current = self.get(workspace_id, webhook_id)
        now = self._clock()
        secret = new_secret()
        kept = tuple(SigningSecret(s.value, min(s.expires_at or now + ROTATION_OVERLAP, now + ROTATION_OVERLAP))
                     for s in current.secrets if s.expires_at is None or s.expires_at > now)
        subscription = current.with_changes(secrets=(SigningSecret(secret), *kept), updated_at=now)
        self._webhooks.save(subscription)
        return subscription, secret

    def _checked_url(self, value: Any) -> str:
        url = check_url(value)
        self._guard.check(url)
        return url

    # ---------------------------------------------------------------- delivery log
    def deliveries(self, workspace_id: str, webhook_id: str, after: str | None, limit: int | None) -> Page:
        self.get(workspace_id, webhook_id)
        listing = f"deliveries:{webhook_id}"
        position = decode_cursor(workspace_id, listing, after)
        items, more = self._deliveries.page(workspace_id, webhook_id, f"dlv_{position}" if position else None,
                                            page_size(limit))
        last = items[-1].id.removeprefix("dlv_") if items and more else None
        return Page(items, encode_cursor(workspace_id, listing, last) if last else None)

    def retry(self, workspace_id: str, webhook_id: str, delivery_id: str) -> Delivery:
        """Queue a delivery again, to be attempted now, whatever its state."""
        self.get(workspace_id, webhook_id)
        delivery = self._deliveries.get(workspace_id, webhook_id, delivery_id)
        if delivery is None:
            raise NotFound("Delivery", delivery_id)
        # One attempt now; the log keeps the earlier ones. A failed delivery that fails again is failed again.
        delivery = delivery.with_changes(status=PENDING, next_attempt_at=None)
        self._deliveries.save(delivery)
        self._queue.enqueue(DeliveryRef(workspace_id, webhook_id, delivery_id))
        return delivery

    # ---------------------------------------------------------------- the delivery worker's step
    def deliver(self, ref: DeliveryRef) -> Delivery | None:
        """One attempt of a queued delivery: sent, re-queued with backoff, or failed into the dead-letter queue."""
        delivery = self._deliveries.get(ref.workspace_id, ref.webhook_id, ref.delivery_id)
        if delivery is None or delivery.status != PENDING:
            return delivery  # a duplicate message, or a delivery that already finished
        now = self._clock()
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            remaining = (delivery.next_attempt_at - now).total_seconds()
            self._queue.enqueue(ref, min(MAX_QUEUE_DELAY, max(1, int(remaining + 0.999))))
            return delivery
        subscription = self._webhooks.get(ref.workspace_id, ref.webhook_id)
        if subscription is None or not subscription.enabled:
            delivery = delivery.with_changes(status=CANCELLED, next_attempt_at=None)
            self._deliveries.save(delivery)
            return delivery
        attempt = self._attempt(subscription, delivery, now)
        attempts = (*delivery.attempts, attempt)
        if attempt.status_code is not None and 200 <= attempt.status_code < 300:
            delivery = delivery.with_changes(status=SUCCEEDED, attempts=attempts, next_attempt_at=None)
            self._deliveries.save(delivery)
            if subscription.failing_since is not None:
                self._webhooks.record_health(ref.workspace_id, ref.webhook_id, None, None)
            return delivery
        wait = next_retry(len(attempts), self._schedule)
        if wait is None:
            delivery = delivery.with_changes(status=FAILED, attempts=attempts, next_attempt_at=None)
            self._deliveries.save(delivery)
            self._queue.park(ref)
        else:
            delivery = delivery.with_changes(attempts=attempts, next_attempt_at=now + timedelta(seconds=wait))
            self._deliveries.save(delivery)
            self._queue.enqueue(ref, min(MAX_QUEUE_DELAY, wait))
        self._record_failure(subscription, now)
        return delivery

    def _attempt(self, subscription: Subscription, delivery: Delivery, now: datetime) -> Attempt:
        try:
            address = self._guard.check(subscription.url)  # again at delivery time: DNS may have changed
        except DomainError as refused:
            return Attempt(now, None, f"refused: {refused}")
        body = json.dumps(delivery.event, separators=(",", ":"), ensure_ascii=False)
        status, error = self._sender.send(subscription.url, address, delivery.event_id, body,
                                          subscription.signing_secrets(now), DELIVERY_TIMEOUT_SECONDS)
        return Attempt(now, status, error)

    def _record_failure(self, subscription: Subscription, now: datetime) -> None:
        since = subscription.failing_since or now
        reason = None
        if now - since >= DISABLE_AFTER:
            reason = f"Disabled on {now.date().isoformat()}: every delivery failed since {since.isoformat()}."
        if subscription.failing_since is None or reason:
            self._webhooks.record_health(subscription.workspace_id, subscription.id, since, reason)

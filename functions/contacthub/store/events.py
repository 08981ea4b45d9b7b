"""The events log, webhook subscriptions and the delivery log: all in the workspace's partition."""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from ..domain.events import RETENTION, Event
from ..domain.webhooks import Attempt, Delivery, SigningSecret, Subscription
from .tables import DeliveryItem, EventItem, WebhookItem, workspace_pk

EVENT_PREFIX = "EVT#"
WEBHOOK_PREFIX = "WEBHOOK#"
DELIVERY_PREFIX = "WHDLV#"
# Keys are "<prefix><fixed-length position>": appending the lowest digit gives the first key after one.
_AFTER = "0"
_END = "~"  # sorts after every digit


def _exists_failed(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class EventRepository:
    def add(self, event: Event) -> bool:
        """Store an event once; False when it is already there (streams deliver at least once)."""
        item = EventItem(workspace_pk(event.workspace_id), EVENT_PREFIX + event.position, eventId=event.id,
                         type=event.type, body=event.to_json(), expiresAt=event.time + RETENTION)
        try:
            item.save(condition=EventItem.sk.does_not_exist())
        except PutError as error:
            if _exists_failed(error):
                return False
            raise
        return True

    def page(self, workspace_id: str, after: str | None, types: tuple[str, ...],
             limit: int) -> tuple[list[dict], bool]:
        """Events after a position, oldest first, as served; and whether more follow."""
        lower = EVENT_PREFIX + (after + _AFTER if after else "")
        condition = EventItem.sk.between(lower, EVENT_PREFIX + _END)
        found = list(EventItem.query(workspace_pk(workspace_id), condition, consistent_read=True,
                                     filter_condition=EventItem.type.is_in(*types) if types else None,
                                     limit=limit + 1, page_size=max(limit + 1, 25)))
        return [i.body for i in found[:limit]], len(found) > limit


def _to_subscription(i: WebhookItem, workspace_id: str) -> Subscription:
    return Subscription(
        workspace_id=workspace_id, id=i.webhookId, url=i.url, events=tuple(str(e) for e in i.events),
        description=i.description, enabled=bool(i.enabled),
        secrets=tuple(SigningSecret(s["value"], _time(s.get("expiresAt"))) for s in i.secrets),
        created_at=i.createdAt, updated_at=i.updatedAt, failing_since=i.failingSince,
        disabled_reason=i.disabledReason)


def _to_webhook_item(s: Subscription) -> WebhookItem:
    return WebhookItem(
        workspace_pk(s.workspace_id), WEBHOOK_PREFIX + s.id, webhookId=s.id, url=s.url, events=list(s.events),
        description=s.description, enabled=s.enabled,
        secrets=[{"value": x.value, "expiresAt": x.expires_at.isoformat() if x.expires_at else None}
                 for x in s.secrets],
        createdAt=s.created_at, updatedAt=s.updated_at, failingSince=s.failing_since,
        disabledReason=s.disabled_reason)


class WebhookRepository:
    def list(self, workspace_id: str) -> list[Subscription]:
        items = WebhookItem.query(workspace_pk(workspace_id), WebhookItem.sk.startswith(WEBHOOK_PREFIX),
                                  consistent_read=True)
        return sorted((_to_subscription(i, workspace_id) for i in items), key=lambda s: s.created_at)

    def get(self, workspace_id: str, webhook_id: str) -> Subscription | None:
        try:
            item = WebhookItem.get(workspace_pk(workspace_id), WEBHOOK_PREFIX + webhook_id, consistent_read=True)
        except DoesNotExist:
            return None
        return _to_subscription(item, workspace_id)

    def save(self, subscription: Subscription) -> None:
        _to_webhook_item(subscription).save()

    def delete(self, workspace_id: str, webhook_id: str) -> None:
        WebhookItem(workspace_pk(workspace_id), WEBHOOK_PREFIX + webhook_id).delete()

    def record_health(self, workspace_id: str, webhook_id: str, failing_since: datetime | None,
                      disabled_reason: str | None) -> None:
        """Only the health attributes: a concurrent PATCH of the URL or events is never overwritten."""
        item = WebhookItem(workspace_pk(workspace_id), WEBHOOK_PREFIX + webhook_id)
        actions: list[Action] = [
            WebhookItem.failingSince.set(failing_since) if failing_since else WebhookItem.failingSince.remove()]
        if disabled_reason:
            actions += [WebhookItem.enabled.set(False), WebhookItem.disabledReason.set(disabled_reason)]
        try:
            item.update(actions=actions, condition=WebhookItem.sk.exists())
        except UpdateError as error:
            if not _exists_failed(error):
                raise


def _attempt_json(a: Attempt) -> dict:
    return {"at": a.at.isoformat(), "statusCode": a.status_code, "error": a.error}


def _to_delivery(i: DeliveryItem, workspace_id: str) -> Delivery:
    return Delivery(
        workspace_id=workspace_id, webhook_id=i.webhookId, id=i.deliveryId, event=i.event, status=i.status,
        attempts=tuple(Attempt(datetime.fromisoformat(a["at"]), a.get("statusCode"), a.get("error"))
                       for a in i.attempts),
        created_at=i.createdAt, next_attempt_at=i.nextAttemptAt)


def _delivery_sk(webhook_id: str, delivery_id: str) -> str:
    return f"{DELIVERY_PREFIX}{webhook_id}#{delivery_id}"


class DeliveryRepository:
    def add(self, delivery: Delivery) -> bool:
        """Store a new delivery once; False when that event was already queued for that subscription."""
        try:
            self._item(delivery).save(condition=DeliveryItem.sk.does_not_exist())
        except PutError as error:
            if _exists_failed(error):
                return False
            raise
        return True

    def save(self, delivery: Delivery) -> None:
        self._item(delivery).save()

    def get(self, workspace_id: str, webhook_id: str, delivery_id: str) -> Delivery | None:
        try:
            item = DeliveryItem.get(workspace_pk(workspace_id), _delivery_sk(webhook_id, delivery_id),
                                    consistent_read=True)
        except DoesNotExist:
            return None
        return _to_delivery(item, workspace_id)

    def page(self, workspace_id: str, webhook_id: str, after: str | None, limit: int) -> tuple[list[Delivery], bool]:
        prefix = _delivery_sk(webhook_id, "")
        condition = DeliveryItem.sk.between(prefix + (after + _AFTER if after else ""), prefix + _END)
        found = list(DeliveryItem.query(workspace_pk(workspace_id), condition, consistent_read=True,
                                        limit=limit + 1))
        return [_to_delivery(i, workspace_id) for i in found[:limit]], len(found) > limit

    @staticmethod
    def _item(d: Delivery) -> DeliveryItem:
        return DeliveryItem(
            workspace_pk(d.workspace_id), _delivery_sk(d.webhook_id, d.id), webhookId=d.webhook_id,
            deliveryId=d.id, event=d.event, status=d.status, attempts=[_attempt_json(a) for a in d.attempts],
            createdAt=d.created_at, nextAttemptAt=d.next_attempt_at,
            expiresAt=d.created_at + RETENTION + timedelta(days=2))  # outlives its retries

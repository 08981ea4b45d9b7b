"""Domain -> /hub/v1 JSON (pure)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ...domain.webhooks import Delivery, Subscription


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def webhook_to_wire(s: Subscription, secret: str | None = None) -> dict[str, Any]:
    body = {"id": s.id, "url": s.url, "events": list(s.events), "description": s.description,
            "enabled": s.enabled, "disabledReason": s.disabled_reason, "failingSince": _time(s.failing_since),
            "createdAt": _time(s.created_at), "updatedAt": _time(s.updated_at)}
    if secret is not None:
        body["secret"] = secret
    return body


def delivery_to_wire(d: Delivery) -> dict[str, Any]:
    return {"id": d.id, "eventId": d.event_id, "eventType": d.event_type, "status": d.status,
            "attempts": [{"at": _time(a.at), "statusCode": a.status_code, "error": a.error} for a in d.attempts],
            "nextAttemptAt": _time(d.next_attempt_at), "createdAt": _time(d.created_at), "event": d.event}

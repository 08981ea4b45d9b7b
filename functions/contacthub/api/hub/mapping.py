"""Domain -> /hub/v1 JSON (pure)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ...domain.contact import Contact
from ...domain.webhooks import Delivery, Subscription
from ...events.resources import contact_json

# Canonical field -> its /hub/v1 name (the names the change feed and webhooks show).
FIELD_NAMES = {"first_name": "firstName", "last_name": "lastName", "linkedin_url": "linkedinUrl",
               "facebook_url": "facebookUrl", "instagram_url": "instagramUrl", "twitter_url": "twitterUrl",
               "meeting_context": "meetingContext", "pipeline_state_id": "pipelineStateId",
               "custom_fields": "customFields", "match_by": "matchBy"}
_CANONICAL = {wire: canonical for canonical, wire in FIELD_NAMES.items()}


def canonical_field(name: str) -> str:
    """A /hub/v1 field name as the domain names it (``pipelineStateId`` -> ``pipeline_state_id``)."""
    return _CANONICAL.get(name, name)


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


def contact_to_wire(contact: Contact) -> dict[str, Any]:
    return contact_json(contact)


def fields_from_wire(body: dict[str, Any]) -> dict[str, Any]:
    """A /hub/v1 contact body (the properties sent) as canonical fields. Phones may come back as answered."""
    fields = {_CANONICAL.get(name, name): value for name, value in body.items()}
    if isinstance(fields.get("phones"), list):
        fields["phones"] = [p["number"] if isinstance(p, dict) else p for p in fields["phones"]]
    return fields

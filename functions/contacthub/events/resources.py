"""The canonical JSON of each resource, as /hub/v1, the events and the webhooks show it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.contact import Contact
from ..domain.pipeline import PipelineState
from ..domain.task import Task


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def contact_json(c: Contact) -> dict[str, Any]:
    return {
        "id": c.id, "number": c.number, "name": c.name, "firstName": c.first_name, "lastName": c.last_name,
        "emails": list(c.emails), "phones": [{"number": p.raw, "e164": p.e164} for p in c.phones],
        "company": c.company, "position": c.position, "address": c.address, "website": c.website,
        "linkedinUrl": c.linkedin_url, "facebookUrl": c.facebook_url, "instagramUrl": c.instagram_url,
        "twitterUrl": c.twitter_url, "photo": c.photo, "notes": c.notes, "meetingContext": c.meeting_context,
        "status": c.status.value, "stage": c.stage.value if c.stage else None,
        "pipelineStateId": c.pipeline_state_id, "tags": list(c.tags), "customFields": dict(c.custom_fields),
        "location": {"id": c.location.id, "title": c.location.title} if c.location else None,
        "channel": c.channel, "createdAt": _time(c.created_at), "updatedAt": _time(c.updated_at),
        "lastActivityAt": _time(c.last_activity_at), "version": c.version,
    }


def task_json(t: Task) -> dict[str, Any]:
    return {
        "id": t.id, "contactId": t.contact_id, "title": t.title, "type": t.type.value, "taskKind": t.task_kind.value,
        "payload": t.payload, "description": t.description, "dueDate": _time(t.due_date), "completed": t.completed,
        "completedAt": _time(t.completed_at), "createdAt": _time(t.created_at), "updatedAt": _time(t.updated_at),
        "version": t.version,
    }


def state_json(s: PipelineState) -> dict[str, Any]:
    # No contact count: it moves with every contact write, which is not a change of the state itself.
    return {"id": s.id, "number": s.number, "name": s.name, "color": s.color, "position": s.position,
            "type": s.type.value}


def ids_of(resource: str, data: dict[str, Any]) -> dict[str, Any]:
    """Every id a resource is known by: the UUID, and the integer (skarbe) id of contacts and states."""
    ids: dict[str, Any] = {"id": data["id"]}
    if resource in ("contact", "pipeline_state"):
        ids["number"] = data["number"]
    return ids

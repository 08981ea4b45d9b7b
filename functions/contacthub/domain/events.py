"""Change events: what happened to a contact, task or pipeline state, as the feed and webhooks tell it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import ValidationFailed

RESOURCES = ("contact", "task", "pipeline_state")
ACTIONS = ("created", "updated", "deleted")
# A merge also tells what it did as a whole: contact.merged when it completes, contact.unmerged when undone.
MERGE_EVENT_TYPES = ("contact.merged", "contact.unmerged")
EVENT_TYPES: tuple[str, ...] = (*(f"{r}.{a}" for r in RESOURCES for a in ACTIONS), *MERGE_EVENT_TYPES)
RETENTION = timedelta(days=30)  # the events log keeps this long (table TTL)


EVENT_ID_PREFIX = "evt_"


@dataclass(frozen=True)
class Event:
    """One change. ``data`` is the resource after the change (its last state for a deletion)."""

    workspace_id: str
    id: str  # "evt_<position>": the position orders a workspace's events
    type: str
    time: datetime
    ids: dict[str, Any]  # every id the resource has: {"id": uuid} plus {"number": n} for contacts
    data: dict[str, Any]
    changes: tuple[str, ...] = field(default=())  # changed field names (updates only)

    @property
    def position(self) -> str:
        return self.id.removeprefix(EVENT_ID_PREFIX)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "type": self.type, "time": self.time.isoformat(),
                                "resource": {"type": self.type.partition(".")[0], **self.ids}, "data": self.data}
        if self.type.endswith(".updated"):
            body["changes"] = list(self.changes)
        return body


def parse_types(value: str | None, path: str = "types") -> tuple[str, ...]:
    """``contact.created,contact.updated`` -> the listed types (empty: all); unknown ones are refused."""
    types = tuple(dict.fromkeys(t.strip() for t in (value or "").split(",") if t.strip()))
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed.one(path, f"Unknown event type {unknown[0]!r}; known: {', '.join(EVENT_TYPES)}.",
                                   "unknown_type")
    return types

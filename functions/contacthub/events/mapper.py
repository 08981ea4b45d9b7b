"""One DynamoDB Streams record -> the events it means. Pure: no I/O, golden-tested."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..domain.contact import Contact
from ..domain.events import EVENT_ID_PREFIX, Event
from ..domain.pipeline import PipelineState
from ..domain.task import Task
from ..store.stream import decode, merge_change, resource_kind, workspace_of
from .resources import contact_json, ids_of, state_json, task_json

ACTIONS = {"INSERT": "created", "MODIFY": "updated", "REMOVE": "deleted"}
# Bookkeeping that changes on writes without changing what the resource says.
NOT_CHANGES = {"updatedAt", "version", "lastActivityAt"}
POSITION_DIGITS = 40  # stream sequence numbers are up to 40 digits: padded, they sort as numbers


def to_json(resource: Contact | Task | PipelineState) -> dict[str, Any]:
    if isinstance(resource, Contact):
        return contact_json(resource)
    if isinstance(resource, Task):
        return task_json(resource)
    return state_json(resource)


def position(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"]).zfill(POSITION_DIGITS)


def events_from_record(record: dict[str, Any]) -> list[Event]:
    """The event of a record about a contact, task or pipeline state; nothing for other items (index entries,
    counters, the events log itself) or for a write that changed no field a client sees."""
    change = record.get("dynamodb") or {}
    keys = change.get("Keys") or {}
    merge = merge_change(keys, change.get("OldImage"), change.get("NewImage"))
    if merge is not None:
        return [_merge_event(record, keys, *merge)]
    kind = resource_kind(keys)
    action = ACTIONS.get(record.get("eventName", ""))
    if kind is None or action is None:
        return []
    old, new = decode(kind, change.get("OldImage")), decode(kind, change.get("NewImage"))
    after = new if new is not None else old
    if after is None:
        return []
    data = to_json(after)
    changes: tuple[str, ...] = ()
    if action == "updated":
        before = to_json(old) if old is not None else {}
        changes = tuple(k for k in data if k not in NOT_CHANGES and before.get(k) != data[k])
        if not changes:
            return []
    moment = datetime.fromtimestamp(float(change.get("ApproximateCreationDateTime", 0)), tz=timezone.utc)
    return [Event(workspace_id=workspace_of(keys), id=f"{EVENT_ID_PREFIX}{position(record)}", type=f"{kind}.{action}",
                  time=moment, ids=ids_of(kind, data), data=data, changes=changes)]


def _merge_event(record: dict[str, Any], keys: dict[str, Any], type_: str, data: dict[str, Any]) -> Event:
    """A merge's event names the survivor as its resource, and every id of the merged contacts in its data."""
    moment = datetime.fromtimestamp(float(record["dynamodb"].get("ApproximateCreationDateTime", 0)), tz=timezone.utc)
    return Event(workspace_id=workspace_of(keys), id=f"{EVENT_ID_PREFIX}{position(record)}", type=type_,
                 time=moment, ids={"id": data["survivorId"]}, data=data)

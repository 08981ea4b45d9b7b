"""DynamoDB Streams images -> domain objects: the storage shapes are known here only."""
from __future__ import annotations

from typing import Any

from ..domain.contact import Contact
from ..domain.pipeline import PipelineState
from ..domain.task import Task
from .mappers import item_to_contact, item_to_state
from .tables import ContactItem, PipelineStateItem, TaskItem
from .tasks import item_to_task

# Sort-key prefix of each item kind that has events, and its resource name.
RESOURCE_PREFIXES = {"CONTACT#": "contact", "TASK#": "task", "STATE#": "pipeline_state"}


def resource_kind(keys: dict[str, Any]) -> str | None:
    sk = keys.get("sk", {}).get("S", "")
    return next((kind for prefix, kind in RESOURCE_PREFIXES.items() if sk.startswith(prefix)), None)


def workspace_of(keys: dict[str, Any]) -> str:
    return str(keys["pk"]["S"]).removeprefix("WS#")


def merge_change(keys: dict[str, Any], old: dict[str, Any] | None,
                 new: dict[str, Any] | None) -> tuple[str, dict[str, Any]] | None:
    """(event type, data) when a merge record's write completes a merge or its undo, else None."""
    from .merges import MERGE_PREFIX, merge_event_data

    if not keys.get("sk", {}).get("S", "").startswith(MERGE_PREFIX) or not new:
        return None
    was = (old or {}).get("status", {}).get("S")
    now = new.get("status", {}).get("S")
    if now == was or now not in ("done", "undone"):
        return None
    return ("contact.merged" if now == "done" else "contact.unmerged"), merge_event_data(new)


def decode(kind: str, image: dict[str, Any] | None) -> Contact | Task | PipelineState | None:
    """A stream image (DynamoDB JSON) as the domain object it stores."""
    if not image:
        return None
    workspace_id = workspace_of(image)
    if kind == "contact":
        return item_to_contact(ContactItem.from_raw_data(image))
    if kind == "task":
        return item_to_task(TaskItem.from_raw_data(image), workspace_id)
    return item_to_state(PipelineStateItem.from_raw_data(image), workspace_id)

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

"""Tasks: dated to-dos attached to one contact (letsligo ContactTask; GraphQL Contact.tasks)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from . import messages, rules


class TaskType(str, Enum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    FOLLOW_UP = "follow_up"
    PROPOSAL = "proposal"
    QUOTE = "quote"
    OTHER = "other"


class TaskKind(str, Enum):
    """Who made the task and what completing it means: a person's to-do, or a system workflow step."""

    MANUAL = "manual"
    VALIDATE_LINKEDIN_PROFILE_CHANGE = "validate_linkedin_profile_change"
    LINKEDIN_RECONTACT_WIZARD = "linkedin_recontact_wizard"
    LINKEDIN_NEW_RELATION_ONBOARDING = "linkedin_new_relation_onboarding"


@dataclass(frozen=True)
class Task:
    workspace_id: str
    id: str  # UUID
    contact_id: str  # UUID of a contact of the same workspace
    title: str
    type: TaskType
    task_kind: TaskKind
    payload: dict[str, Any] | None  # workflow data (JSON object) for system task kinds
    description: str | None
    due_date: datetime  # UTC, whole seconds
    completed: bool
    completed_at: datetime | None  # set by the server when completed, cleared when reopened
    created_at: datetime
    updated_at: datetime
    version: int | None = None  # optimistic locking; None before the first write

    def with_changes(self, **changes: Any) -> "Task":
        return replace(self, **changes)


@dataclass(frozen=True)
class TaskQuery:
    """Filters combine with AND. Due bounds are inclusive (a strict bound is the inclusive one ±1 µs)."""

    contact_id: str | None = None
    completed: bool | None = None
    type: TaskType | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None


@dataclass(frozen=True)
class TaskPage:
    items: list[Task]
    total: int


@dataclass(frozen=True)
class TaskSlice:
    """A keyset page of tasks: ``next`` and ``positions`` are storage positions (``<due>#<task id>``)."""

    items: list[Task]
    total: int | None
    next: str | None = None
    positions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TaskPreview:
    """What a list shows of an open task."""

    id: str
    title: str
    due_date: datetime


@dataclass(frozen=True)
class OpenTaskSummary:
    """A contact's open-task count and its first open tasks by due date (then id)."""

    count: int = 0
    next: tuple[TaskPreview, ...] = ()


SUMMARY_SIZE = 3  # open tasks a summary names; asking for more reads the contact's task entries


# --- bounds and validation ------------------------------------------------------------------------

MAX_TITLE = 255
MAX_DESCRIPTION = 10_000
MAX_PAYLOAD_BYTES = 10 * 1024
# Due dates outside this range are typos, and keeping away from datetime.min/max lets filters shift
# bounds by a microsecond and convert time zones without overflowing.
MIN_DUE = datetime(1900, 1, 1, tzinfo=timezone.utc)
MAX_DUE = datetime(9999, 1, 1, tzinfo=timezone.utc)

REQUIRED_ON_CREATE = ("contact_id", "title", "due_date")
TASK_RULES: dict[str, rules.Rule] = {
    "contact_id": rules.Uuid(messages.CONTACT_NOT_FOUND),
    "title": rules.RequiredText(MAX_TITLE),
    "type": rules.Choice(TaskType, required=True),
    "task_kind": rules.Choice(TaskKind, required=True),
    "payload": rules.JsonObject(max_bytes=MAX_PAYLOAD_BYTES),
    "description": rules.Text(MAX_DESCRIPTION),
    "due_date": rules.Moment(MIN_DUE, MAX_DUE, messages.DUE_DATE_RANGE),
    "completed": rules.Boolean(),
}


def validate_task_fields(changes: dict[str, Any], creating: bool = False) -> dict[str, Any]:
    """Validate and normalise canonical task fields; raises ValidationFailed listing every bad field.

    On create, the required fields must be present and the defaults are filled in.
    """
    out = rules.validate(TASK_RULES, changes, REQUIRED_ON_CREATE if creating else ())
    if creating:
        out.setdefault("type", TaskType.OTHER)
        out.setdefault("task_kind", TaskKind.MANUAL)
        out.setdefault("payload", None)
        out.setdefault("description", None)
        out.setdefault("completed", False)
    return out

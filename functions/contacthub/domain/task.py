"""Tasks: dated to-dos attached to one contact (letsligo ContactTask; GraphQL Contact.tasks)."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from enum import Enum
from collections.abc import Callable
from typing import Any

from .errors import ValidationFailed, Violation
from .text import canonical_uuid, clean


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


# --- bounds and validation ------------------------------------------------------------------------

MAX_TITLE = 255
MAX_DESCRIPTION = 10_000
MAX_PAYLOAD_BYTES = 10 * 1024
# Due dates outside this range are typos, and keeping away from datetime.min/max lets filters shift
# bounds by a microsecond and convert time zones without overflowing.
MIN_DUE = datetime(1900, 1, 1, tzinfo=timezone.utc)
MAX_DUE = datetime(9999, 1, 1, tzinfo=timezone.utc)

CONTACT_NOT_FOUND = "Item not found: this contact does not exist."
INVALID_DATETIME = "This value is not a valid ISO 8601 date-time."
REQUIRED_ON_CREATE = ("contact_id", "title", "due_date")



def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time (``Z``, an offset, or none for UTC) as an aware UTC datetime, or None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and 0 < len(value.strip()) <= 64:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def validate_task_fields(changes: dict[str, Any], creating: bool = False) -> dict[str, Any]:
    """Validate and normalise canonical task fields; raises ValidationFailed listing every bad field.

    On create, the required fields must be present and the defaults are filled in.
    """
    out: dict[str, Any] = {}
    violations: list[Violation] = []
    for key, value in changes.items():
        checker = _CHECKS.get(key)
        if checker is None:
            violations.append(Violation(key, "This field is read-only or unknown.", "read_only"))
            continue
        try:
            out[key] = checker(value)
        except ValidationFailed as error:
            violations.extend(error.violations)
    if creating:
        for key in REQUIRED_ON_CREATE:
            if key not in changes:
                violations.append(Violation(key, "This value should not be blank.", "blank"))
        out.setdefault("type", TaskType.OTHER)
        out.setdefault("task_kind", TaskKind.MANUAL)
        out.setdefault("payload", None)
        out.setdefault("description", None)
        out.setdefault("completed", False)
    if violations:
        raise ValidationFailed(violations)
    return out


def _not_null(path: str, value: Any) -> None:
    if value is None:
        raise ValidationFailed.one(path, "This value should not be null.", "null")


def _contact_id(value: Any) -> str:
    _not_null("contact_id", value)
    contact_id = canonical_uuid(value)
    if contact_id is None:
        raise ValidationFailed.one("contact_id", CONTACT_NOT_FOUND, "not_found")
    return contact_id


def _too_long(path: str, limit: int) -> ValidationFailed:
    return ValidationFailed.one(path, f"This value is too long. It should have {limit} characters or less.",
                                "too_long")


def _title(value: Any) -> str:
    _not_null("title", value)
    if not isinstance(value, str):
        raise ValidationFailed.one("title", "This value should be of type string.", "type")
    if len(value) > MAX_TITLE:
        raise _too_long("title", MAX_TITLE)
    title = clean(value)
    if title is None:
        raise ValidationFailed.one("title", "This value should not be blank.", "blank")
    return title


def _description(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed.one("description", "This value should be of type string.", "type")
    if len(value) > MAX_DESCRIPTION:
        raise _too_long("description", MAX_DESCRIPTION)
    return clean(value)


def _choice(path: str, enum: type[Enum]) -> Callable[[Any], Enum]:
    def check(value: Any) -> Enum:
        _not_null(path, value)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            message = f"The value you selected is not a valid choice ({allowed})."
            raise ValidationFailed.one(path, message, "choice") from None
    return check


def _payload(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed.one("payload", "This value should be a JSON object.", "type")
    try:
        # allow_nan=False: Python's json reads NaN and Infinity, which no JSON client could read back.
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError):
        raise ValidationFailed.one("payload", "This value should be a JSON object (numbers must be finite).",
                                   "type") from None
    if size > MAX_PAYLOAD_BYTES:
        message = f"The payload is too large ({size} bytes; at most {MAX_PAYLOAD_BYTES})."
        raise ValidationFailed.one("payload", message, "too_large")
    copy: dict[str, Any] = json.loads(json.dumps(value))
    return copy  # a deep copy: the task never shares mutable state with the caller


def _due_date(value: Any) -> datetime:
    _not_null("due_date", value)
    moment = parse_datetime(value)
    if moment is None:
        raise ValidationFailed.one("due_date", INVALID_DATETIME, "invalid_datetime")
    if not MIN_DUE <= moment < MAX_DUE:
        message = "The due date must fall between the years 1900 and 9998."
        raise ValidationFailed.one("due_date", message, "range")
    return moment.replace(microsecond=0)


def _completed(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed.one("completed", "This value should be of type bool.", "type")
    return value


_CHECKS = {
    "contact_id": _contact_id,
    "title": _title,
    "type": _choice("type", TaskType),
    "task_kind": _choice("task_kind", TaskKind),
    "payload": _payload,
    "description": _description,
    "due_date": _due_date,
    "completed": _completed,
}

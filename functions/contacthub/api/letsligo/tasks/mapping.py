"""Pure letsligo ContactTask <-> domain mapping. Golden tests: tests/unit/test_task_mapping.py."""
from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from ....domain.task import Task, TaskQuery, TaskType
from ....domain.text import canonical_uuid, parse_datetime
from ...common import BadRequest
from ..contacts.mapping import CONTACTS
from ..wire import iso

TASKS = "/api/contact_tasks"
CONTEXT = "ContactTask"

# wire property -> canonical field
WIRE_TO_CANONICAL = {
    "contact": "contact_id", "title": "title", "type": "type", "taskKind": "task_kind", "payload": "payload",
    "description": "description", "dueDate": "due_date", "completed": "completed",
}
_ONE_MICROSECOND = timedelta(microseconds=1)
_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


def contact_id_from_iri(value: str) -> str:
    """``/api/contacts/<id>``, the same as an absolute URL, or a bare id -> the id (validated later)."""
    path = urlsplit(value).path if "://" in value else value
    prefix = CONTACTS + "/"
    return path[len(prefix):] if path.startswith(prefix) else value


def fields_from_wire(sent: dict[str, Any]) -> dict[str, Any]:
    """Only the properties the client sent, under canonical names (PATCH semantics)."""
    fields = {WIRE_TO_CANONICAL[k]: v for k, v in sent.items() if k in WIRE_TO_CANONICAL}
    if isinstance(fields.get("contact_id"), str):
        fields["contact_id"] = contact_id_from_iri(fields["contact_id"])
    return fields


def task_to_wire(task: Task, with_context: bool = True) -> dict[str, Any]:
    wire = {
        "@context": f"/api/contexts/{CONTEXT}",
        "@id": f"{TASKS}/{task.id}",
        "@type": CONTEXT,
        "title": task.title,
        "type": task.type.value,
        "taskKind": task.task_kind.value,
        "payload": task.payload,
        "description": task.description,
        "dueDate": iso(task.due_date),
        "completed": task.completed,
        "completedAt": iso(task.completed_at),
        "contact": f"{CONTACTS}/{task.contact_id}",
    }
    if not with_context:
        wire.pop("@context")
    return wire


def task_query(contact: str | None = None, completed: str | None = None, type: str | None = None,
               before: str | None = None, strictly_before: str | None = None,
               after: str | None = None, strictly_after: str | None = None) -> TaskQuery:
    """API Platform filters -> TaskQuery: SearchFilter on contact (IRI or id) and type, BooleanFilter on
    completed, DateFilter on dueDate (``before``/``after`` inclusive, ``strictly_*`` exclusive)."""
    contact_id = None
    if contact is not None:
        contact_id = canonical_uuid(contact_id_from_iri(contact.strip()))
        if contact_id is None:
            raise BadRequest(f'Invalid IRI "{contact}" for the contact filter; expected {CONTACTS}/{{id}}')
    state = None
    if completed is not None:
        flag = completed.strip().lower()
        if flag not in _TRUE | _FALSE:
            raise BadRequest(f'Invalid value "{completed}" for the completed filter; '
                             "expected true, false, 1 or 0")
        state = flag in _TRUE
    task_type = None
    if type is not None:
        try:
            task_type = TaskType(type)
        except ValueError:
            allowed = ", ".join(t.value for t in TaskType)
            raise BadRequest(f'Invalid type "{type}"; expected one of {allowed}') from None
    uppers = [_moment("before", before), _shift("strictly_before", strictly_before, -_ONE_MICROSECOND)]
    lowers = [_moment("after", after), _shift("strictly_after", strictly_after, _ONE_MICROSECOND)]
    uppers = [m for m in uppers if m is not None]
    lowers = [m for m in lowers if m is not None]
    return TaskQuery(contact_id=contact_id, completed=state, type=task_type,
                     due_before=min(uppers) if uppers else None, due_after=max(lowers) if lowers else None)


def _moment(name: str, value: str | None):
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None:
        raise BadRequest(f'Invalid date "{value}" for dueDate[{name}]; '
                         "expected ISO 8601, e.g. 2025-03-20T10:00:00+00:00")
    return moment


def _shift(name: str, value: str | None, delta: timedelta):
    """A strict bound as the inclusive one a microsecond away (the finest time the store keeps)."""
    moment = _moment(name, value)
    if moment is None:
        return None
    try:
        return moment + delta
    except OverflowError:
        raise BadRequest(f'Date "{value}" for dueDate[{name}] is out of range') from None

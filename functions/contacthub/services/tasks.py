"""Task use cases shared by the letsligo dialect and GraphQL.

A task belongs to a contact of the same workspace. Deleting a contact deletes its tasks afterwards
(one of ContactService's cleanups); should that be interrupted, reads never serve a task whose contact is
gone (one BatchGet checks the contacts of what is returned) and sweep the leftovers as they meet them.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from ..domain import messages
from ..domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from ..domain.task import (
    OpenTaskSummary,
    Task,
    TaskPage,
    TaskQuery,
    TaskSlice,
    TaskType,
    validate_task_fields,
)
from ..domain.text import canonical_uuid, parse_datetime
from ..ports import TaskRepository
from . import paging
from .retry import ExpectedVersion, check_version, retry_on_conflict

SWEEP_BATCH = 20  # tasks deleted per transaction (four items each, plus the counters)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TaskService:
    def __init__(self, tasks: TaskRepository, clock: Callable[[], datetime] = utcnow):
        self._tasks = tasks
        self.clock = clock

    # ---------------------------------------------------------------- reads
    def get(self, workspace_id: str, task_id: str) -> Task:
        """NotFound also when the task's contact is gone."""
        key = canonical_uuid(task_id)
        task = self._tasks.get(workspace_id, key) if key else None
        if task is None or not self._served(workspace_id, [task]):
            raise NotFound("Task", task_id)
        return task

    def get_many(self, workspace_id: str, task_ids: list[str]) -> dict[str, Task]:
        """The tasks found among these ids, keyed as asked (unknown, malformed or orphaned ones left out)."""
        keys = {tid: key for tid in task_ids if (key := canonical_uuid(tid))}
        found = self._tasks.get_many(workspace_id, dict.fromkeys(keys.values())) if keys else {}
        served = {t.id: t for t in self._served(workspace_id, list(found.values()))}
        return {tid: served[key] for tid, key in keys.items() if key in served}

    def search(self, workspace_id: str, query: TaskQuery, offset: int = 0,
               limit: int = paging.DEFAULT_PAGE_SIZE) -> TaskPage:
        """Tasks by due date (soonest first, then by id), filtered with AND."""
        offset, limit = paging.bounded(offset, limit)
        normalized = _normalized(query)
        if normalized is None:
            return TaskPage([], 0)
        page = self._tasks.find(workspace_id, normalized, offset, limit)
        served = self._served(workspace_id, page.items)
        return TaskPage(served, max(page.total - (len(page.items) - len(served)), 0))

    def list_page(self, workspace_id: str, query: TaskQuery, offset: int = 0, limit: int = paging.DEFAULT_PAGE_SIZE,
             soonest_first: bool = True) -> TaskPage:
        """``search`` in either order; ``limit`` may be 0 (the total alone). Latest first reads the mirrored
        window of the soonest-first order and reverses it."""
        if soonest_first:
            found = self.search(workspace_id, query, offset, max(limit, 1))
            return TaskPage(found.items[:max(limit, 0)], found.total)
        total = self.search(workspace_id, query, 0, 1).total
        start, size = paging.mirrored(offset, max(limit, 0), total)
        found = self.search(workspace_id, query, start, max(size, 1))
        return TaskPage(list(reversed(found.items[:size])), total)

    def page(self, workspace_id: str, query: TaskQuery, limit: int = paging.DEFAULT_PAGE_SIZE, *,
             cursor: str | None = None, cursor_field: str = "cursor", latest_first: bool = False,
             with_total: bool = False) -> TaskSlice:
        """Tasks by due date after ``cursor`` (an opaque keyset cursor bound to the workspace, query and order):
        stable while tasks come and go. ``limit`` may be 0 (the total alone)."""
        wanted = max(limit, 0)
        _, limit = paging.bounded(0, limit)
        normalized = _normalized(query)
        bound = paging.scope(workspace_id, "tasks", normalized, latest_first)
        after = paging.decode_cursor(bound, cursor, cursor_field) if cursor else None
        if normalized is None:
            return TaskSlice([], 0 if with_total else None)
        found = self._tasks.find_after(workspace_id, normalized, after, limit, latest_first, with_total)
        served = self._served(workspace_id, found.items)
        if len(served) < len(found.items):  # tasks of a deleted contact, not swept yet
            kept = {t.id for t in served}
            found = TaskSlice(served, found.total, found.next,
                              [p for t, p in zip(found.items, found.positions, strict=True) if t.id in kept])
        return TaskSlice(found.items[:wanted], found.total,
                         paging.encode_cursor(bound, found.next) if found.next and wanted else None,
                         [paging.encode_cursor(bound, p) for p in found.positions[:wanted]])

    def open_tasks_for_contacts(self, workspace_id: str, contact_ids: list[str]) -> dict[str, list[Task]]:
        """Open tasks per contact by due date (for GraphQL DataLoaders); every asked id is a key."""
        return self.tasks_for_contacts(workspace_id, contact_ids, TaskQuery(completed=False))

    def open_task_summaries(self, workspace_id: str, contact_ids: list[str]) -> dict[str, OpenTaskSummary]:
        """Open-task count and next open tasks per contact (one BatchGet); every asked id is a key. For
        contacts the caller has just read: a missing or malformed id gets an empty summary."""
        keys = {cid: key for cid in contact_ids if (key := canonical_uuid(cid))}
        found = self._tasks.open_task_summaries(workspace_id, dict.fromkeys(keys.values())) if keys else {}
        return {cid: found.get(keys.get(cid, ""), OpenTaskSummary()) for cid in contact_ids}

    def tasks_for_contacts(self, workspace_id: str, contact_ids: list[str],
                           query: TaskQuery | None = None) -> dict[str, list[Task]]:
        """Tasks per contact by due date, filtered by ``query`` (its contact_id is ignored); every asked id
        is a key. Contacts that don't exist in the workspace get an empty list."""
        result: dict[str, list[Task]] = {cid: [] for cid in contact_ids}
        query = _normalized(query or TaskQuery())
        if query is None:
            return result
        keys = {cid: key for cid in result if (key := canonical_uuid(cid))}
        existing = self._tasks.existing_contacts(workspace_id, keys.values())
        wanted = [k for k in dict.fromkeys(keys.values()) if k in existing]
        found = self._tasks.for_contacts(workspace_id, wanted, query)
        for cid, key in keys.items():
            result[cid] = list(found.get(key, ()))
        return result

    def contacts_with_open_tasks(self, workspace_id: str) -> set[str]:
        """Ids of the workspace's contacts that have at least one open task (GraphQL `hasOpenTasks`).

        Reads the open-task entries only (cost grows with open tasks), then checks those contacts exist.
        """
        candidates = self._tasks.contacts_with_open_tasks(workspace_id)
        return self._tasks.existing_contacts(workspace_id, candidates) if candidates else set()

    # ---------------------------------------------------------------- writes
    def create(self, workspace_id: str, fields: dict[str, Any]) -> Task:
        """Needs contact_id, title, due_date; may set type, task_kind, payload, description, completed."""
        values = validate_task_fields(fields, creating=True)

        def add() -> Task:
            self._require_contact(workspace_id, values["contact_id"])
            now = self.clock()
            task = Task(workspace_id=workspace_id, id=str(uuid.uuid4()), created_at=now, updated_at=now,
                        completed_at=now if values["completed"] else None, version=None, **values)
            return self._tasks.add(task)

        try:
            return retry_on_conflict(add)  # the contact was deleted meanwhile, or the counters were busy
        except Conflict:
            self._require_contact(workspace_id, values["contact_id"])
            raise Conflict("The task could not be saved; retry") from None

    def update(self, workspace_id: str, task_id: str, changes: dict[str, Any],
               expected_version: ExpectedVersion = None) -> Task:
        """Change only the given fields. completed True sets completed_at (once); False clears it.
        ``expected_version``: the client's precondition (If-Match); PreconditionFailed when stale."""
        values = validate_task_fields(changes)

        def change(task: Task) -> Task:
            check_version("Task", task.version, expected_version)
            changed = task.with_changes(**values)
            if "completed" in values:
                if not values["completed"]:
                    changed = changed.with_changes(completed_at=None)
                elif not task.completed:
                    changed = changed.with_changes(completed_at=self.clock())
            if changed.contact_id != task.contact_id:
                self._require_contact(workspace_id, changed.contact_id)
            return changed

        return self._mutate(workspace_id, task_id, change)

    def complete(self, workspace_id: str, task_id: str, expected_version: ExpectedVersion = None) -> Task:
        return self.update(workspace_id, task_id, {"completed": True}, expected_version)

    def reopen(self, workspace_id: str, task_id: str, expected_version: ExpectedVersion = None) -> Task:
        return self.update(workspace_id, task_id, {"completed": False}, expected_version)

    def delete(self, workspace_id: str, task_id: str, expected_version: ExpectedVersion = None) -> None:
        def remove() -> None:
            task = self.get(workspace_id, task_id)
            check_version("Task", task.version, expected_version)
            self._tasks.remove(task)  # conditional on that version

        retry_on_conflict(remove)

    def delete_for_contact(self, workspace_id: str, contact_id: str) -> int:
        """Delete every task of a contact, a transaction per batch; returns how many were deleted.
        ContactService runs it after a contact's delete; it may run again (a sweep) with nothing left."""
        key = canonical_uuid(contact_id)
        return self._sweep(workspace_id, key) if key else 0

    # ---------------------------------------------------------------- helpers
    def _served(self, workspace_id: str, tasks: list[Task]) -> list[Task]:
        """The tasks whose contact still exists (one BatchGet); leftovers of a deleted contact are swept."""
        contact_ids = {t.contact_id for t in tasks}
        if not contact_ids:
            return tasks
        existing = self._tasks.existing_contacts(workspace_id, contact_ids)
        for gone in contact_ids - existing:
            try:
                self._sweep(workspace_id, gone, max_batches=1)  # bounded work on a read path
            except DomainError:
                pass  # a concurrent sweep is doing it
        return [t for t in tasks if t.contact_id in existing]

    def _sweep(self, workspace_id: str, contact_id: str, max_batches: int | None = None) -> int:
        deleted = batches = 0
        while max_batches is None or batches < max_batches:
            # Each batch re-reads the tasks: one that changed or went meanwhile cancels it, and it replays.
            removed = retry_on_conflict(lambda: self._remove_batch(workspace_id, contact_id))
            if not removed:
                break
            deleted += removed
            batches += 1
        return deleted

    def _remove_batch(self, workspace_id: str, contact_id: str) -> int:
        ids = self._tasks.task_ids_for_contact(workspace_id, contact_id, SWEEP_BATCH)
        tasks = list(self._tasks.get_many(workspace_id, ids).values()) if ids else []
        if tasks:
            self._tasks.remove_many(tasks)
        return len(tasks)

    def _mutate(self, workspace_id: str, task_id: str, change: Callable[[Task], Task]) -> Task:
        """Read, change, write with the version check; on a lost race replay the change on the fresh copy."""
        def attempt() -> Task:
            current = self.get(workspace_id, task_id)
            changed = change(current)
            if changed == current:
                return current
            return self._tasks.update(current, changed.with_changes(updated_at=self.clock()))

        return retry_on_conflict(attempt)

    def _require_contact(self, workspace_id: str, contact_id: str) -> None:
        if contact_id not in self._tasks.existing_contacts(workspace_id, [contact_id]):
            raise ValidationFailed.one("contact_id", messages.CONTACT_NOT_FOUND, "not_found")


def _normalized(query: TaskQuery) -> TaskQuery | None:
    """The query with canonical ids, enum and UTC bounds; None when it can match nothing."""
    contact_id = None
    if query.contact_id is not None:
        contact_id = canonical_uuid(query.contact_id)
        if contact_id is None:
            return None
    try:
        task_type = TaskType(query.type) if query.type is not None else None
    except ValueError:
        raise ValidationFailed.one("type", messages.choice(), "choice") from None
    before = parse_datetime(query.due_before) if query.due_before is not None else None
    after = parse_datetime(query.due_after) if query.due_after is not None else None
    if (query.due_before is not None and before is None) or (query.due_after is not None and after is None):
        raise ValidationFailed.one("due_date", messages.INVALID_DATETIME, "invalid_datetime")
    return TaskQuery(contact_id=contact_id, completed=query.completed, type=task_type, due_before=before,
                     due_after=after)

"""Task use cases shared by the letsligo dialect and GraphQL.

A task belongs to a contact of the same workspace. Deleting a contact deletes its tasks afterwards
(ContactService's on-delete hook); should that be interrupted, reads never serve a task whose contact is
gone (one BatchGet checks the contacts of what is returned) and sweep the leftovers as they meet them.
"""
from __future__ import annotations

import logging
import random
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Protocol

from ..domain import messages
from ..domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from ..domain.task import (
    CONTACT_NOT_FOUND,
    INVALID_DATETIME,
    Task,
    TaskPage,
    TaskQuery,
    TaskType,
    canonical_uuid,
    parse_datetime,
    validate_task_fields,
)

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000  # deep pages cost reads proportional to the offset
MAX_CONFLICT_RETRIES = 3
SWEEP_BATCH = 20  # tasks deleted per transaction (four items each, plus the counters)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TaskRepository(Protocol):
    def get(self, workspace_id: str, task_id: str) -> Task | None: ...
    def get_many(self, workspace_id: str, task_ids: Iterable[str]) -> dict[str, Task]: ...
    def existing_contacts(self, workspace_id: str, contact_ids: Iterable[str]) -> set[str]: ...
    def find(self, workspace_id: str, query: TaskQuery, offset: int, limit: int) -> TaskPage: ...
    def for_contacts(self, workspace_id: str, contact_ids: Iterable[str],
                     query: TaskQuery) -> dict[str, list[Task]]: ...
    def task_ids_for_contact(self, workspace_id: str, contact_id: str, limit: int) -> list[str]: ...
    def contacts_with_open_tasks(self, workspace_id: str) -> set[str]: ...
    def add(self, task: Task) -> Task: ...
    def update(self, old: Task, new: Task) -> Task: ...
    def remove(self, task: Task) -> None: ...
    def remove_many(self, tasks: list[Task]) -> None: ...


class TaskService:
    def __init__(self, tasks: TaskRepository, clock: Callable[[], datetime] = utcnow):
        self.tasks = tasks
        self.clock = clock

    # ---------------------------------------------------------------- reads
    def get(self, workspace_id: str, task_id: str) -> Task:
        """NotFound also when the task's contact is gone."""
        key = canonical_uuid(task_id)
        task = self.tasks.get(workspace_id, key) if key else None
        if task is None or not self._served(workspace_id, [task]):
            raise NotFound("Task", task_id)
        return task

    def search(self, workspace_id: str, query: TaskQuery, offset: int = 0, limit: int = 30) -> TaskPage:
        """Tasks by due date (soonest first, then by id), filtered with AND."""
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        if offset + limit > MAX_OFFSET:
            raise ValidationFailed.one("page", f"Only the first {MAX_OFFSET} tasks can be paged through; "
                                               "narrow the list with a filter.", "too_deep")
        query = _normalized(query)
        if query is None:
            return TaskPage([], 0)
        page = self.tasks.find(workspace_id, query, max(offset, 0), limit)
        served = self._served(workspace_id, page.items)
        return TaskPage(served, max(page.total - (len(page.items) - len(served)), 0))

    def open_tasks_for_contacts(self, workspace_id: str, contact_ids: list[str]) -> dict[str, list[Task]]:
        """Open tasks per contact by due date (for GraphQL DataLoaders); every asked id is a key."""
        return self.tasks_for_contacts(workspace_id, contact_ids, TaskQuery(completed=False))

    def tasks_for_contacts(self, workspace_id: str, contact_ids: list[str],
                           query: TaskQuery | None = None) -> dict[str, list[Task]]:
        """Tasks per contact by due date, filtered by ``query`` (its contact_id is ignored); every asked id
        is a key. Contacts that don't exist in the workspace get an empty list."""
        result: dict[str, list[Task]] = {cid: [] for cid in contact_ids}
        query = _normalized(query or TaskQuery())
        if query is None:
            return result
        keys = {cid: key for cid in result if (key := canonical_uuid(cid))}
        existing = self.tasks.existing_contacts(workspace_id, keys.values())
        wanted = [k for k in dict.fromkeys(keys.values()) if k in existing]
        found = self.tasks.for_contacts(workspace_id, wanted, query)
        for cid, key in keys.items():
            result[cid] = list(found.get(key, ()))
        return result

    def contacts_with_open_tasks(self, workspace_id: str) -> set[str]:
        """Ids of the workspace's contacts that have at least one open task (GraphQL `hasOpenTasks`).

        Reads the open-task entries only (cost grows with open tasks), then checks those contacts exist.
        """
        candidates = self.tasks.contacts_with_open_tasks(workspace_id)
        return self.tasks.existing_contacts(workspace_id, candidates) if candidates else set()

    # ---------------------------------------------------------------- writes
    def create(self, workspace_id: str, fields: dict[str, Any]) -> Task:
        """Needs contact_id, title, due_date; may set type, task_kind, payload, description, completed."""
        values = validate_task_fields(fields, creating=True)
        for attempt in range(MAX_CONFLICT_RETRIES):
            self._require_contact(workspace_id, values["contact_id"])
            now = self.clock()
            task = Task(workspace_id=workspace_id, id=str(uuid.uuid4()), created_at=now, updated_at=now,
                        completed_at=now if values["completed"] else None, version=None, **values)
            try:
                return self.tasks.add(task)
            except Conflict:  # the contact was deleted meanwhile, or the counters were busy: check and retry
                self._backoff(attempt)
        self._require_contact(workspace_id, values["contact_id"])
        raise Conflict("The task could not be saved; retry")

    def update(self, workspace_id: str, task_id: str, changes: dict[str, Any]) -> Task:
        """Change only the given fields. completed True sets completed_at (once); False clears it."""
        values = validate_task_fields(changes)

        def change(task: Task) -> Task:
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

    def complete(self, workspace_id: str, task_id: str) -> Task:
        return self.update(workspace_id, task_id, {"completed": True})

    def reopen(self, workspace_id: str, task_id: str) -> Task:
        return self.update(workspace_id, task_id, {"completed": False})

    def delete(self, workspace_id: str, task_id: str) -> None:
        for attempt in range(MAX_CONFLICT_RETRIES):
            task = self.get(workspace_id, task_id)
            try:
                self.tasks.remove(task)
                return
            except Conflict:
                if attempt == MAX_CONFLICT_RETRIES - 1:
                    raise
                self._backoff(attempt)

    def delete_for_contact(self, workspace_id: str, contact_id: str) -> int:
        """Delete every task of a contact, a transaction per batch; returns how many were deleted."""
        key = canonical_uuid(contact_id)
        return self._sweep(workspace_id, key) if key else 0

    def on_contact_deleted(self, workspace_id: str, contact_id: str) -> None:
        """ContactService's on-delete hook. The contact is already gone, so its delete has succeeded:
        a failure here only leaves tasks that reads hide and sweep, never a failed delete."""
        try:
            self.delete_for_contact(workspace_id, contact_id)
        except DomainError:
            logger.warning("Tasks of deleted contact %s left for the read-time sweep", contact_id)

    # ---------------------------------------------------------------- helpers
    def _served(self, workspace_id: str, tasks: list[Task]) -> list[Task]:
        """The tasks whose contact still exists (one BatchGet); leftovers of a deleted contact are swept."""
        contact_ids = {t.contact_id for t in tasks}
        if not contact_ids:
            return tasks
        existing = self.tasks.existing_contacts(workspace_id, contact_ids)
        for gone in contact_ids - existing:
            try:
                self._sweep(workspace_id, gone, max_batches=1)  # bounded work on a read path
            except DomainError:
                pass  # a concurrent sweep is doing it
        return [t for t in tasks if t.contact_id in existing]

    def _sweep(self, workspace_id: str, contact_id: str, max_batches: int | None = None) -> int:
        deleted = batches = conflicts = 0
        while max_batches is None or batches < max_batches:
            ids = self.tasks.task_ids_for_contact(workspace_id, contact_id, SWEEP_BATCH)
            tasks = list(self.tasks.get_many(workspace_id, ids).values()) if ids else []
            if not tasks:
                break
            try:
                self.tasks.remove_many(tasks)
            except Conflict:  # one of them changed or went meanwhile: read again
                conflicts += 1
                if conflicts >= MAX_CONFLICT_RETRIES:
                    raise
                self._backoff(conflicts)
                continue
            deleted += len(tasks)
            batches += 1
        return deleted

    def _mutate(self, workspace_id: str, task_id: str, change: Callable[[Task], Task]) -> Task:
        """Read, change, write with the version check; on a lost race replay the change on the fresh copy."""
        for attempt in range(MAX_CONFLICT_RETRIES):
            current = self.get(workspace_id, task_id)
            changed = change(current)
            if changed == current:
                return current
            changed = changed.with_changes(updated_at=self.clock())
            try:
                return self.tasks.update(current, changed)
            except Conflict:
                if attempt == MAX_CONFLICT_RETRIES - 1:
                    raise
                self._backoff(attempt)
        raise AssertionError("unreachable")

    def _require_contact(self, workspace_id: str, contact_id: str) -> None:
        if contact_id not in self.tasks.existing_contacts(workspace_id, [contact_id]):
            raise ValidationFailed.one("contact_id", CONTACT_NOT_FOUND, "not_found")

    @staticmethod
    def _backoff(attempt: int) -> None:
        time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))  # noqa: S311 - jitter, not security


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
        raise ValidationFailed.one("due_date", INVALID_DATETIME, "invalid_datetime")
    return TaskQuery(contact_id=contact_id, completed=query.completed, type=task_type, due_before=before,
                     due_after=after)

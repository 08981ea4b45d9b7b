from __future__ import annotations

from contacthub.domain.task import Task, TaskQuery

from .base import WorkspaceLoader

TasksKey = tuple[str, TaskQuery]  # (contact id, filter)


class TasksByContactLoader(WorkspaceLoader[TasksKey, list[Task]]):
    """Filtered tasks of many contacts: one service call per distinct filter in the batch (usually one)."""

    def fetch(self, keys: list[TasksKey]) -> list[list[Task]]:
        by_query: dict[TaskQuery, list[str]] = {}
        for contact_id, query in keys:
            by_query.setdefault(query, []).append(contact_id)
        found = {
            (contact_id, query): tasks
            for query, contact_ids in by_query.items()
            for contact_id, tasks in self.services.tasks.tasks_for_contacts(
                self.workspace_id, list(dict.fromkeys(contact_ids)), query).items()
        }
        return [found.get(key, []) for key in keys]

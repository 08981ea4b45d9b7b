from __future__ import annotations

from contacthub.domain.task import Task

from .base import WorkspaceLoader


class TaskByIdLoader(WorkspaceLoader[str, Task | None]):
    """One BatchGet of the tasks, one of their contacts (a task whose contact is gone is never served)."""

    def fetch(self, keys: list[str]) -> list[Task | None]:
        found = self.services.tasks.get_many(self.workspace_id, list(dict.fromkeys(keys)))
        return [found.get(key) for key in keys]

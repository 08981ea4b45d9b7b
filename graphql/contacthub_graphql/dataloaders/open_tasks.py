from __future__ import annotations

from contacthub.domain.task import Task

from .base import WorkspaceLoader


class OpenTasksByContactLoader(WorkspaceLoader[str, list[Task]]):
    """Open tasks of many contacts: one BatchGet checks the contacts, one Query per contact reads its open
    entries (DynamoDB has no multi-partition-key Query), one BatchGet per 100 tasks reads them."""

    def fetch(self, keys: list[str]) -> list[list[Task]]:
        found = self.services.tasks.open_tasks_for_contacts(self.workspace_id, list(dict.fromkeys(keys)))
        return [found.get(key, []) for key in keys]

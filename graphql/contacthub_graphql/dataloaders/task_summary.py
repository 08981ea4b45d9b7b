from __future__ import annotations

from contacthub.domain.task import OpenTaskSummary

from .base import WorkspaceLoader


class OpenTaskSummaryByContactLoader(WorkspaceLoader[str, OpenTaskSummary]):
    """Open-task count and next open tasks of many contacts: one BatchGet of their summaries."""

    def fetch(self, keys: list[str]) -> list[OpenTaskSummary]:
        found = self.services.tasks.open_task_summaries(self.workspace_id, list(dict.fromkeys(keys)))
        return [found[key] for key in keys]

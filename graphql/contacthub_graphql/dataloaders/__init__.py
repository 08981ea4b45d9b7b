"""One DataLoader per relation, created per request: warm Lambda containers outlive requests, and a cache
shared between requests would serve one caller's data to the next."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from .contact import ContactByIdLoader
from .location import LocationByIdLoader
from .open_tasks import OpenTasksByContactLoader
from .pipeline_state import PipelineStateByIdLoader
from .tag import TagByKeyLoader, TagCountByKeyLoader
from .task import TaskByIdLoader
from .task_summary import OpenTaskSummaryByContactLoader
from .tasks import TasksByContactLoader

if TYPE_CHECKING:
    from contacthub.wiring import Services


@dataclass(frozen=True)
class Loaders:
    contact: ContactByIdLoader
    pipeline_state: PipelineStateByIdLoader
    open_tasks: OpenTasksByContactLoader
    open_task_summary: OpenTaskSummaryByContactLoader
    task: TaskByIdLoader
    tasks: TasksByContactLoader
    location: LocationByIdLoader
    tag_count: TagCountByKeyLoader
    tag: TagByKeyLoader

    @classmethod
    def for_workspace(cls, services: Services, workspace_id: str) -> Loaders:
        return cls(
            contact=ContactByIdLoader(services, workspace_id),
            pipeline_state=PipelineStateByIdLoader(services, workspace_id),
            open_tasks=OpenTasksByContactLoader(services, workspace_id),
            open_task_summary=OpenTaskSummaryByContactLoader(services, workspace_id),
            task=TaskByIdLoader(services, workspace_id),
            tasks=TasksByContactLoader(services, workspace_id),
            location=LocationByIdLoader(services, workspace_id),
            tag_count=TagCountByKeyLoader(services, workspace_id),
            tag=TagByKeyLoader(services, workspace_id),
        )

    def clear_all(self) -> None:
        """After a write: later reads in the same request must see it."""
        for f in fields(self):
            getattr(self, f.name).clear_all()

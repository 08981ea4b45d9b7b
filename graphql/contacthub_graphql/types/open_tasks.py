
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from contacthub.domain.task import TaskPreview

if TYPE_CHECKING:
    from .task import Task


@strawberry.type(description="An open task as a list shows it; `task` reads the whole task.")
class OpenTask:
    id: strawberry.ID = strawberry.field(description="The task's id.")
    title: str = strawberry.field(description="The task's title.")
    due_date: datetime = strawberry.field(description="When the task is due.")

    @classmethod
    def from_domain(cls, preview: TaskPreview) -> "OpenTask":
        return cls(id=strawberry.ID(preview.id), title=preview.title, due_date=preview.due_date)

    @strawberry.field(description="The whole task (read in one batch for the whole list).")
    async def task(
        self, info: Info,
    ) -> Annotated["Task", strawberry.lazy("contacthub_graphql.types.task")] | None:  # noqa: UP037
        from .task import Task

        found = await info.context.loaders.task.load(str(self.id))
        return Task.from_domain(found) if found else None


@strawberry.type(description="A contact's open tasks: how many, and the first ones by due date (then id).")
class OpenTasks:
    total_count: int = strawberry.field(description="Open tasks of the contact.")
    nodes: list[OpenTask] = strawberry.field(description="The first open tasks, soonest due first.")

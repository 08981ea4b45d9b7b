from __future__ import annotations

import strawberry
from strawberry.types import Info

from ..inputs import (
    CompleteTaskInput,
    CreateTaskInput,
    DeleteTaskInput,
    ReopenTaskInput,
    UpdateTaskInput,
    changes,
)
from ..payloads import (
    CompleteTaskPayload,
    CreateTaskPayload,
    DeleteTaskPayload,
    ReopenTaskPayload,
    UpdateTaskPayload,
)
from ..types.task import Task
from .outcome import outcome


@strawberry.type
class TaskMutations:
    @strawberry.mutation(description="Create a task on a contact of this workspace.")
    def create_task(self, info: Info, input: CreateTaskInput) -> CreateTaskPayload:
        ctx = info.context
        return outcome(info, CreateTaskPayload, lambda: CreateTaskPayload(
            task=Task.from_domain(ctx.services.tasks.create(ctx.workspace_id, changes(input)))))

    @strawberry.mutation(description="Change the given fields of a task.")
    def update_task(self, info: Info, input: UpdateTaskInput) -> UpdateTaskPayload:
        ctx = info.context
        fields = changes(input, skip=("id",))
        return outcome(info, UpdateTaskPayload, lambda: UpdateTaskPayload(
            task=Task.from_domain(ctx.services.tasks.update(ctx.workspace_id, str(input.id), fields))))

    @strawberry.mutation(description="Mark a task done (completedAt is set the first time).")
    def complete_task(self, info: Info, input: CompleteTaskInput) -> CompleteTaskPayload:
        ctx = info.context
        return outcome(info, CompleteTaskPayload, lambda: CompleteTaskPayload(
            task=Task.from_domain(ctx.services.tasks.complete(ctx.workspace_id, str(input.id)))))

    @strawberry.mutation(description="Mark a task open again (completedAt is cleared).")
    def reopen_task(self, info: Info, input: ReopenTaskInput) -> ReopenTaskPayload:
        ctx = info.context
        return outcome(info, ReopenTaskPayload, lambda: ReopenTaskPayload(
            task=Task.from_domain(ctx.services.tasks.reopen(ctx.workspace_id, str(input.id)))))

    @strawberry.mutation
    def delete_task(self, info: Info, input: DeleteTaskInput) -> DeleteTaskPayload:
        ctx = info.context

        def delete() -> DeleteTaskPayload:
            ctx.services.tasks.delete(ctx.workspace_id, str(input.id))
            return DeleteTaskPayload(deleted_task_id=input.id)

        return outcome(info, DeleteTaskPayload, delete)

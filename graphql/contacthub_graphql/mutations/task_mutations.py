
from typing import Annotated

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
from .idempotent import KEY_DESCRIPTION, once
from .outcome import outcome


@strawberry.type
class TaskMutations:
    @strawberry.mutation(description="Create a task on a contact of this workspace.")
    def create_task(self, info: Info, input: CreateTaskInput,
                    idempotency_key: Annotated[str | None, strawberry.argument(description=KEY_DESCRIPTION)]
                    = None) -> CreateTaskPayload:
        ctx = info.context
        return outcome(info, CreateTaskPayload, lambda: CreateTaskPayload(task=Task.from_domain(once(
            info, "createTask", idempotency_key, input,
            lambda: ctx.services.tasks.create(ctx.workspace_id, changes(input)),
            lambda made: made.id, lambda made_id: ctx.services.tasks.get(ctx.workspace_id, made_id)))))

    @strawberry.mutation(description="Change the given fields of a task.")
    def update_task(self, info: Info, input: UpdateTaskInput) -> UpdateTaskPayload:
        ctx = info.context
        fields = changes(input, skip=("id", "expected_version"))
        return outcome(info, UpdateTaskPayload, lambda: UpdateTaskPayload(task=Task.from_domain(
            ctx.services.tasks.update(ctx.workspace_id, str(input.id), fields, input.expected_version))))

    @strawberry.mutation(description="Mark a task done (completedAt is set the first time).")
    def complete_task(self, info: Info, input: CompleteTaskInput) -> CompleteTaskPayload:
        ctx = info.context
        return outcome(info, CompleteTaskPayload, lambda: CompleteTaskPayload(
            task=Task.from_domain(ctx.services.tasks.complete(ctx.workspace_id, str(input.id),
                                                              input.expected_version))))

    @strawberry.mutation(description="Mark a task open again (completedAt is cleared).")
    def reopen_task(self, info: Info, input: ReopenTaskInput) -> ReopenTaskPayload:
        ctx = info.context
        return outcome(info, ReopenTaskPayload, lambda: ReopenTaskPayload(
            task=Task.from_domain(ctx.services.tasks.reopen(ctx.workspace_id, str(input.id),
                                                            input.expected_version))))

    @strawberry.mutation(description="Delete a task.")
    def delete_task(self, info: Info, input: DeleteTaskInput) -> DeleteTaskPayload:
        ctx = info.context

        def delete() -> DeleteTaskPayload:
            ctx.services.tasks.delete(ctx.workspace_id, str(input.id), input.expected_version)
            return DeleteTaskPayload(deleted_task_id=input.id)

        return outcome(info, DeleteTaskPayload, delete)

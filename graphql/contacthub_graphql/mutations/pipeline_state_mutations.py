
from typing import Annotated

import strawberry
from strawberry.types import Info

from contacthub.domain.pipeline import MAX_STATE_NAME, StateType

from ..inputs import (
    CreatePipelineStateInput,
    DeletePipelineStateInput,
    RecolorPipelineStateInput,
    RenamePipelineStateInput,
    ReorderPipelineStateInput,
)
from ..payloads import (
    CreatePipelineStatePayload,
    DeletePipelineStatePayload,
    RecolorPipelineStatePayload,
    RenamePipelineStatePayload,
    ReorderPipelineStatePayload,
)
from ..types.pipeline_state import PipelineState
from .idempotent import KEY_DESCRIPTION, once
from .outcome import outcome


@strawberry.type
class PipelineStateMutations:
    @strawberry.mutation(description="Add a state to the pipeline (at the end unless a position is given).")
    def create_pipeline_state(self, info: Info, input: CreatePipelineStateInput,
                              idempotency_key: Annotated[str | None, strawberry.argument(
                                  description=KEY_DESCRIPTION)] = None) -> CreatePipelineStatePayload:
        ctx = info.context
        return outcome(info, CreatePipelineStatePayload, lambda: CreatePipelineStatePayload(
            pipeline_state=PipelineState.from_domain(once(
                info, "createPipelineState", idempotency_key, input,
                lambda: ctx.services.pipeline.create(ctx.workspace_id, input.name, input.color,
                                                     StateType(input.type.value), input.position),
                lambda made: made.id, lambda made_id: ctx.services.pipeline.get(ctx.workspace_id, made_id)))))

    @strawberry.mutation(description=f"Rename a state (1 to {MAX_STATE_NAME} characters).")
    def rename_pipeline_state(self, info: Info, input: RenamePipelineStateInput
                              ) -> RenamePipelineStatePayload:
        ctx = info.context
        return outcome(info, RenamePipelineStatePayload, lambda: RenamePipelineStatePayload(
            pipeline_state=PipelineState.from_domain(ctx.services.pipeline.update(
                ctx.workspace_id, str(input.id), name=input.name))))

    @strawberry.mutation(description="Change a state's color (`#RRGGBB`).")
    def recolor_pipeline_state(self, info: Info, input: RecolorPipelineStateInput
                               ) -> RecolorPipelineStatePayload:
        ctx = info.context
        return outcome(info, RecolorPipelineStatePayload, lambda: RecolorPipelineStatePayload(
            pipeline_state=PipelineState.from_domain(ctx.services.pipeline.update(
                ctx.workspace_id, str(input.id), color=input.color))))

    @strawberry.mutation(description="Move a state to a 0-based position; the others shift to make room.")
    def reorder_pipeline_state(self, info: Info, input: ReorderPipelineStateInput
                               ) -> ReorderPipelineStatePayload:
        ctx = info.context
        return outcome(info, ReorderPipelineStatePayload, lambda: ReorderPipelineStatePayload(
            pipeline_state=PipelineState.from_domain(ctx.services.pipeline.move(
                ctx.workspace_id, str(input.id), input.position))))

    @strawberry.mutation(description="Delete an empty state (ConflictError while contacts are in it).")
    def delete_pipeline_state(self, info: Info, input: DeletePipelineStateInput
                              ) -> DeletePipelineStatePayload:
        ctx = info.context

        def delete() -> DeletePipelineStatePayload:
            ctx.services.pipeline.delete(ctx.workspace_id, str(input.id))
            return DeletePipelineStatePayload(deleted_pipeline_state_id=input.id)

        return outcome(info, DeletePipelineStatePayload, delete)

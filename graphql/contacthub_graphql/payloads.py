"""Mutation payloads (`<Verb><Noun>Payload`): the changed object, or `error`, a union of expected failures.

A payload's `error` union lists exactly what its mutation can answer; anything else raised is unexpected
and masked (see schema.py).
"""
from __future__ import annotations

from typing import Annotated, Union

import strawberry

from .types.contact import Contact
from .types.errors import ConflictError, NotFoundError, ValidationError
from .types.pipeline_state import PipelineState
from .types.task import Task


def error_union(name: str, *members: type) -> object:
    # Union[...] of a runtime tuple: the `|` form can't be built from a variable number of members.
    return Annotated[Union[members], strawberry.union(name)]  # noqa: UP007


CreateContactError = error_union("CreateContactError", ValidationError, ConflictError)
ChangeContactError = (NotFoundError, ValidationError, ConflictError)
UpdateContactError = error_union("UpdateContactError", *ChangeContactError)
DeleteContactError = error_union("DeleteContactError", NotFoundError, ConflictError)
ExtendContactError = error_union("ExtendContactError", *ChangeContactError)
MoveContactToPipelineStateError = error_union("MoveContactToPipelineStateError", *ChangeContactError)
AddTagsError = error_union("AddTagsError", *ChangeContactError)
RemoveTagsError = error_union("RemoveTagsError", *ChangeContactError)

CreateTaskError = error_union("CreateTaskError", ValidationError, ConflictError)
UpdateTaskError = error_union("UpdateTaskError", NotFoundError, ValidationError, ConflictError)
CompleteTaskError = error_union("CompleteTaskError", NotFoundError, ConflictError)
ReopenTaskError = error_union("ReopenTaskError", NotFoundError, ConflictError)
DeleteTaskError = error_union("DeleteTaskError", NotFoundError, ConflictError)

CreatePipelineStateError = error_union("CreatePipelineStateError", ValidationError)
ChangePipelineStateError = (NotFoundError, ValidationError)
RenamePipelineStateError = error_union("RenamePipelineStateError", *ChangePipelineStateError)
RecolorPipelineStateError = error_union("RecolorPipelineStateError", *ChangePipelineStateError)
ReorderPipelineStateError = error_union("ReorderPipelineStateError", *ChangePipelineStateError)
DeletePipelineStateError = error_union("DeletePipelineStateError", NotFoundError, ConflictError)


# ---------------------------------------------------------------- contacts

@strawberry.type
class CreateContactPayload:
    contact: Contact | None = None
    error: CreateContactError | None = None


@strawberry.type
class UpdateContactPayload:
    contact: Contact | None = None
    error: UpdateContactError | None = None


@strawberry.type
class DeleteContactPayload:
    deleted_contact_id: strawberry.ID | None = None
    error: DeleteContactError | None = None


@strawberry.type
class ExtendContactPayload:
    contact: Contact | None = None
    error: ExtendContactError | None = None


@strawberry.type
class MoveContactToPipelineStatePayload:
    contact: Contact | None = None
    error: MoveContactToPipelineStateError | None = None


@strawberry.type
class AddTagsPayload:
    contact: Contact | None = None
    error: AddTagsError | None = None


@strawberry.type
class RemoveTagsPayload:
    contact: Contact | None = None
    error: RemoveTagsError | None = None


# ---------------------------------------------------------------- tasks

@strawberry.type
class CreateTaskPayload:
    task: Task | None = None
    error: CreateTaskError | None = None


@strawberry.type
class UpdateTaskPayload:
    task: Task | None = None
    error: UpdateTaskError | None = None


@strawberry.type
class CompleteTaskPayload:
    task: Task | None = None
    error: CompleteTaskError | None = None


@strawberry.type
class ReopenTaskPayload:
    task: Task | None = None
    error: ReopenTaskError | None = None


@strawberry.type
class DeleteTaskPayload:
    deleted_task_id: strawberry.ID | None = None
    error: DeleteTaskError | None = None


# ---------------------------------------------------------------- pipeline states

@strawberry.type
class CreatePipelineStatePayload:
    pipeline_state: PipelineState | None = None
    error: CreatePipelineStateError | None = None


@strawberry.type
class RenamePipelineStatePayload:
    pipeline_state: PipelineState | None = None
    error: RenamePipelineStateError | None = None


@strawberry.type
class RecolorPipelineStatePayload:
    pipeline_state: PipelineState | None = None
    error: RecolorPipelineStateError | None = None


@strawberry.type
class ReorderPipelineStatePayload:
    pipeline_state: PipelineState | None = None
    error: ReorderPipelineStateError | None = None


@strawberry.type
class DeletePipelineStatePayload:
    deleted_pipeline_state_id: strawberry.ID | None = None
    error: DeletePipelineStateError | None = None

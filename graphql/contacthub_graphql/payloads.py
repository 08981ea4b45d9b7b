"""Mutation payloads (`<Verb><Noun>Payload`): the changed object, or `error`, a union of expected failures.

A payload's `error` union lists exactly what its mutation can answer; anything else raised is unexpected
and masked (see schema.py).
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Union

import strawberry

from .types.capture import ContactDraft, PossibleDuplicate
from .types.contact import Contact
from .types.email import EmailContent, SentEmail
from .types.errors import (
    ConflictError,
    NotFoundError,
    ServiceUnavailableError,
    TokenGoneError,
    ValidationError,
    VersionConflict,
)
from .types.pipeline_state import PipelineState
from .types.task import Task


def error_union(name: str, *members: type) -> object:
    # Union[...] of a runtime tuple: the `|` form can't be built from a variable number of members.
    return Annotated[Union[members], strawberry.union(name)]  # noqa: UP007


# NotFound on a create: a replay (idempotencyKey) of a create whose object was deleted since.
CreateContactError = error_union("CreateContactError", ValidationError, ConflictError, NotFoundError)
ChangeContactError = (NotFoundError, ValidationError, ConflictError)
UpdateContactError = error_union("UpdateContactError", *ChangeContactError, VersionConflict)
DeleteContactError = error_union("DeleteContactError", NotFoundError, ConflictError, VersionConflict)
ExtendContactError = error_union("ExtendContactError", *ChangeContactError)
MoveContactToPipelineStateError = error_union("MoveContactToPipelineStateError", *ChangeContactError)
AddTagsError = error_union("AddTagsError", *ChangeContactError)
RemoveTagsError = error_union("RemoveTagsError", *ChangeContactError)

CreateTaskError = error_union("CreateTaskError", ValidationError, ConflictError, NotFoundError)
UpdateTaskError = error_union("UpdateTaskError", NotFoundError, ValidationError, ConflictError, VersionConflict)
CompleteTaskError = error_union("CompleteTaskError", NotFoundError, ConflictError, VersionConflict)
ReopenTaskError = error_union("ReopenTaskError", NotFoundError, ConflictError, VersionConflict)
DeleteTaskError = error_union("DeleteTaskError", NotFoundError, ConflictError, VersionConflict)

CreatePipelineStateError = error_union("CreatePipelineStateError", ValidationError, ConflictError, NotFoundError)
ChangePipelineStateError = (NotFoundError, ValidationError)
RenamePipelineStateError = error_union("RenamePipelineStateError", *ChangePipelineStateError)
RecolorPipelineStateError = error_union("RecolorPipelineStateError", *ChangePipelineStateError)
ReorderPipelineStateError = error_union("ReorderPipelineStateError", *ChangePipelineStateError)
DeletePipelineStateError = error_union("DeletePipelineStateError", NotFoundError, ConflictError)

PrepareContactError = error_union("PrepareContactError", ValidationError)
ConfirmContactError = error_union("ConfirmContactError", NotFoundError, TokenGoneError, ValidationError,
                                  ConflictError)

# Conflict: the session was already sent, or changed concurrently; ServiceUnavailable: the model or the mail.
ContactEmailError = (NotFoundError, ValidationError, ConflictError, ServiceUnavailableError)
PrepareContactEmailError = error_union("PrepareContactEmailError", *ContactEmailError)
RefineContactEmailError = error_union("RefineContactEmailError", *ContactEmailError)
SendContactEmailError = error_union("SendContactEmailError", *ContactEmailError)


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


# ---------------------------------------------------------------- contact capture

@strawberry.type
class PrepareContactPayload:
    confirmation_token: str | None = strawberry.field(
        default=None, description="Pass it to confirmContact; shown once, valid once, for one hour.")
    expires_at: datetime | None = None
    source: str | None = strawberry.field(default=None, description="What the text was read as: vcard or "
                                                                    "signature.")
    cards_found: int | None = strawberry.field(default=None, description="vCards in the text; only the first "
                                                                          "was extracted.")
    draft: ContactDraft | None = None
    duplicates: list[PossibleDuplicate] | None = strawberry.field(
        default=None, description="Existing contacts sharing an email or phone with the draft (at most 10).")
    error: PrepareContactError | None = None


@strawberry.type
class ConfirmContactPayload:
    contact: Contact | None = None
    error: ConfirmContactError | None = None


# ---------------------------------------------------------------- AI email flow

@strawberry.type
class ContactEmailDraftFields:
    """What prepareContactEmail and refineContactEmail both answer (not a schema type of its own)."""

    session_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Continue with it: refineContactEmail, prepareContactEmail, sendContactEmail.")
    version: int | None = strawberry.field(default=None, description="1, 2... within the session.")
    draft: EmailContent | None = None
    notes: list[str] | None = strawberry.field(
        default=None, description="Instructions the composer could not (fully) apply, said plainly.")
    composer: str | None = strawberry.field(default=None, description="Who wrote this version: offline, "
                                                                      "bedrock or openai.")
    expires_at: datetime | None = strawberry.field(default=None,
                                                   description="The session expires unless used.")


@strawberry.type
class PrepareContactEmailPayload(ContactEmailDraftFields):
    error: PrepareContactEmailError | None = None


@strawberry.type
class RefineContactEmailPayload(ContactEmailDraftFields):
    error: RefineContactEmailError | None = None


@strawberry.type
class SendContactEmailPayload:
    sent_email: SentEmail | None = None
    error: SendContactEmailError | None = None

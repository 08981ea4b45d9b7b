"""Mutation payloads (`<Verb><Noun>Payload`): the changed object, or `error`, a union of expected failures.

A payload's `error` union lists exactly what its mutation can answer; anything else raised is unexpected
and masked (see schema.py).
"""

from datetime import datetime
from typing import Annotated, Any, Union

import strawberry

from .types.capture import ContactDraft, PossibleDuplicate
from .types.contact import Contact
from .types.email import EmailContent, SentEmail
from .types.errors import (
    ConflictError,
    DuplicateEmailError,
    NotFoundError,
    ServiceUnavailableError,
    TokenGoneError,
    ValidationError,
    VersionConflict,
)
from .types.pipeline_state import PipelineState
from .types.task import Task


REPLAYED_CREATE = "NotFoundError: an idempotencyKey replay whose object was deleted since."


def error_union(name: str, *members: type, note: str = "") -> object:
    """`<Verb><Noun>Error`: the expected failures of one mutation, named in the union's description."""
    mutation = name.removesuffix("Error")
    names = ", ".join(member.__name__ for member in members)
    description = f"What {mutation[0].lower()}{mutation[1:]} can fail with: {names} (each is an Error)."
    description += f" {note}" if note else ""
    # Union[...] of a runtime tuple: the `|` form can't be built from a variable number of members.
    return Annotated[Union[members], strawberry.union(name, description=description)]  # noqa: UP007


def result(what: str) -> Any:
    """A payload's success field."""
    return strawberry.field(default=None, description=f"{what}; null when `error` is set.")


def failure() -> Any:
    """A payload's `error` field."""
    return strawberry.field(default=None, description="Why the mutation failed (nothing was changed); null on "
                                                      "success.")


def payload(mutation: str, answer: str) -> Any:
    """`@payload("createContact", "the contact")`: a payload type with its description."""
    return strawberry.type(description=f"What {mutation} answers: {answer}, or `error`.")


# NotFound on a create: a replay (idempotencyKey) of a create whose object was deleted since.
CreateContactError = error_union("CreateContactError", ValidationError, ConflictError, NotFoundError,
                                 DuplicateEmailError, note=REPLAYED_CREATE)
ChangeContactError = (NotFoundError, ValidationError, ConflictError)
UpdateContactError = error_union("UpdateContactError", *ChangeContactError, VersionConflict, DuplicateEmailError)
DeleteContactError = error_union("DeleteContactError", NotFoundError, ConflictError, VersionConflict)
ExtendContactError = error_union("ExtendContactError", *ChangeContactError)
MoveContactToPipelineStateError = error_union("MoveContactToPipelineStateError", *ChangeContactError)
AddTagsError = error_union("AddTagsError", *ChangeContactError)
RemoveTagsError = error_union("RemoveTagsError", *ChangeContactError)

CreateTaskError = error_union("CreateTaskError", ValidationError, ConflictError, NotFoundError, note=REPLAYED_CREATE)
UpdateTaskError = error_union("UpdateTaskError", NotFoundError, ValidationError, ConflictError, VersionConflict)
CompleteTaskError = error_union("CompleteTaskError", NotFoundError, ConflictError, VersionConflict)
ReopenTaskError = error_union("ReopenTaskError", NotFoundError, ConflictError, VersionConflict)
DeleteTaskError = error_union("DeleteTaskError", NotFoundError, ConflictError, VersionConflict)

CreatePipelineStateError = error_union("CreatePipelineStateError", ValidationError, ConflictError, NotFoundError,
                                       note=REPLAYED_CREATE)
ChangePipelineStateError = (NotFoundError, ValidationError)
RenamePipelineStateError = error_union("RenamePipelineStateError", *ChangePipelineStateError)
RecolorPipelineStateError = error_union("RecolorPipelineStateError", *ChangePipelineStateError)
ReorderPipelineStateError = error_union("ReorderPipelineStateError", *ChangePipelineStateError)
DeletePipelineStateError = error_union("DeletePipelineStateError", NotFoundError, ConflictError)

PrepareContactError = error_union("PrepareContactError", ValidationError)
ConfirmContactError = error_union("ConfirmContactError", NotFoundError, TokenGoneError, ValidationError,
                                  ConflictError, DuplicateEmailError)

# Conflict: the session was already sent, or changed concurrently; ServiceUnavailable: the model or the mail.
ContactEmailError = (NotFoundError, ValidationError, ConflictError, ServiceUnavailableError)
EMAIL_NOTE = ("ConflictError: the session was already sent, or changed concurrently; ServiceUnavailableError: "
              "the writing model or the mail service.")
PrepareContactEmailError = error_union("PrepareContactEmailError", *ContactEmailError, note=EMAIL_NOTE)
RefineContactEmailError = error_union("RefineContactEmailError", *ContactEmailError, note=EMAIL_NOTE)
SendContactEmailError = error_union("SendContactEmailError", *ContactEmailError, note=EMAIL_NOTE)


# ---------------------------------------------------------------- contacts

@payload("createContact", "the new contact")
class CreateContactPayload:
    contact: Contact | None = result("The contact as created")
    error: CreateContactError | None = failure()


@payload("updateContact", "the changed contact")
class UpdateContactPayload:
    contact: Contact | None = result("The contact as saved")
    error: UpdateContactError | None = failure()


@payload("deleteContact", "the deleted contact's id")
class DeleteContactPayload:
    deleted_contact_id: strawberry.ID | None = result("Id of the deleted contact")
    error: DeleteContactError | None = failure()


@payload("extendContact", "the extended contact")
class ExtendContactPayload:
    contact: Contact | None = result("The contact as saved")
    error: ExtendContactError | None = failure()


@payload("moveContactToPipelineState", "the moved contact")
class MoveContactToPipelineStatePayload:
    contact: Contact | None = result("The contact as saved")
    error: MoveContactToPipelineStateError | None = failure()


@payload("addTags", "the tagged contact")
class AddTagsPayload:
    contact: Contact | None = result("The contact as saved")
    error: AddTagsError | None = failure()


@payload("removeTags", "the contact")
class RemoveTagsPayload:
    contact: Contact | None = result("The contact as saved")
    error: RemoveTagsError | None = failure()


# ---------------------------------------------------------------- tasks

@payload("createTask", "the new task")
class CreateTaskPayload:
    task: Task | None = result("The task as created")
    error: CreateTaskError | None = failure()


@payload("updateTask", "the changed task")
class UpdateTaskPayload:
    task: Task | None = result("The task as saved")
    error: UpdateTaskError | None = failure()


@payload("completeTask", "the completed task")
class CompleteTaskPayload:
    task: Task | None = result("The task as saved")
    error: CompleteTaskError | None = failure()


@payload("reopenTask", "the reopened task")
class ReopenTaskPayload:
    task: Task | None = result("The task as saved")
    error: ReopenTaskError | None = failure()


@payload("deleteTask", "the deleted task's id")
class DeleteTaskPayload:
    deleted_task_id: strawberry.ID | None = result("Id of the deleted task")
    error: DeleteTaskError | None = failure()


# ---------------------------------------------------------------- pipeline states

@payload("createPipelineState", "the new state")
class CreatePipelineStatePayload:
    pipeline_state: PipelineState | None = result("The state as created")
    error: CreatePipelineStateError | None = failure()


@payload("renamePipelineState", "the renamed state")
class RenamePipelineStatePayload:
    pipeline_state: PipelineState | None = result("The state as saved")
    error: RenamePipelineStateError | None = failure()


@payload("recolorPipelineState", "the recolored state")
class RecolorPipelineStatePayload:
    pipeline_state: PipelineState | None = result("The state as saved")
    error: RecolorPipelineStateError | None = failure()


@payload("reorderPipelineState", "the moved state")
class ReorderPipelineStatePayload:
    pipeline_state: PipelineState | None = result("The state as saved")
    error: ReorderPipelineStateError | None = failure()


@payload("deletePipelineState", "the deleted state's id")
class DeletePipelineStatePayload:
    deleted_pipeline_state_id: strawberry.ID | None = result("Id of the deleted state")
    error: DeletePipelineStateError | None = failure()


# ---------------------------------------------------------------- contact capture

@payload("prepareContact", "a confirmation token with the draft and its possible duplicates")
class PrepareContactPayload:
    confirmation_token: str | None = strawberry.field(
        default=None, description="Pass it to confirmContact; shown once, valid once, for one hour.")
    expires_at: datetime | None = result("When the confirmation token expires (one hour)")
    source: str | None = strawberry.field(default=None, description="What the text was read as: vcard or "
                                                                    "signature.")
    cards_found: int | None = strawberry.field(default=None, description="vCards in the text; only the first "
                                                                          "was extracted.")
    draft: ContactDraft | None = result("The contact confirmContact would create")
    duplicates: list[PossibleDuplicate] | None = strawberry.field(
        default=None, description="Existing contacts sharing an email or phone with the draft (at most 10).")
    error: PrepareContactError | None = failure()


@payload("confirmContact", "the created contact")
class ConfirmContactPayload:
    contact: Contact | None = result("The contact as created")
    error: ConfirmContactError | None = failure()


# ---------------------------------------------------------------- AI email flow

@strawberry.type
class ContactEmailDraftFields:
    """What prepareContactEmail and refineContactEmail both answer (not a schema type of its own)."""

    session_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Continue with it: refineContactEmail, prepareContactEmail, sendContactEmail.")
    version: int | None = strawberry.field(default=None, description="1, 2... within the session.")
    draft: EmailContent | None = result("The draft of this version")
    notes: list[str] | None = strawberry.field(
        default=None, description="Instructions the composer could not (fully) apply, said plainly.")
    composer: str | None = strawberry.field(default=None, description="Who wrote this version: offline, "
                                                                      "bedrock or openai.")
    expires_at: datetime | None = strawberry.field(default=None,
                                                   description="The session expires unless used.")


@payload("prepareContactEmail", "the first draft of a session")
class PrepareContactEmailPayload(ContactEmailDraftFields):
    error: PrepareContactEmailError | None = failure()


@payload("refineContactEmail", "the session's new draft version")
class RefineContactEmailPayload(ContactEmailDraftFields):
    error: RefineContactEmailError | None = failure()


@payload("sendContactEmail", "the sent email")
class SendContactEmailPayload:
    sent_email: SentEmail | None = result("The email as handed to the mail service")
    error: SendContactEmailError | None = failure()

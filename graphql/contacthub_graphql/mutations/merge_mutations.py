"""mergeContacts and undoMerge: the merges of `/hub/v1` (one service, the same rules; see domain.merges)."""

import re
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from contacthub.domain.merges import MAX_MERGED, MergeRecord
from contacthub.services.merges import MergeOutcome

from ..payloads import error_union, failure, payload, result
from ..types.contact import Contact
from ..types.errors import (
    ConflictError,
    DuplicateEmailError,
    NotFoundError,
    TokenGoneError,
    ValidationError,
    VersionConflict,
)
from .idempotent import once
from .outcome import outcome

MERGE_KEY_DESCRIPTION = ("Run this merge once: a retry with the same key and input answers the first call's merge "
                         "(kept 24 hours), its survivor as it is now; the key with another input is a "
                         "ValidationError.")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.input(description="Whose value a merged field takes.")
class MergePreference:
    field: str = strawberry.field(description="A contact field as this schema names it (`company`, `firstName`, "
                                              "`emails`, `customFields`...).")
    contact_id: strawberry.ID = strawberry.field(description="The survivor or one of the merged contacts.")


@strawberry.input(description=f"Fold up to {MAX_MERGED} contacts into one.")
class MergeContactsInput:
    contact_id: strawberry.ID = strawberry.field(description="The surviving contact.")
    merge_ids: list[strawberry.ID] = strawberry.field(
        description=f"The contacts folded into it (ids or integer ids), at most {MAX_MERGED}. They are removed; their "
                    "ids keep answering the survivor (in `contact`, `node` and every REST API) until the undo.")
    prefer: list[MergePreference] = strawberry.field(
        default_factory=list, description="Per field, the contact whose value wins. Without it the survivor keeps "
                                          "its values, and a field it lacks takes the first value found in "
                                          "`mergeIds` order; emails, phones, tags and customFields are united (the "
                                          "preferred contact's first).")
    dry_run: bool = strawberry.field(default=False, description="Answer what the merge would give; write nothing.")
    expected_version: int | None = strawberry.field(
        default=None, description="The survivor's version you read: VersionConflict when it changed since.")


@strawberry.input(description="A merge to undo (within 30 days).")
class UndoMergeInput:
    merge_id: strawberry.ID = strawberry.field(description="`Merge.id`, as mergeContacts answered it.")


@strawberry.type(description="What a merge did: kept 30 days, for its undo.")
class Merge:
    id: strawberry.ID = strawberry.field(description="The merge's id, for undoMerge.")
    status: str = strawberry.field(description="pending, done, undoing or undone.")
    survivor_id: strawberry.ID = strawberry.field(description="The contact the others were folded into.")
    merged_ids: list[strawberry.ID] = strawberry.field(description="The contacts folded into the survivor.")
    merged_numbers: list[int] = strawberry.field(description="Their integer (skarbe) ids.")
    changes: list[str] = strawberry.field(description="The survivor's fields the merge changed.")
    moved_tasks: int = strawberry.field(description="Tasks moved to the survivor.")
    created_at: datetime | None = strawberry.field(description="When the merge was made (for a dry run, asked).")
    undoable_until: datetime | None = strawberry.field(description="The end of the 30 days undoMerge works in.")

    @classmethod
    def from_domain(cls, r: MergeRecord) -> "Merge":
        return cls(id=strawberry.ID(r.id), status=r.status, survivor_id=strawberry.ID(r.survivor_id),
                   merged_ids=[strawberry.ID(i) for i in r.merged_ids], merged_numbers=[c.number for c in r.merged],
                   changes=[_camel(f) for f in r.changed_fields()], moved_tasks=len(r.tasks),
                   created_at=r.created_at, undoable_until=r.expires_at if r.created_at else None)


# ValidationError: bad input or a union past a bound; NotFoundError: a contact of the merge is not in this
# workspace; VersionConflict: expectedVersion; ConflictError: a concurrent change or another merge under way.
MergeContactsError = error_union("MergeContactsError", ValidationError, NotFoundError, VersionConflict,
                                 ConflictError)
# ConflictError: already undone, or not finished; TokenGoneError: older than 30 days; DuplicateEmailError: the
# workspace keeps emails unique and another contact now has an address the undo would give back.
UndoMergeError = error_union("UndoMergeError", NotFoundError, ConflictError, TokenGoneError, DuplicateEmailError)


@payload("mergeContacts", "the merge and its survivor")
class MergeContactsPayload:
    merge: Merge | None = result("The merge (not stored for a dry run)")
    contact: Contact | None = result("The survivor as merged (or as it would be)")
    dry_run: bool = strawberry.field(default=False, description="Whether nothing was written.")
    error: MergeContactsError | None = failure()


@payload("undoMerge", "the merge undone, the survivor and the contacts restored")
class UndoMergePayload:
    merge: Merge | None = result("The merge, now undone")
    contact: Contact | None = result("The survivor with the merge's values reverted (null if deleted since)")
    restored: list[Contact] | None = result("The merged contacts, back with their ids, tags and tasks")
    not_reverted: list[str] | None = result("Survivor fields edited since the merge: they keep their value")
    error: UndoMergeError | None = failure()


def _merged(outcome: MergeOutcome) -> MergeContactsPayload:
    return MergeContactsPayload(merge=Merge.from_domain(outcome.record), contact=Contact.from_domain(outcome.survivor),
                                dry_run=outcome.dry_run)


@strawberry.type
class MergeMutations:
    @strawberry.mutation(description="Merge contacts into one; their ids keep answering it. Undo within 30 days.")
    def merge_contacts(self, info: Info, input: MergeContactsInput,
                       idempotency_key: Annotated[str | None, strawberry.argument(
                           description=MERGE_KEY_DESCRIPTION)] = None) -> MergeContactsPayload:
        ctx = info.context
        prefer = {_snake(p.field): str(p.contact_id) for p in input.prefer}

        def merge() -> MergeOutcome:
            return ctx.services.merges.merge(ctx.workspace_id, str(input.contact_id), [str(i) for i in input.merge_ids],
                                             prefer, dry_run=input.dry_run, expected_version=input.expected_version)

        def replay(merge_id: str) -> MergeOutcome:
            record = ctx.services.merges.get(ctx.workspace_id, merge_id)
            return MergeOutcome(record, ctx.services.contacts.get(ctx.workspace_id, record.survivor_id))

        if input.dry_run:
            return outcome(info, MergeContactsPayload, lambda: _merged(merge()))
        return outcome(info, MergeContactsPayload, lambda: _merged(once(
            info, "mergeContacts", idempotency_key, input, merge, lambda done: done.record.id, replay)))

    @strawberry.mutation(description="Undo a merge: the merged contacts come back with their ids, tags and tasks, "
                                     "and the survivor's merged fields are reverted unless edited since.")
    def undo_merge(self, info: Info, input: UndoMergeInput) -> UndoMergePayload:
        ctx = info.context

        def undo() -> UndoMergePayload:
            done = ctx.services.merges.undo(ctx.workspace_id, str(input.merge_id))
            return UndoMergePayload(merge=Merge.from_domain(done.record),
                                    contact=Contact.from_domain(done.survivor) if done.survivor else None,
                                    restored=[Contact.from_domain(c) for c in done.restored],
                                    not_reverted=[_camel(f) for f in done.record.not_reverted])

        return outcome(info, UndoMergePayload, undo)

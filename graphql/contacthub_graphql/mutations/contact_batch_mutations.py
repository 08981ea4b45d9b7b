"""upsertContacts: the batch writes of `POST /hub/v1/contacts/batch`, with the same rules (one service)."""

import dataclasses
import json
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from contacthub.domain.contact_batch import MAX_BATCH_SIZE, BatchMode, MatchKey
from contacthub.domain.errors import DomainError
from contacthub.services.contact_batch import BatchItemResult, write_batch

from ..errors import error_type_for
from ..inputs import CreateContactInput, changes
from ..payloads import error_union, failure, payload, result
from ..types.contact import Contact
from ..types.enums import ContactBatchMode, ContactMatchKey, ContactWriteOutcome
from ..types.errors import ConflictError, DuplicateEmailError, NotFoundError, ValidationError, Violation
from .idempotent import once
from .outcome import outcome

BATCH_KEY_DESCRIPTION = ("Run this batch once: a retry with the same key and input answers the first call's outcomes "
                         "(kept 24 hours), each contact as it is now; the key with another input is a "
                         "ValidationError.")


@strawberry.input(description=f"Up to {MAX_BATCH_SIZE} contacts to create or upsert, each written on its own.")
class UpsertContactsInput:
    contacts: list[CreateContactInput] = strawberry.field(
        description=f"At most {MAX_BATCH_SIZE}. Each is checked and written on its own, in order: a later item "
                    "matches what an earlier one made, and one bad item never fails the others.")
    mode: ContactBatchMode = strawberry.field(default=ContactBatchMode.UPSERT,  # type: ignore[attr-defined]
                                              description="Create every item, or upsert (the default).")
    match_by: list[ContactMatchKey] = strawberry.field(
        default_factory=lambda: [ContactMatchKey.EMAIL, ContactMatchKey.PHONE],  # type: ignore[attr-defined]
        description="UPSERT only: the keys tried in order; the first that finds a contact decides. A key "
                    "finding several contacts is an error for that item. Not empty.")


# ValidationError: the batch itself (too many items, matchBy empty); nothing was written.
UpsertContactsError = error_union("UpsertContactsError", ValidationError)
# NotFoundError: the matched contact was deleted meanwhile; ConflictError: it kept changing concurrently.
UpsertContactItemError = error_union("UpsertContactItemError", ValidationError, ConflictError, NotFoundError,
                                     DuplicateEmailError)


@strawberry.type(description="What became of one item of upsertContacts.")
class ContactUpsertResult:
    index: int = strawberry.field(description="Position of the item in `contacts`.")
    outcome: ContactWriteOutcome = strawberry.field(description="Created, updated, unchanged or error.")
    contact: Contact | None = strawberry.field(default=None, description="The contact as saved; null on error.")
    error: UpsertContactItemError | None = strawberry.field(
        default=None, description="Why nothing of the item was written; null otherwise.")


@payload("upsertContacts", "one result per item, in order")
class UpsertContactsPayload:
    results: list[ContactUpsertResult] | None = result("One result per item, in order")
    error: UpsertContactsError | None = failure()


def _result(index: int, item: BatchItemResult) -> ContactUpsertResult:
    error: Any = error_type_for(item.error) if item.error is not None else None
    if item.error is not None and error is None:
        raise item.error  # not an expected failure: masked and logged like any other
    return ContactUpsertResult(index=index, outcome=ContactWriteOutcome(item.outcome.value),
                               contact=Contact.from_domain(item.contact) if item.contact else None, error=error)


# A replay answers the first call's outcomes again: kept as JSON, errors by their GraphQL type.
_ERROR_TYPES = {t.__name__: t for t in (ValidationError, ConflictError, NotFoundError, DuplicateEmailError)}


def _remembered(results: list[ContactUpsertResult]) -> str:
    return json.dumps([{"outcome": r.outcome.value, "id": str(r.contact.id) if r.contact else None,
                        "error": {"type": type(r.error).__name__, **dataclasses.asdict(r.error)} if r.error else None}
                       for r in results])


def _replayed(info: Info, remembered: str) -> list[ContactUpsertResult]:
    ctx = info.context
    records = json.loads(remembered)
    now = ctx.services.contacts.get_many(ctx.workspace_id, [r["id"] for r in records if r["id"]])
    return [ContactUpsertResult(index=i, outcome=ContactWriteOutcome(r["outcome"]),
                                contact=Contact.from_domain(now[r["id"]]) if r["id"] in now else None,
                                error=_error(r["error"]) if r["error"] else None)
            for i, r in enumerate(records)]


def _error(data: dict[str, Any]) -> Any:
    data = dict(data)
    kind = _ERROR_TYPES[data.pop("type")]
    if "violations" in data:
        data["violations"] = [Violation(**v) for v in data["violations"]]
    return kind(**data)


@strawberry.type
class ContactBatchMutations:
    @strawberry.mutation(description=f"Create or upsert up to {MAX_BATCH_SIZE} contacts, each on its own: upsert "
                                     "matches an existing contact by email (ignoring case) or phone (E.164).")
    def upsert_contacts(self, info: Info, input: UpsertContactsInput,
                        idempotency_key: Annotated[str | None, strawberry.argument(
                            description=BATCH_KEY_DESCRIPTION)] = None) -> UpsertContactsPayload:
        ctx = info.context
        items: list[dict[str, Any] | DomainError] = [changes(item) for item in input.contacts]
        match_by = [MatchKey(key.value) for key in input.match_by]

        def write() -> list[ContactUpsertResult]:
            results = write_batch(ctx.services.contacts, ctx.workspace_id, BatchMode(input.mode.value), match_by,
                                  items)
            return [_result(i, r) for i, r in enumerate(results)]

        # `once` keeps one string per key (a create's id): here, the outcomes to answer a replay with.
        return outcome(info, UpsertContactsPayload, lambda: UpsertContactsPayload(results=once(
            info, "upsertContacts", idempotency_key, input, write, _remembered,
            lambda remembered: _replayed(info, remembered))))

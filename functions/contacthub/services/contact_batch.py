"""Many contacts in one request (/hub/v1/contacts/batch, GraphQL upsertContacts).

Each item is written on its own, in its own transaction: one bad item never fails the others, and an item
either is written whole or not at all. Items run in order, so a later item matches what an earlier one made.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..domain import messages
from ..domain.contact import Contact
from ..domain.contact_batch import MAX_BATCH_SIZE, BatchMode, MatchKey, WriteOutcome
from ..domain.errors import DomainError, ValidationFailed
from .contacts import ContactService

DEFAULT_MATCH_BY = (MatchKey.EMAIL, MatchKey.PHONE)


@dataclass(frozen=True)
class BatchItemResult:
    outcome: WriteOutcome
    contact: Contact | None = None
    error: DomainError | None = None  # when outcome is ERROR; nothing of the item was written


def write_batch(contacts: ContactService, workspace_id: str, mode: BatchMode, match_by: Sequence[MatchKey],
                items: Sequence[dict[str, Any] | DomainError]) -> list[BatchItemResult]:
    """One result per item, in order. ``items`` are canonical fields, or the error that reading one gave.
    Raises ValidationFailed, writing nothing, when the batch itself is invalid."""
    if len(items) > MAX_BATCH_SIZE:
        raise ValidationFailed.one("contacts", messages.too_many(MAX_BATCH_SIZE), "too_many")
    if mode is BatchMode.UPSERT and not match_by:
        raise ValidationFailed.one("match_by", messages.BLANK, "blank")
    keys = tuple(dict.fromkeys(match_by))
    return [_write_one(contacts, workspace_id, mode, keys, item) for item in items]


def _write_one(contacts: ContactService, workspace_id: str, mode: BatchMode, match_by: Sequence[MatchKey],
               item: dict[str, Any] | DomainError) -> BatchItemResult:
    try:
        if isinstance(item, DomainError):
            raise item
        if mode is BatchMode.CREATE:
            return BatchItemResult(WriteOutcome.CREATED, contacts.create(workspace_id, item))
        outcome, contact = contacts.upsert(workspace_id, item, match_by)
        return BatchItemResult(outcome, contact)
    except DomainError as error:
        return BatchItemResult(WriteOutcome.ERROR, error=error)

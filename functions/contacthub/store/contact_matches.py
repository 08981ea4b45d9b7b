"""Candidate contacts for an email or a phone number, read from the search entries each contact's own
transaction writes (store/search_index.py): a strongly consistent Query on one entry family, never a GSI or a
Scan, so a contact created a moment ago is already found. Entries are candidates: the caller confirms the
match on the contact it reads (an entry a write has not cleaned up yet may name a contact that moved on)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from pynamodb.transactions import TransactWrite

from ..domain.text import fold
from ..ports import GuardEmails
from . import search_index as idx
from .tables import EmailGuardItem, IndexEntryItem, workspace_pk


def _contact_ids(workspace_id: str, prefix: str) -> list[str]:
    entries = IndexEntryItem.query(workspace_pk(workspace_id), IndexEntryItem.sk.startswith(prefix),
                                   consistent_read=True, attributes_to_get=["contactId"])
    return list(dict.fromkeys(entry.contactId for entry in entries))


def contact_ids_with_email(workspace_id: str, email: str) -> list[str]:
    """Contacts with an address equal to ``email`` once folded (the entry family ``IDX#email#<folded>#``)."""
    return _contact_ids(workspace_id, idx.prefix_key("email", fold(email)) + "#")


def contact_ids_with_phone(workspace_id: str, e164: str) -> list[str]:
    """Contacts with a number of the same national significant number (any country: confirm the E.164)."""
    return _contact_ids(workspace_id, idx.prefix_key("phone", idx.phone_index_value(e164, e164)) + "#")


def _guard_sk(folded_email: str) -> str:
    return f"EMAILGUARD#{idx.exact_part(folded_email)}"


def email_guard_versions(workspace_id: str, folded_emails: Iterable[str]) -> dict[str, int]:
    pk = workspace_pk(workspace_id)
    wanted = {_guard_sk(e): e for e in folded_emails}
    found = {item.sk: int(item.version) for item in
             EmailGuardItem.batch_get([(pk, sk) for sk in wanted], consistent_read=True)}
    return {email: found.get(sk, 0) for sk, email in wanted.items()}


def guard_emails_operations(guard: GuardEmails) -> list[Callable[[TransactWrite], None]]:
    """Move each guard on, on condition that it is still at the version read."""
    pk = workspace_pk(guard.workspace_id)
    return [_move_on(EmailGuardItem(pk, _guard_sk(email)), version) for email, version in guard.versions]


def _move_on(guard: EmailGuardItem, version: int) -> Callable[[TransactWrite], None]:
    condition = EmailGuardItem.version == version if version else EmailGuardItem.sk.does_not_exist()
    return lambda t: t.update(guard, actions=[EmailGuardItem.version.set(version + 1)], condition=condition)

"""Candidate contacts for an email or a phone number, read from the search entries each contact's own
transaction writes (store/search_index.py): a strongly consistent Query on one entry family, never a GSI or a
Scan, so a contact created a moment ago is already found. Entries are candidates: the caller confirms the
match on the contact it reads (an entry a write has not cleaned up yet may name a contact that moved on)."""
from __future__ import annotations

from ..domain.text import fold
from . import search_index as idx
from .tables import IndexEntryItem, workspace_pk


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

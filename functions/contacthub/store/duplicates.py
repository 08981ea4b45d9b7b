"""Candidate duplicates of one contact, read from entries its own transaction (and every other contact's) wrote.

One strongly consistent Query per key the contact has — each email (``IDX#email#<folded>#``), each E.164 phone
(``IDX#phone#<national number>#``) and each blocking key (``IDX#alike#<organisation>#<name prefix>#``, oldest
first) — reading at most ``per_key`` keys-only entries. So checking a contact costs at most
MAX_EMAILS + MAX_PHONES + the blocking keys (a constant) Queries of bounded size, whatever the workspace holds.
Entries are candidates only: the caller reads the contacts and scores them (a stale entry scores nothing).
"""
from __future__ import annotations

from ..domain.contact import Contact
from ..domain.duplicates import blocking_keys
from ..domain.text import fold
from . import search_index as idx
from .tables import IndexEntryItem, workspace_pk

PER_KEY = 25  # entries read per key: a key shared by more contacts yields its first ones only
MAX_CANDIDATES = 100  # contacts read per contact checked: one BatchGet


def candidate_families(contact: Contact) -> list[str]:
    """The entry families (key prefixes) where the contact's likely duplicates have entries, surest first."""
    families = [idx.prefix_key("email", fold(e)) + "#" for e in contact.emails]
    families += [idx.prefix_key("phone", idx.phone_index_value(p.e164, p.e164)) + "#"
                 for p in contact.phones if p.e164]
    families += [idx.alike_key(org, prefix) for org, prefix in blocking_keys(contact)]
    return list(dict.fromkeys(families))


class DuplicateCandidateRepository:
    def __init__(self, per_key: int = PER_KEY, max_candidates: int = MAX_CANDIDATES):
        self.per_key = per_key
        self.max_candidates = max_candidates

    def candidate_ids(self, workspace_id: str, contact: Contact) -> list[str]:
        pk = workspace_pk(workspace_id)
        found: dict[str, None] = {}
        for family in candidate_families(contact):
            entries = IndexEntryItem.query(pk, IndexEntryItem.sk.startswith(family), consistent_read=True,
                                           limit=self.per_key, page_size=self.per_key,
                                           attributes_to_get=["contactId"])
            for entry in entries:
                if entry.contactId != contact.id:
                    found.setdefault(entry.contactId, None)
            if len(found) >= self.max_candidates:
                break
        return list(found)[:self.max_candidates]

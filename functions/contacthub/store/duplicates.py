"""Candidate duplicates of one contact, read from entries its own transaction (and every other contact's) wrote.

One strongly consistent Query per key the contact has, each reading a bounded number of keys-only entries:
- each email (``IDX#email#<folded>#``) and each E.164 phone (``IDX#phone#<national number>#``), at most
  PER_KEY entries: every contact there shares the value (the caller confirms the E.164);
- each blocking key (``IDX#alike#<organisation>#<name prefix>#``), at most PER_BLOCK entries, whose keys carry
  the contact's folded name: only the names similar enough (domain.duplicates.NAME_THRESHOLD) are kept, so
  the contacts read are the likely duplicates, not the whole block.
So checking a contact costs at most MAX_EMAILS + MAX_PHONES + its blocking keys Queries of bounded size, then
one BatchGet of at most MAX_CANDIDATES contacts: a constant, whatever the workspace holds. A key shared by more
contacts than its bound is read for its first ones only. Entries are candidates: the caller reads the contacts
and scores them (a stale entry scores nothing).
"""
from __future__ import annotations

from ..domain.contact import Contact
from ..domain.duplicates import NAME_THRESHOLD, blocking_keys, name_similarity, person_name
from ..domain.text import fold
from . import search_index as idx
from .tables import IndexEntryItem, workspace_pk

PER_KEY = 25  # entries read per email or phone
PER_BLOCK = 100  # entries read per blocking key (small keys-only items: one Query of a few read units)
MAX_CANDIDATES = 100  # contacts read per contact checked: one BatchGet


def exact_families(contact: Contact) -> list[str]:
    """The entry families of the contact's emails and E.164 phones."""
    families = [idx.prefix_key("email", fold(e)) + "#" for e in contact.emails]
    families += [idx.prefix_key("phone", idx.phone_index_value(p.e164, p.e164)) + "#"
                 for p in contact.phones if p.e164]
    return list(dict.fromkeys(families))


def block_families(contact: Contact) -> list[str]:
    return list(dict.fromkeys(idx.alike_key(org, prefix) for org, prefix in blocking_keys(contact)))


def candidate_families(contact: Contact) -> list[str]:
    """Where the contact's likely duplicates have entries, surest first."""
    return exact_families(contact) + block_families(contact)


class DuplicateCandidateRepository:
    def __init__(self, per_key: int = PER_KEY, per_block: int = PER_BLOCK, max_candidates: int = MAX_CANDIDATES):
        self.per_key = per_key
        self.per_block = per_block
        self.max_candidates = max_candidates

    def candidate_ids(self, workspace_id: str, contact: Contact) -> list[str]:
        pk = workspace_pk(workspace_id)
        found: dict[str, None] = {}

        def entries(family: str, limit: int) -> list[IndexEntryItem]:
            return list(IndexEntryItem.query(pk, IndexEntryItem.sk.startswith(family), consistent_read=True,
                                             limit=limit, page_size=limit, attributes_to_get=["sk", "contactId"]))

        for family in exact_families(contact):
            found.update(dict.fromkeys(e.contactId for e in entries(family, self.per_key)))
        name = person_name(contact)
        for family in block_families(contact):
            found.update(dict.fromkeys(
                e.contactId for e in entries(family, self.per_block)
                if name_similarity(name, idx.alike_name(family, e.sk)) >= NAME_THRESHOLD))
        found.pop(contact.id, None)
        return list(found)[:self.max_candidates]

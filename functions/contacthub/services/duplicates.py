"""Likely duplicate contacts: one contact checked, or the workspace walked for groups (domain.duplicates scores).

Checking a contact reads its candidates (the port answers them in a bounded number of Queries, see
store/duplicates.py), reads them in one BatchGet and scores each pair in memory: a constant cost per contact,
whatever the workspace size.

The workspace is walked in creation order (oldest first), a keyset cursor bound to the workspace marking the
last contact examined; each request examines at most EXAMINED_PER_PAGE contacts, so a page may hold fewer groups
than asked for, and still answers a cursor until the walk has reached the newest contact. A group is reported
at its oldest member (its anchor) and lists the anchor's newer likely duplicates, leaving out those that an
older likely duplicate of the anchor also matches (that older contact's group has both). Hence:
- mutual duplicates (same email on three contacts) are one group, at the oldest;
- every contact with a likely duplicate is in a group, with its oldest likely duplicate;
- a pair (A older than B) is in A's group unless a contact older than A matches both.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..domain import messages
from ..domain.contact import Contact
from ..domain.duplicates import Likeness, Reason, creation_order, likeness, reasons_in_order
from ..domain.errors import NotFound, ValidationFailed
from ..domain.text import canonical_uuid
from ..ports import ContactQuery, ContactRepository, DuplicateCandidates, PageRequest
from . import paging

EXAMINED_PER_PAGE = 50  # contacts checked per request: bounds a page's cost (about 10 Queries each at most)
DEFAULT_GROUPS = 20
CHUNK = 25  # contacts read from the creation listing at a time


@dataclass(frozen=True)
class DuplicateMatch:
    contact: Contact
    likeness: Likeness

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.likeness.reasons

    @property
    def score(self) -> float:
        return self.likeness.score


@dataclass(frozen=True)
class DuplicateGroup:
    """A contact (the oldest of the group when walking) and its likely duplicates, surest first."""

    contact: Contact
    duplicates: tuple[DuplicateMatch, ...]

    @property
    def score(self) -> float:
        return max((d.score for d in self.duplicates), default=0.0)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return reasons_in_order({r for d in self.duplicates for r in d.reasons})

    @property
    def contact_ids(self) -> list[str]:
        return [self.contact.id, *(d.contact.id for d in self.duplicates)]


@dataclass(frozen=True)
class DuplicatePage:
    groups: list[DuplicateGroup]
    next: str | None  # None once the walk has examined the newest contact
    examined: int  # contacts checked for this page


def _surest_first(matches: Sequence[DuplicateMatch]) -> tuple[DuplicateMatch, ...]:
    return tuple(sorted(matches, key=lambda m: (-m.score, creation_order(m.contact))))


class DuplicateService:
    def __init__(self, contacts: ContactRepository, candidates: DuplicateCandidates,
                 examined_per_page: int = EXAMINED_PER_PAGE):
        self._contacts = contacts
        self._candidates = candidates
        self.examined_per_page = examined_per_page

    def likely_duplicates(self, workspace_id: str, contact: Contact) -> list[DuplicateMatch]:
        """The workspace's contacts that are likely duplicates of ``contact`` (which need not be stored yet:
        capture checks a draft), surest first."""
        ids = self._candidates.candidate_ids(workspace_id, contact)
        found = self._contacts.get_many(workspace_id, ids)
        matches = [DuplicateMatch(other, alike) for other in found.values()
                   if other.id != contact.id and (alike := likeness(contact, other)).likely]
        return list(_surest_first(matches))

    def for_contact(self, workspace_id: str, contact: Contact) -> DuplicateGroup | None:
        """The contact with all its likely duplicates, older and newer; None when it has none."""
        matches = self.likely_duplicates(workspace_id, contact)
        return DuplicateGroup(contact, tuple(matches)) if matches else None

    def check(self, workspace_id: str, contact_id: str, cursor: str | None = None) -> DuplicateGroup | None:
        """``for_contact`` of a stored contact (NotFound when there is none). One contact is one page: a
        cursor with it is refused."""
        if cursor is not None:
            raise ValidationFailed.one("after", messages.CURSOR_WITH_ONE_CONTACT, "invalid_cursor")
        key = canonical_uuid(contact_id)
        contact = self._contacts.get(workspace_id, key) if key else None
        if contact is None:
            raise NotFound("Contact", contact_id)
        return self.for_contact(workspace_id, contact)

    def page(self, workspace_id: str, limit: int = DEFAULT_GROUPS, *, cursor: str | None = None,
             cursor_field: str = "after") -> DuplicatePage:
        """Up to ``limit`` groups anchored at the contacts after ``cursor``, oldest first (see the module)."""
        _, limit = paging.bounded(0, limit)
        bound = paging.scope(workspace_id, "duplicates")
        after = paging.decode_cursor(bound, cursor, cursor_field) if cursor else None
        groups: list[DuplicateGroup] = []
        examined = 0
        ended = False
        while len(groups) < limit and examined < self.examined_per_page:
            request = PageRequest(limit=min(CHUNK, self.examined_per_page - examined), after=after,
                                  newest_first=False)
            listed = self._contacts.find(workspace_id, ContactQuery(), request)
            unread = len(listed.items)
            for contact, position in zip(listed.items, listed.positions, strict=True):
                examined, unread, after = examined + 1, unread - 1, position
                if (group := self._group_at(workspace_id, contact)) is not None:
                    groups.append(group)
                    if len(groups) == limit:
                        break
            if listed.next is None and not unread:
                ended = True
                break
        following = paging.encode_cursor(bound, after) if not ended and after is not None else None
        return DuplicatePage(groups, following, examined)

    def _group_at(self, workspace_id: str, contact: Contact) -> DuplicateGroup | None:
        matches = self.likely_duplicates(workspace_id, contact)
        here = creation_order(contact)
        older = [m.contact for m in matches if creation_order(m.contact) < here]
        newer = [m for m in matches if creation_order(m.contact) > here
                 and not any(likeness(o, m.contact).likely for o in older)]
        return DuplicateGroup(contact, _surest_first(newer)) if newer else None


def group_summary(group: DuplicateGroup) -> dict[str, Any]:
    """Reasons and score as plain values (for logs and tests)."""
    return {"contact": group.contact.id, "score": group.score, "reasons": [r.value for r in group.reasons],
            "duplicates": {d.contact.id: [r.value for r in d.reasons] for d in group.duplicates}}

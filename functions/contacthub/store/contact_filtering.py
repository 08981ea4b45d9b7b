"""Contacts meeting a criterion (an OR of branches, each an AND of literals) in any order: by creation, by last
change or by name. Every read is a consistent Query on one entry family or a consistent BatchGet.

Two ways to answer, chosen per criterion:
- **Walk** the ordering family (``ORD#created``, ``ORD#updated``, ``ORD#name``) in order, checking each contact
  against the criterion. Used when some branch has nothing to be read from (no filter, or negations only), and
  for one branch whose only span is on the ordering's own field (then the walk covers just that range). A page
  costs a page, plus the contacts the criterion turns away on the way: those its negations match.
- **Drive** from each branch's most selective literal (``most_selective``): the union of the branches'
  candidates is checked against the criterion and ordered. By creation the candidates are ordered from their
  entries and read a chunk at a time; by change or by name every candidate is read to be ordered. Either way
  the cost is the sum over branches of their most selective literal's matches, as for an AND.

A contact is always checked against its own current fields, so an entry a write has not cleaned up yet is never
served; in a walk an entry is served only when it is the contact's current key in that family.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone

from ..domain.contact import Contact
from ..ports import (
    Branch,
    ContactPage,
    ContactQuery,
    ContactSort,
    CriterionLiteral,
    Negated,
    OpenTasks,
    PageRequest,
    TimeSpan,
)
from . import search_index as idx
from .contact_listing import CHUNK, ContactListing, _Given, _Stream, most_selective
from .mappers import time_key

FAMILY = {ContactSort.CREATED: idx.CREATED, ContactSort.UPDATED: idx.UPDATED, ContactSort.NAME: idx.NAME_ORDER}
SPAN_SORT = {"created": ContactSort.CREATED, "updated": ContactSort.UPDATED}
END = "~"  # after every time key's tail (digits and punctuation)


def sort_key(contact: Contact, sort: ContactSort) -> str:
    """Where the contact sits in the ordering: the tail of its entry in the ordering family."""
    if sort is ContactSort.CREATED:
        return time_key(contact.created_at, contact.id)
    if sort is ContactSort.UPDATED:
        return idx.updated_key(contact)
    return idx.name_key(contact)


def _moment(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat()


def span_tails(span: TimeSpan) -> tuple[str, str]:
    """The key tails bounding a span: every contact in it has a tail from the first to the second."""
    return (_moment(span.since) if span.since else "", _moment(span.before) if span.before else END)


def holds(contact: Contact, entries: set[str], literal: CriterionLiteral, open_task_ids: frozenset[str]) -> bool:
    if isinstance(literal, ContactQuery):
        return idx.matches(entries, idx.query_terms(literal))
    if isinstance(literal, Negated):
        return not holds(contact, entries, literal.query, open_task_ids)
    if isinstance(literal, OpenTasks):
        return (contact.id in open_task_ids) == literal.present
    moment = contact.created_at if literal.field == "created" else (contact.updated_at or contact.created_at)
    if moment is None:
        return False
    return (literal.since is None or moment >= literal.since) and (literal.before is None or moment < literal.before)


class FilteredListing:
    def __init__(self, listing: ContactListing, branches: Sequence[Branch], sort: ContactSort, descending: bool,
                 open_task_ids: frozenset[str]):
        self._listing = listing
        self._get_many: Callable[[Iterable[str]], dict[str, Contact]] = listing.get_many
        self._branches = branches
        self._sort = sort
        self._descending = descending
        self._open = open_task_ids

    def meets(self, contact: Contact) -> bool:
        entries = idx.index_entries(contact)
        return any(all(holds(contact, entries, literal, self._open) for literal in branch)
                   for branch in self._branches)

    def page(self, request: PageRequest) -> ContactPage:
        if not self._branches:
            return ContactPage([], 0 if request.with_total else None)
        if len(self._branches) == 1:
            branch = self._branches[0]
            own = [lit for lit in branch if isinstance(lit, TimeSpan) and SPAN_SORT[lit.field] is self._sort]
            rest = tuple(lit for lit in branch if lit not in own)
            groups = self._drivers(rest)
            if not groups:  # nothing to read from but the ordering itself (within its own spans)
                return self._walk(request, FAMILY[self._sort], own, counted=not rest)
            only = groups[0][0] if len(groups) == 1 and len(groups[0]) == 1 else None
            if self._sort is ContactSort.CREATED and isinstance(only, _Stream) and idx.by_creation(only.atom):
                # one facet, in creation order like the listing: walk it, checking the rest on the contacts
                return self._walk(request, only.atom, own, counted=len(rest) == 1)
        drivers = [self._drivers(branch) for branch in self._branches]
        if not all(drivers):
            return self._walk(request, FAMILY[self._sort], [], counted=False)
        candidates: dict[str, str] = {}
        for groups in drivers:
            for cid, key in most_selective(groups).items():
                candidates[cid] = candidates.get(cid) or key
        return self._driven(candidates, request)

    def _drivers(self, branch: Branch) -> list[list[_Stream | _Given]]:
        """The literals of a branch that can be read from the index, as groups (each an OR of streams)."""
        pk = self._listing.pk
        groups: list[list[_Stream | _Given]] = []
        for literal in branch:
            if isinstance(literal, ContactQuery):
                groups += [[_Stream(pk, atom) for atom in term] for term in idx.query_terms(literal)]
            elif isinstance(literal, TimeSpan):
                groups.append([_Stream(pk, FAMILY[SPAN_SORT[literal.field]], span_tails(literal))])
            elif isinstance(literal, OpenTasks) and literal.present:
                groups.append([_Given(self._open)])
        return groups

    def _past(self, key: str, after: str | None) -> bool:
        return after is None or (key < after if self._descending else key > after)

    # ---------------------------------------------------------------- walk the ordering family
    def _walk(self, request: PageRequest, family: str, spans: list[TimeSpan], counted: bool) -> ContactPage:
        """Serve a family's entries in key order, within the key ranges of ``spans`` (time spans on the family's
        own order), checking each contact. ``counted``: every live entry in range matches, so the total is a
        count of the entries."""
        low = max((span_tails(s)[0] for s in spans), default="")
        high = min((span_tails(s)[1] for s in spans), default=None)
        start = request.after or ((high if high != END else None) if self._descending else low) or None
        entries = self._listing.entries(family, not self._descending, family + start if start else None,
                                        page_size=request.limit + 1)
        found: list[Contact] = []
        positions: list[str] = []
        pending: list[tuple[str, str]] = []

        def serve() -> None:
            contacts = self._get_many(cid for _, cid in pending)
            for tail, cid in pending:
                contact = contacts.get(cid)
                if contact is not None and self._current(contact, tail) and self.meets(contact):
                    found.append(contact)
                    positions.append(tail)
            pending.clear()

        for entry in entries:
            tail = entry.sk[len(family):]
            if tail < low or (high is not None and tail >= high):
                break
            pending.append((tail, entry.contact_id))
            if len(pending) >= max(request.limit + 1 - len(found), 1) or len(pending) >= CHUNK:
                serve()
                if len(found) > request.limit:
                    break
        serve()
        more = len(found) > request.limit
        found, positions = found[:request.limit], positions[:request.limit]
        total = None
        if request.with_total:
            total = len(found) if request.after is None and not more else self._walk_total(family, low, high, counted)
        return ContactPage(found, total, positions[-1] if more and positions else None, positions)

    def _current(self, contact: Contact, tail: str) -> bool:
        """Whether an entry's tail is the contact's current key in the walked order (not a leftover)."""
        return sort_key(contact, self._sort) == tail

    def _walk_total(self, family: str, low: str, high: str | None, counted: bool) -> int:
        upper = family + (high if high is not None else END * 2)
        if counted and high is None and not low:
            return self._listing.count(family)
        if counted:  # entries in range, counted by DynamoDB without returning them
            return self._listing.count(family, (family + low, upper))
        ids: list[tuple[str, str]] = []
        for entry in self._listing.entries(family, True, family + low if low else None):
            tail = entry.sk[len(family):]
            if high is not None and tail >= high:
                break
            ids.append((tail, entry.contact_id))
        total = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            contacts = self._get_many(cid for _, cid in chunk)
            total += sum(1 for tail, cid in chunk if (c := contacts.get(cid)) is not None
                         and self._current(c, tail) and self.meets(c))
        return total

    # ---------------------------------------------------------------- drive from the candidates
    def _driven(self, candidates: dict[str, str], request: PageRequest) -> ContactPage:
        read: Callable[[Iterable[str]], dict[str, Contact]]
        if self._sort is ContactSort.CREATED and all(candidates.values()):
            # ordered from the entries alone: read in order, a chunk at a time, until the page is full
            ordered = sorted(((key, cid) for cid, key in candidates.items()), reverse=self._descending)
            read = self._get_many
        else:  # the order is in the contacts: read them all once
            everyone = self._get_many(candidates)
            ordered = sorted(((sort_key(c, self._sort), cid) for cid, c in everyone.items()),
                             reverse=self._descending)
            read = lambda _: everyone  # noqa: E731
        if not request.with_total:
            ordered = [(key, cid) for key, cid in ordered if self._past(key, request.after)]
        found: list[Contact] = []
        positions: list[str] = []
        total, more = 0, False
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start:start + CHUNK]
            contacts = read(cid for _, cid in chunk)
            for key, cid in chunk:
                contact = contacts.get(cid)
                if contact is None or not self.meets(contact):
                    continue
                total += 1
                if not self._past(key, request.after):
                    continue
                if len(found) < request.limit:
                    found.append(contact)
                    positions.append(key)
                else:
                    more = True
            if more and not request.with_total:
                break
        return ContactPage(found, total if request.with_total else None, positions[-1] if more else None,
                           positions)

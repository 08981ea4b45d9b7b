"""Contact listings and searches read from the entries each contact writes in its own transaction.

Every read here is a consistent Query on one entry family (``begins_with`` an atom) or a consistent BatchGet, so
a client sees its own writes at once. No entry is trusted blindly: each page's contacts are read and checked
against the query (``search_index.matches``), which drops entries a write has not cleaned up yet and serves a
contact found through two words once, at its smallest key.

- One term (unfiltered, one facet, one free-text word, or an OR of free-text prefixes such as a name, an email
  or phone digits): keyset paging directly over its families, merged by matched value (by time for the
  unfiltered listing and facets), so a page costs about a page per family, whatever the number of matches.
- Several terms (AND) or an OR of atoms: the terms are read round-robin until one is exhausted; that, the most
  selective term, is the driving set (its cost is the number of terms times its matches, not the sum over terms).
  Its contacts are ordered by creation and checked against every term until the page is filled.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice

from ..domain.contact import Contact
from ..ports import ContactPage, PageRequest
from . import search_index as idx
from .mappers import time_key
from .tables import IndexEntryItem

CHUNK = 100  # contacts per BatchGet
FIRST_ROUND, MAX_ROUND = 16, 1000  # entries per term and round while looking for the most selective term
ENTRY_ATTRIBUTES = ["pk", "sk", "contactId", "order"]


@dataclass(frozen=True)
class _Entry:
    sk: str
    contact_id: str
    order: str


class _Stream:
    """A family's entries read in rounds of the size asked (each round one Query), remembering whether it has run
    out. With ``span``, only the keys from ``atom + span[0]`` to ``atom + span[1]`` (a time range)."""

    def __init__(self, pk: str, atom: str, span: tuple[str, str] | None = None):
        self._pk, self.atom = pk, atom
        self._condition = (IndexEntryItem.sk.between(atom + span[0], atom + span[1]) if span
                           else IndexEntryItem.sk.startswith(atom))
        self._last: dict | None = None
        self.done = False

    def take(self, count: int) -> list[_Entry]:
        if self.done:
            return []
        found = IndexEntryItem.query(self._pk, self._condition, consistent_read=True, limit=count, page_size=count,
                                     last_evaluated_key=self._last, attributes_to_get=ENTRY_ATTRIBUTES)
        chunk = [_Entry(i.sk, i.contactId, i.order) for i in found]
        self._last = found.last_evaluated_key
        self.done = self._last is None or len(chunk) < count
        return chunk


class _Given:
    """A set of contacts known beforehand (those with open tasks), as a stream that ends in its first round."""

    def __init__(self, contact_ids: frozenset[str]):
        self._ids = contact_ids
        self.done = False

    def take(self, count: int) -> list[_Entry]:
        self.done, was_done = True, self.done
        return [] if was_done else [_Entry("", cid, "") for cid in self._ids]


def most_selective(groups: list[list[_Stream | _Given]]) -> dict[str, str]:
    """contact id -> creation key ("" when unknown) of the group (an OR of streams) with the fewest entries.

    Groups are read round-robin in rounds that grow geometrically until one runs out: a selective group ends in
    the first small round, and a broad AND still reads at most about twice (times the number of groups) the
    entries of its most selective group."""
    found: list[dict[str, str]] = [{} for _ in groups]
    chunk = FIRST_ROUND
    while True:
        for i, group in enumerate(groups):
            for stream in group:
                for entry in stream.take(chunk):
                    found[i].setdefault(entry.contact_id, entry.order)
            if all(s.done for s in group):
                return found[i]
        chunk = min(chunk * 2, MAX_ROUND)


class ContactListing:
    """Pages of one query in one workspace partition; ``get_many`` reads contacts consistently by id."""

    def __init__(self, pk: str, get_many: Callable[[Iterable[str]], dict[str, Contact]],
                 terms: list[tuple[str, ...]]):
        self.pk = pk
        self.get_many = get_many
        self.terms = terms

    def entries(self, atom: str, forward: bool = True, start: str | None = None,
                page_size: int = CHUNK) -> Iterator[_Entry]:
        """A family's entries after ``start`` (a sort key, excluded), lazily: each Query reads ``page_size``."""
        last = {"pk": {"S": self.pk}, "sk": {"S": start}} if start else None
        items = IndexEntryItem.query(self.pk, IndexEntryItem.sk.startswith(atom), consistent_read=True,
                                     scan_index_forward=forward, page_size=max(page_size, 1),
                                     last_evaluated_key=last, attributes_to_get=ENTRY_ATTRIBUTES)
        return (_Entry(i.sk, i.contactId, i.order) for i in items)

    def count(self, atom: str, between: tuple[str, str] | None = None) -> int:
        """A family's entries (those from ``between[0]`` to ``between[1]``), counted by DynamoDB without
        returning them: billed on their size, about 1 read unit per 4 KB."""
        condition = IndexEntryItem.sk.between(*between) if between else IndexEntryItem.sk.startswith(atom)
        return IndexEntryItem.count(self.pk, condition, consistent_read=True)

    def page(self, request: PageRequest) -> ContactPage:
        if any(not term for term in self.terms):
            return ContactPage([], 0 if request.with_total else None)
        atoms = list(self.terms[0])
        if request.among is None and len(self.terms) == 1:
            if len(atoms) == 1 and (request.newest_first is None or idx.by_creation(atoms[0])):
                return self._merged(atoms, request)
            if request.newest_first is None and not any(idx.by_creation(a) for a in atoms):
                return self._merged(atoms, request)
        return self._driven(request)

    # ---------------------------------------------------------------- one term: keyset over its families, merged
    def _stream(self, atoms: list[str], forward: bool, after: str | None,
                page_size: int = CHUNK) -> Iterator[tuple[str, _Entry]]:
        """The atoms' entries merged by what follows the atom in their keys (the matched value, or the time),
        as (that tail, entry), after the tail ``after``."""
        def tails(atom: str) -> Iterator[tuple[str, _Entry]]:
            for entry in self.entries(atom, forward, atom + after if after else None, page_size):
                yield entry.sk[len(atom):], entry

        streams = [tails(atom) for atom in atoms]
        if len(streams) == 1:
            return streams[0]
        return heapq.merge(*streams, key=lambda pair: pair[0], reverse=not forward)

    def _served_at(self, contact: Contact, atoms: list[str]) -> str | None:
        """The tail where a contact is served in the merged stream: its smallest matching entry."""
        entries = idx.index_entries(contact)
        tails = [found[len(atom):] for atom in atoms if (found := idx.first_match(entries, atom))]
        return min(tails, default=None)

    def _merged(self, atoms: list[str], request: PageRequest) -> ContactPage:
        forward = not (idx.by_creation(atoms[0]) and request.newest_first is not False)
        after = request.after
        if request.offset:
            after = self._skip(atoms, forward, after, request.offset, request.excluding)
        stream = self._stream(atoms, forward, after, page_size=request.limit + 1)
        found: list[Contact] = []
        positions: list[str] = []
        served: set[str] = set()  # a tie between two families' tails must not serve a contact twice
        last: str | None = None
        exhausted = False
        while len(found) < request.limit:
            chunk = list(islice(stream, request.limit - len(found)))
            if not chunk:
                exhausted = True
                break
            contacts = self.get_many(e.contact_id for _, e in chunk if e.contact_id not in request.excluding)
            for tail, entry in chunk:
                contact = contacts.get(entry.contact_id)
                if contact is not None and contact.id not in served and self._served_at(contact, atoms) == tail:
                    served.add(contact.id)
                    found.append(contact)
                    positions.append(tail)
                last = tail
        more = not exhausted and next(stream, None) is not None
        total: int | None = None
        if request.with_total:
            first_and_only = after is None and not more
            total = len(found) if first_and_only else self._merged_total(atoms, request.excluding)
        return ContactPage(found, total, last if more else None, positions)

    def _skip(self, atoms: list[str], forward: bool, after: str | None, offset: int,
              excluding: frozenset[str]) -> str | None:
        """The tail at which the ``offset``-th contact after ``after`` is served, read from small entries only:
        a contact's first entry in the merged stream is its smallest, the one it is served at."""
        seen: set[str] = set()
        last = after
        for tail, entry in self._stream(atoms, forward, after):
            if entry.contact_id in seen or entry.contact_id in excluding:
                continue
            seen.add(entry.contact_id)
            last = tail
            if len(seen) == offset:
                break
        return last

    def _merged_total(self, atoms: list[str], excluding: frozenset[str]) -> int:
        if len(atoms) == 1 and idx.by_creation(atoms[0]) and not excluding:
            # one entry per contact in a creation-ordered family: DynamoDB counts them without returning them
            return self.count(atoms[0])
        return len({e.contact_id for _, e in self._stream(atoms, True, None)} - excluding)

    # ---------------------------------------------------------------- several atoms: the most selective term drives
    def _driving_set(self, request: PageRequest) -> dict[str, str]:
        """contact id -> creation key, for the most selective term's matches (or for ``among``)."""
        if request.among is not None:
            contacts = self.get_many(request.among)
            return {cid: time_key(c.created_at, cid) for cid, c in contacts.items()}
        return most_selective([[_Stream(self.pk, atom) for atom in term] for term in self.terms])

    def _driven(self, request: PageRequest) -> ContactPage:
        if request.with_total and request.among is None and len(self.terms) == 1:
            # one term ordered by time: its total is its distinct contacts, read from the small entries alone
            page = self._driven(replace(request, with_total=False))
            return replace(page, total=self._merged_total(list(self.terms[0]), request.excluding))
        newest_first = request.newest_first is not False
        candidates = self._driving_set(request)
        ordered = sorted(((order, cid) for cid, order in candidates.items() if cid not in request.excluding),
                         reverse=newest_first)
        after = request.after

        def past_cursor(order: str) -> bool:
            return after is None or (order < after if newest_first else order > after)

        if not request.with_total:  # only what follows the cursor is read
            ordered = [(o, c) for o, c in ordered if past_cursor(o)]
        skip, total = request.offset, 0
        found: list[Contact] = []
        positions: list[str] = []
        last: str | None = None
        more = False
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start:start + CHUNK]
            contacts = self.get_many(cid for _, cid in chunk)
            for order, cid in chunk:
                contact = contacts.get(cid)
                if contact is None or not idx.matches(idx.index_entries(contact), self.terms):
                    continue
                total += 1
                if not past_cursor(order):
                    continue
                if skip:
                    skip -= 1
                elif len(found) < request.limit:
                    found.append(contact)
                    positions.append(order)
                    last = order
                else:
                    more = True
            if more and not request.with_total:
                break
        return ContactPage(found, total if request.with_total else None, last if more else None, positions)

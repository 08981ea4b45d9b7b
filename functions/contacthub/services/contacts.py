"""Contact use cases shared by every dialect and by GraphQL."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, replace
from datetime import datetime, timezone
from typing import Any

from ..domain import messages
from ..domain.contact_batch import MatchKey, WriteOutcome
from ..domain.contact import (
    EXTENSION_TEXT,
    Contact,
    Status,
    check_search_terms,
    join_name,
    normalize_tags,
    split_name,
    tag_key,
    validate_changes,
)
from ..domain.errors import Conflict, EmailTaken, MergedAway, NotFound, ValidationFailed
from ..domain.text import canonical_uuid, fold
from ..ports import (
    AlsoOnAdd,
    Branch,
    ContactAliases,
    ContactCleanup,
    ContactPage,
    ContactQuery,
    ContactRepository,
    ContactSort,
    GuardEmails,
    LocationCount,
    Negated,
    OpenTaskContacts,
    OpenTasks,
    PageRequest,
    PipelineRepository,
    TagCount,
)
from . import criteria, paging
from .retry import ExpectedVersion, Final, check_version, retry_on_conflict

logger = logging.getLogger(__name__)

EXTENDABLE_FIELDS = ("notes", "meeting_context")
SWEEP_BATCH = 25  # pending cleanups finished per sweep call
MAX_ALIAS_HOPS = 8  # a merged contact's survivor may itself have been merged since: follow that far


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def is_uuid(value: str) -> bool:
    return canonical_uuid(value) is not None


class ContactService:
    def __init__(self, contacts: ContactRepository, states: PipelineRepository,
                 clock: Callable[[], datetime] = utcnow,
                 cleanups: Sequence[ContactCleanup] = (),
                 open_task_contacts: OpenTaskContacts | None = None,
                 unique_emails: Callable[[str], bool] = lambda workspace_id: False,
                 aliases: ContactAliases | None = None):
        self._contacts = contacts
        self._states = states
        self.clock = clock
        self._cleanups = tuple(cleanups)  # what a deleted contact leaves elsewhere (its tasks, its emails)
        self._open_task_contacts = open_task_contacts
        self._unique_emails = unique_emails  # whether a workspace keeps its contacts' emails unique
        self._aliases = aliases  # the ids of merged contacts, read only when a lookup missed

    # ---------------------------------------------------------------- reads
    def get(self, workspace_id: str, contact_id: str) -> Contact:
        key = canonical_uuid(contact_id)  # ids are stored lower-case; clients may send them in upper case
        contact = self._contacts.get(workspace_id, key) if key else None
        if contact is None and key:
            contact = self._survivor(workspace_id, key)
        if contact is None:
            raise NotFound("Contact", contact_id)
        return contact

    def _survivor(self, workspace_id: str, contact_id: str) -> Contact | None:
        """The contact a merged contact lives on in (following later merges of the survivor too), or None."""
        for _ in range(MAX_ALIAS_HOPS):
            target = self._aliases.merged_into(workspace_id, contact_id=contact_id) if self._aliases else None
            if target is None:
                return None
            found = self._contacts.get(workspace_id, target)
            if found is not None:
                return found
            contact_id = target
        return None

    def _writable(self, workspace_id: str, contact_id: str) -> Contact:
        """The contact a client's write names. A merged contact's id reads its survivor, but a write through it
        is refused (MergedAway: a 404 in every dialect; /hub/v1 names the survivor): a client still holding the
        old id must not change, or delete, another contact than the one it meant without knowing it. Before the
        merge, that write would have reached the merged contact; after it, there is no such contact any more."""
        key = canonical_uuid(contact_id)
        contact = self._contacts.get(workspace_id, key) if key else None
        if contact is not None:
            return contact
        survivor = self._survivor(workspace_id, key) if key else None
        if survivor is not None:
            raise MergedAway("Contact", contact_id, survivor.id)
        raise NotFound("Contact", contact_id)

    def get_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, Contact]:
        """The contacts found among these ids (others, malformed ones included, are left out), keyed as asked."""
        keys = {cid: key for cid in contact_ids if (key := canonical_uuid(cid))}
        found = self._contacts.get_many(workspace_id, dict.fromkeys(keys.values()))
        missed = [key for key in dict.fromkeys(keys.values()) if key not in found]
        if missed and self._aliases is not None:  # merged contacts answer their survivor
            targets = self._aliases.merged_into_many(workspace_id, missed)
            survivors = self._contacts.get_many(workspace_id, set(targets.values()))
            for key in missed:
                target = targets.get(key)
                survivor = survivors.get(target) if target else None
                if target and survivor is None:
                    survivor = self._survivor(workspace_id, target)  # merged again since
                if survivor is not None:
                    found[key] = survivor
        return {cid: found[key] for cid, key in keys.items() if key in found}

    def get_by_number(self, workspace_id: str, number: int) -> Contact:
        contact = self._contacts.get_by_number(workspace_id, number) if number > 0 else None
        if contact is None and number > 0 and self._aliases is not None:
            target = self._aliases.merged_into(workspace_id, number=number)
            if target is not None:
                contact = self._contacts.get(workspace_id, target) or self._survivor(workspace_id, target)
        if contact is None:
            raise NotFound("Contact", number)
        return contact

    def search(self, workspace_id: str, query: ContactQuery, offset: int = 0,
               limit: int = paging.DEFAULT_PAGE_SIZE, *, cursor: str | None = None, cursor_field: str = "cursor",
               with_total: bool = False, newest_first: bool | None = None,
               has_open_tasks: bool | None = None) -> ContactPage:
        """A page of the contacts matching every filter, after ``cursor`` (a ``next`` this method answered for
        the same workspace, query and order) and past ``offset`` more. ``newest_first`` None is the index's own
        order: newest first, or by the matched word for a one-word free-text search. ``limit`` may be 0 (the
        total alone). The total is computed only when asked: it costs more than a page (see the README)."""
        wanted = max(limit, 0)
        offset, limit = paging.bounded(offset, limit)
        _check_terms(query)
        bound = paging.scope(workspace_id, _normalized(query), newest_first, has_open_tasks)
        after = paging.decode_cursor(bound, cursor, cursor_field) if cursor else None
        among: frozenset[str] | None = None
        excluding: frozenset[str] = frozenset()
        total: int | None = None
        if has_open_tasks is not None:
            busy = frozenset(self._with_open_tasks(workspace_id))
            if has_open_tasks:
                among = busy
            else:
                excluding = busy
                if with_total and query.is_empty():
                    # the counter less the contacts with open tasks, rather than a walk over the workspace
                    existing = self._contacts.get_many(workspace_id, busy)
                    total, with_total = self._contacts.count(workspace_id) - len(existing), False
        request = PageRequest(limit=limit, offset=offset, after=after, newest_first=newest_first,
                              with_total=with_total, among=among, excluding=excluding)
        found = self._contacts.find(workspace_id, query, request)
        if total is not None:
            found = replace(found, total=total)
        return _with_cursors(bound, found, wanted)

    def filter(self, workspace_id: str, criterion: criteria.Criterion, sort: ContactSort | None = None,
               descending: bool = True, limit: int = paging.DEFAULT_PAGE_SIZE, *, cursor: str | None = None,
               cursor_field: str = "cursor", with_total: bool = False) -> ContactPage:
        """A page of the contacts meeting ``criterion`` (and / or / not over fields, spans and open tasks: see
        services.criteria), ordered by ``sort``; None is ``search``'s order (newest first, or by the matched word
        for a one-word search). What ``search`` answers is answered by it, so both cost the same."""
        branches = criteria.branches(criterion)
        plain = None if sort not in (None, ContactSort.CREATED) else _as_search(branches)
        if plain is not None:
            query, has_open_tasks = plain
            return self.search(workspace_id, query, 0, limit, cursor=cursor, cursor_field=cursor_field,
                               with_total=with_total, newest_first=descending if sort else None,
                               has_open_tasks=has_open_tasks)
        for branch in branches:
            for literal in branch:
                if isinstance(literal, (ContactQuery, Negated)):
                    _check_terms(literal if isinstance(literal, ContactQuery) else literal.query)
        wanted = max(limit, 0)
        _, limit = paging.bounded(0, limit)
        sort = sort or ContactSort.CREATED
        bound = paging.scope(workspace_id, branches, sort.value, descending)
        after = paging.decode_cursor(bound, cursor, cursor_field) if cursor else None
        uses_tasks = any(isinstance(literal, OpenTasks) for branch in branches for literal in branch)
        open_ids = frozenset(self._with_open_tasks(workspace_id)) if uses_tasks else frozenset()
        request = PageRequest(limit=limit, after=after, with_total=with_total)
        found = self._contacts.find_matching(workspace_id, branches, sort, descending, request, open_ids)
        return _with_cursors(bound, found, wanted)

    def reindex(self, workspace_id: str) -> Iterator[int]:
        """Give every contact of the workspace the index entries this version reads (after an upgrade that
        added entry families), a batch at a time; yields the contacts done per batch."""
        after: str | None = None
        while True:
            done, after = self._contacts.restore_entries(workspace_id, after)
            yield done
            if after is None:
                return

    def recently_active(self, workspace_id: str, limit: int) -> list[Contact]:
        return self._contacts.recently_active(workspace_id, max(1, min(limit, paging.MAX_PAGE_SIZE)))

    def tag_counts(self, workspace_id: str) -> list[TagCount]:
        """The tag catalogue: every tag in use with its contact count, by name (case-insensitive)."""
        return sorted(self._contacts.tag_counts(workspace_id), key=lambda t: (t.tag.casefold(), t.tag))

    def location_counts(self, workspace_id: str) -> list[LocationCount]:
        """The location catalogue: every location in use with its contact count."""
        return self._contacts.location_counts(workspace_id)

    def _with_open_tasks(self, workspace_id: str) -> set[str]:
        if self._open_task_contacts is None:
            raise ValidationFailed.one("hasOpenTasks", messages.FILTER_UNAVAILABLE, "unsupported")
        return self._open_task_contacts(workspace_id)

    # ---------------------------------------------------------------- writes
    def create(self, workspace_id: str, fields: dict[str, Any], also: Sequence[AlsoOnAdd] = (),
               contact_id: str | None = None) -> Contact:
        """``also``: operations that commit with the contact or not at all (e.g. consuming a capture token).
        ``contact_id``: the id to give it (an import's row id, so a row written twice is refused as a Conflict)."""
        values = validate_changes(fields)
        values = _resolve_names(values, current=None)
        self._check_state(workspace_id, values.get("pipeline_state_id"))
        emails = values.get("emails", ())
        guard = self._guard_new_emails(workspace_id, None, emails)
        now = self.clock()
        contact = Contact(
            workspace_id=workspace_id,
            id=contact_id or str(uuid.uuid4()),
            number=self._contacts.allocate_number(workspace_id),
            status=Status.PENDING,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
            **values,
        )
        try:
            return self._contacts.add(contact, also=(*also, *guard))
        except Conflict:
            if guard:  # another write added one of these addresses meanwhile: name its contact
                self._guard_new_emails(workspace_id, None, emails)
            raise

    def upsert(self, workspace_id: str, fields: dict[str, Any],
               match_by: Sequence[MatchKey]) -> tuple[WriteOutcome, Contact]:
        """Update the contact ``fields`` match (see ``find_match``) with them, or create one."""
        match = self.find_match(workspace_id, fields, match_by)
        if match is None:
            return WriteOutcome.CREATED, self.create(workspace_id, fields)
        saved = self.update(workspace_id, match.id, fields)
        return (WriteOutcome.UNCHANGED if saved.version == match.version else WriteOutcome.UPDATED), saved

    def find_match(self, workspace_id: str, fields: dict[str, Any], match_by: Sequence[MatchKey]) -> Contact | None:
        """The existing contact that shares an email (case-insensitive) or a phone (E.164) with ``fields``,
        trying the keys in ``match_by`` order; None when none does. Several contacts found by one key is a
        ValidationFailed: an upsert must not pick one of them at random."""
        values = validate_changes(fields)  # the same normal forms the contacts were stored with
        for key in match_by:
            if key is MatchKey.EMAIL:
                path, wanted = "emails", {e.casefold() for e in values.get("emails", ())}
                ids = {i for e in wanted for i in self._contacts.ids_with_email(workspace_id, e)}
                found = [c for c in self._contacts.get_many(workspace_id, ids).values()
                         if wanted & {e.casefold() for e in c.emails}]
            else:
                path, wanted = "phones", {p.e164 for p in values.get("phones", ()) if p.e164}
                ids = {i for e164 in wanted for i in self._contacts.ids_with_phone(workspace_id, e164)}
                found = [c for c in self._contacts.get_many(workspace_id, ids).values()
                         if wanted & {p.e164 for p in c.phones}]
            if len(found) > 1:
                raise ValidationFailed.one(path, messages.ambiguous_match(sorted(c.id for c in found)),
                                           "ambiguous_match")
            if found:
                return found[0]
        return None

    def would_change(self, contact: Contact, changes: dict[str, Any]) -> bool:
        """Whether ``update`` with these changes would write anything (an import's dry run); raises as it would."""
        values = _resolve_names(validate_changes(changes), current=contact)
        return contact.with_changes(**values) != contact

    def update(self, workspace_id: str, contact_id: str, changes: dict[str, Any],
               expected_version: ExpectedVersion = None, based_on_version: int | None = None) -> Contact:
        """Change only the given fields. Lists given replace the old ones.

        ``expected_version``: the client's precondition (If-Match); PreconditionFailed when the contact is at
        another version. ``based_on_version``: the version ``changes`` were computed from; Conflict when it moved.
        """
        values = validate_changes(changes)

        def change(contact: Contact) -> Contact:
            check_version("Contact", contact.version, expected_version)
            if based_on_version is not None and contact.version != based_on_version:
                raise Conflict("The contact was modified since you read it")
            resolved = _resolve_names(values, current=contact)
            if "pipeline_state_id" in resolved and resolved["pipeline_state_id"] != contact.pipeline_state_id:
                self._check_state(workspace_id, resolved["pipeline_state_id"])
            return contact.with_changes(**resolved)

        return self._mutate(workspace_id, contact_id, change, client=True)

    def delete(self, workspace_id: str, contact_id: str, expected_version: ExpectedVersion = None) -> Contact:
        """Delete the contact, then clean up what it leaves elsewhere.

        The delete writes a pending-cleanup marker in its own transaction; the cleanups run after the commit,
        best effort, and clear the marker once all succeeded. A failed cleanup is logged, never answered as a
        failed delete: ``sweep_deleted`` finishes it later.
        """
        def remove() -> Contact:
            contact = self._writable(workspace_id, contact_id)
            check_version("Contact", contact.version, expected_version)
            self._contacts.remove(contact)  # conditional on that version
            return contact

        contact = retry_on_conflict(remove)
        self._clean_up(workspace_id, contact.id)
        return contact

    def sweep_deleted(self, workspace_id: str, limit: int = SWEEP_BATCH) -> int:
        """Finish the cleanups of deleted contacts that were interrupted; returns how many were finished."""
        return sum(self._clean_up(workspace_id, cid)
                   for cid in self._contacts.pending_cleanups(workspace_id, limit))

    def _clean_up(self, workspace_id: str, contact_id: str) -> bool:
        for cleanup in self._cleanups:
            try:
                cleanup(workspace_id, contact_id)
            except Exception:  # the delete has committed: leave the rest to the sweep
                logger.exception("Cleanup of deleted contact %s left pending", contact_id)
                return False
        self._contacts.cleanup_done(workspace_id, contact_id)
        return True

    def extend(self, workspace_id: str, contact_id: str, text: str, field: str = "notes") -> Contact:
        """Append text to a free-text field on a new line."""
        if field not in EXTENDABLE_FIELDS:
            raise ValidationFailed.one("field", messages.choice(), "choice")
        text = EXTENSION_TEXT(text, "text")

        def append(contact: Contact) -> Contact:
            current = getattr(contact, field)
            combined = f"{current}\n{text}" if current else text
            return contact.with_changes(**validate_changes({field: combined}))

        return self._mutate(workspace_id, contact_id, append, client=True)

    def set_pipeline_state(self, workspace_id: str, contact_id: str, state_id: str | None,
                           expected_version: ExpectedVersion = None) -> Contact:
        return self.update(workspace_id, contact_id, {"pipeline_state_id": state_id or None},
                           expected_version=expected_version)

    def add_tags(self, workspace_id: str, contact_id: str, tags: list[str]) -> Contact:
        wanted = normalize_tags(tags)
        return self._mutate(workspace_id, contact_id, lambda c: c.with_changes(
            tags=normalize_tags(list(c.tags) + list(wanted))), client=True)

    def remove_tags(self, workspace_id: str, contact_id: str, tags: list[str]) -> Contact:
        unwanted = {tag_key(t) for t in normalize_tags(tags)}
        return self._mutate(workspace_id, contact_id, lambda c: c.with_changes(
            tags=tuple(t for t in c.tags if tag_key(t) not in unwanted)), client=True)

    def set_status(self, workspace_id: str, contact_id: str, status: Status,
                   only_from: tuple[Status, ...] | None = None) -> Contact:
        """System-driven lifecycle change (e.g. contacted after an email is sent)."""
        def move(c: Contact) -> Contact:
            if only_from is not None and c.status not in only_from:
                return c
            return c.with_changes(status=status)

        return self._mutate(workspace_id, contact_id, move)

    def record_activity(self, workspace_id: str, contact_id: str, **changes: Any) -> Contact:
        """Bump lastActivityAt (and apply system-owned changes) after an interaction."""
        return self._mutate(workspace_id, contact_id,
                            lambda c: c.with_changes(last_activity_at=self.clock(), **changes))

    # ---------------------------------------------------------------- helpers
    def _mutate(self, workspace_id: str, contact_id: str, change: Callable[[Contact], Contact],
                 client: bool = False) -> Contact:
        """Read, change, write with the version check; on a lost race re-apply the change to the fresh copy.

        The other writer's fields are never overwritten blindly: the change is replayed on what they wrote.
        ``client``: a client's write, which a merged contact's id does not reach (see _writable); the system's own
        (activity, lifecycle status after an email) follows it to the survivor, as reads do.
        """
        def attempt() -> Contact:
            current = self._writable(workspace_id, contact_id) if client else self.get(workspace_id, contact_id)
            try:
                changed = change(current)
            except Conflict as error:  # a precondition (If-Match) failed: replaying cannot help
                raise Final(error) from None
            if changed == current:
                return current
            try:
                guard = self._guard_new_emails(workspace_id, current, changed.emails)
            except EmailTaken as error:  # a replay would find the same contact
                raise Final(error) from None
            return self._contacts.update(current, changed.with_changes(updated_at=self.clock()), also=guard)

        return retry_on_conflict(attempt)

    def _guard_new_emails(self, workspace_id: str, current: Contact | None,
                          emails: Sequence[str]) -> tuple[GuardEmails, ...]:
        """When the workspace keeps emails unique: EmailTaken if another contact has one of the addresses this
        write adds, else the guard the write must commit with (it fails if another write adds one meanwhile).

        The guard versions are read before looking for contacts: a write committing after that look moves them."""
        had = {e.casefold() for e in current.emails} if current else set()
        added = [e for e in emails if e.casefold() not in had]
        if not added or not self._unique_emails(workspace_id):
            return ()
        versions = self._contacts.email_guard_versions(workspace_id, [fold(e) for e in added])
        for email in added:
            ids = set(self._contacts.ids_with_email(workspace_id, email)) - {current.id if current else ""}
            for other in self._contacts.get_many(workspace_id, ids).values():
                if email.casefold() in {e.casefold() for e in other.emails}:
                    raise EmailTaken(email, other.id, other.number)
        # an address a merge under way is handing to a contact is that contact's (services.merges)
        holders = self._contacts.email_holders(workspace_id, versions)
        for email in added:
            holder = holders.get(fold(email))
            holding = self._contacts.get(workspace_id, holder) if holder and holder != (current and current.id) \
                else None
            if holding is not None:
                raise EmailTaken(email, holding.id, holding.number)
        return (GuardEmails(workspace_id, tuple(sorted(versions.items()))),)

    def _check_state(self, workspace_id: str, state_id: str | None) -> None:
        if state_id is None:
            return
        if canonical_uuid(state_id) != state_id or self._states.get(workspace_id, state_id) is None:
            raise ValidationFailed.one("pipeline_state_id", messages.STATE_NOT_FOUND, "invalid_state")


def _with_cursors(bound: str, found: ContactPage, wanted: int) -> ContactPage:
    """A repository's page cut to ``wanted`` items, its positions turned into cursors bound to the list."""
    following = paging.encode_cursor(bound, found.next) if found.next and wanted else None
    return ContactPage(found.items[:wanted], found.total, following,
                       [paging.encode_cursor(bound, p) for p in found.positions[:wanted]])


def _as_search(branches: list[Branch]) -> tuple[ContactQuery, bool | None] | None:
    """One branch of positive one-field queries and at most one open-tasks literal, as ``search`` takes it."""
    if len(branches) != 1:
        return None
    merged: dict[str, Any] = {}
    tags: list[str] = []
    has_open_tasks: bool | None = None
    for literal in branches[0]:
        if isinstance(literal, OpenTasks) and has_open_tasks is None:
            has_open_tasks = literal.present
        elif isinstance(literal, ContactQuery):
            for name, value in asdict(literal).items():
                if name == "tags":
                    tags += value
                elif value:
                    if name in merged:
                        return None  # two conditions on one field (say two names): only the general path has it
                    merged[name] = value
        else:
            return None
    return ContactQuery(**merged, tags=tuple(tags)), has_open_tasks


def _check_terms(query: ContactQuery) -> None:
    """Search terms are written into index keys: the domain's text rule refuses what no key could hold."""
    check_search_terms({f: getattr(query, f) for f in query.__dataclass_fields__ if getattr(query, f)})


def _normalized(query: ContactQuery) -> dict[str, Any]:
    """A query as compared for cursors: what folds alike is the same query."""
    values: dict[str, Any] = {}
    for name, value in sorted(asdict(query).items()):
        if isinstance(value, str) and value.strip():
            values[name] = fold(value.strip())
        elif isinstance(value, (list, tuple)) and value:
            values[name] = sorted(tag_key(str(v)) for v in value)
    return values


def _resolve_names(values: dict[str, Any], current: Contact | None) -> dict[str, Any]:
    """Keep display name and first/last name consistent, deriving whichever side was not given."""
    values = dict(values)
    given_parts = "first_name" in values or "last_name" in values
    if current is not None and not given_parts and "name" in values and values["name"] == current.name:
        # Clients echo what they read: the same display name must not re-split a first/last name set elsewhere.
        del values["name"]
    given_name = "name" in values
    if given_name and not given_parts and values["name"]:
        values["first_name"], values["last_name"] = split_name(values["name"])
    elif given_parts and not given_name:
        first = values.get("first_name", current.first_name if current else None)
        last = values.get("last_name", current.last_name if current else None)
        values["name"] = join_name(first, last)
    if given_name and not values["name"]:
        raise ValidationFailed.one("name", messages.BLANK, "blank")
    if given_parts or current is None:
        if not values.get("name"):
            emails = values.get("emails", current.emails if current else ())
            if emails:
                values["name"] = emails[0]
            else:
                raise ValidationFailed.one("name", messages.BLANK, "blank")
    return values

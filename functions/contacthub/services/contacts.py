"""Contact use cases shared by every dialect and by GraphQL."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from ..domain import messages
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
from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.text import canonical_uuid
from ..ports import ContactPage, ContactQuery, ContactRepository, PipelineRepository

MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000  # deep pages cost reads proportional to the offset: past this, narrow the search instead
MAX_CONFLICT_RETRIES = 3
EXTENDABLE_FIELDS = ("notes", "meeting_context")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def is_uuid(value: str) -> bool:
    return canonical_uuid(value) is not None


class ContactService:
    def __init__(self, contacts: ContactRepository, states: PipelineRepository,
                 clock: Callable[[], datetime] = utcnow,
                 on_delete: Sequence[Callable[[str, str], Any]] = ()):
        self.contacts = contacts
        self.states = states
        self.clock = clock
        self.on_delete = tuple(on_delete)  # (workspace id, contact id) -> None, run after a delete (e.g. its tasks)

    # ---------------------------------------------------------------- reads
    def get(self, workspace_id: str, contact_id: str) -> Contact:
        key = canonical_uuid(contact_id)  # ids are stored lower-case; clients may send them in upper case
        contact = self.contacts.get(workspace_id, key) if key else None
        if contact is None:
            raise NotFound("Contact", contact_id)
        return contact

    def get_by_number(self, workspace_id: str, number: int) -> Contact:
        contact = self.contacts.get_by_number(workspace_id, number) if number > 0 else None
        if contact is None:
            raise NotFound("Contact", number)
        return contact

    def search(self, workspace_id: str, query: ContactQuery, offset: int = 0,
               limit: int = 30) -> ContactPage:
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        if offset + limit > MAX_OFFSET:
            raise ValidationFailed.one("page", f"Only the first {MAX_OFFSET} results can be paged through; "
                                               "narrow the search with a filter.", "too_deep")
        check_search_terms({f: getattr(query, f) for f in query.__dataclass_fields__ if getattr(query, f)})
        return self.contacts.find(workspace_id, query, max(offset, 0), limit)

    def recently_active(self, workspace_id: str, limit: int) -> list[Contact]:
        return self.contacts.recently_active(workspace_id, max(1, min(limit, MAX_PAGE_SIZE)))

    # ---------------------------------------------------------------- writes
    def create(self, workspace_id: str, fields: dict[str, Any]) -> Contact:
        values = validate_changes(fields)
        values = _resolve_names(values, current=None)
        self._check_state(workspace_id, values.get("pipeline_state_id"))
        now = self.clock()
        contact = Contact(
            workspace_id=workspace_id,
            id=str(uuid.uuid4()),
            number=self.contacts.allocate_number(workspace_id),
            status=Status.PENDING,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
            **values,
        )
        return self.contacts.add(contact)

    def update(self, workspace_id: str, contact_id: str, changes: dict[str, Any],
               expected_version: int | None = None) -> Contact:
        """Change only the given fields. Lists given replace the old ones."""
        values = validate_changes(changes)

        def change(contact: Contact) -> Contact:
            if expected_version is not None and contact.version != expected_version:
                raise Conflict("The contact was modified since you read it")
            resolved = _resolve_names(values, current=contact)
            if "pipeline_state_id" in resolved and resolved["pipeline_state_id"] != contact.pipeline_state_id:
                self._check_state(workspace_id, resolved["pipeline_state_id"])
            return contact.with_changes(**resolved)

        return self._mutate(workspace_id, contact_id, change)

    def delete(self, workspace_id: str, contact_id: str) -> Contact:
        for attempt in range(MAX_CONFLICT_RETRIES):
            contact = self.get(workspace_id, contact_id)
            try:
                self.contacts.remove(contact)
                for hook in self.on_delete:
                    hook(workspace_id, contact.id)
                return contact
            except Conflict:
                if attempt == MAX_CONFLICT_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def extend(self, workspace_id: str, contact_id: str, text: str, field: str = "notes") -> Contact:
        """Append text to a free-text field on a new line."""
        if field not in EXTENDABLE_FIELDS:
            raise ValidationFailed.one("field", messages.choice(), "choice")
        text = EXTENSION_TEXT(text, "text")

        def append(contact: Contact) -> Contact:
            current = getattr(contact, field)
            combined = f"{current}\n{text}" if current else text
            return contact.with_changes(**validate_changes({field: combined}))

        return self._mutate(workspace_id, contact_id, append)

    def set_pipeline_state(self, workspace_id: str, contact_id: str, state_id: str | None) -> Contact:
        return self.update(workspace_id, contact_id, {"pipeline_state_id": state_id or None})

    def add_tags(self, workspace_id: str, contact_id: str, tags: list[str]) -> Contact:
        wanted = normalize_tags(tags)
        return self._mutate(workspace_id, contact_id, lambda c: c.with_changes(
            tags=normalize_tags(list(c.tags) + list(wanted))))

    def remove_tags(self, workspace_id: str, contact_id: str, tags: list[str]) -> Contact:
        unwanted = {tag_key(t) for t in normalize_tags(tags)}
        return self._mutate(workspace_id, contact_id, lambda c: c.with_changes(
            tags=tuple(t for t in c.tags if tag_key(t) not in unwanted)))

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
    def _mutate(self, workspace_id: str, contact_id: str, change: Callable[[Contact], Contact]) -> Contact:
        """Read, change, write with the version check; on a lost race re-apply the change to the fresh copy.

        The other writer's fields are never overwritten blindly: the change is replayed on what they wrote.
        """
        for attempt in range(MAX_CONFLICT_RETRIES):
            current = self.get(workspace_id, contact_id)
            changed = change(current)
            if changed == current:
                return current
            changed = changed.with_changes(updated_at=self.clock())
            try:
                return self.contacts.update(current, changed)
            except Conflict:
                if attempt == MAX_CONFLICT_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _check_state(self, workspace_id: str, state_id: str | None) -> None:
        if state_id is None:
            return
        if canonical_uuid(state_id) != state_id or self.states.get(workspace_id, state_id) is None:
            raise ValidationFailed.one("pipeline_state_id", messages.STATE_NOT_FOUND, "invalid_state")


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

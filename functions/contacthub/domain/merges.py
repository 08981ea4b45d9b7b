"""Merging contacts into one, and undoing it: the rules, as pure functions over domain objects.

A merge keeps one contact, the survivor, and folds the others into it. The survivor keeps its own values; a
field it lacks is filled from the merged contacts in the order given; ``prefer`` names, per field, the contact
whose value wins. Emails, phones and tags are united (the survivor's first, or the preferred contact's) within
the bounds every contact has, and custom fields are united key by key. A merge that would pass a bound is
refused before anything is written.

Undo restores the merged contacts as they were and reverts each field of the survivor the merge changed,
unless it was edited since: that field is answered as not reverted.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from .contact import MAX_CUSTOM_FIELDS, MAX_EMAILS, MAX_PHONES, MAX_TAGS, Contact, tag_key
from .errors import ValidationFailed, Violation
from .text import fold

UNDO_WINDOW = timedelta(days=30)  # a merge can be undone this long; its record expires (table TTL) after
MAX_MERGED = 10  # contacts folded into one survivor per merge (each is a step of its own, see services.merges)

# Fields a merge decides, by the name ``prefer`` uses. A name moves with its first and last name.
NAME_GROUP = ("name", "first_name", "last_name")
SCALAR_FIELDS = ("company", "position", "address", "website", "linkedin_url", "facebook_url", "instagram_url",
                 "twitter_url", "photo", "notes", "meeting_context", "status", "stage", "pipeline_state_id",
                 "location", "channel")
UNITED_FIELDS = ("emails", "phones", "tags", "custom_fields")
PREFERABLE = frozenset((*NAME_GROUP, *SCALAR_FIELDS, *UNITED_FIELDS))
# What undo compares and reverts: every field a merge may change.
MERGED_FIELDS = (*NAME_GROUP, *SCALAR_FIELDS, *UNITED_FIELDS, "last_activity_at")

PENDING, DONE, UNDOING, UNDONE = "pending", "done", "undoing", "undone"


@dataclass(frozen=True)
class MergeRecord:
    """What a merge did, kept for its undo: the merged contacts as stored, the survivor before and after, and
    where their tasks and email items were. ``steps`` lists the merged contacts whose step has committed (their
    removal while merging, their restoration while undoing), so an interrupted merge or undo resumes."""

    workspace_id: str
    id: str
    survivor_id: str
    merged: tuple[Contact, ...]
    before: Contact
    after: Contact
    tasks: tuple[tuple[str, str], ...] = ()  # (task id, the merged contact it belonged to)
    emails: tuple[tuple[str, str], ...] = ()  # (email item ref, the merged contact it belonged to)
    prefer: tuple[tuple[str, str], ...] = ()  # (field, contact id) as asked
    status: str = PENDING
    steps: tuple[str, ...] = ()
    created_at: datetime | None = None
    undone_at: datetime | None = None
    not_reverted: tuple[str, ...] = ()

    @property
    def merged_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.merged)

    @property
    def expires_at(self) -> datetime:
        assert self.created_at is not None
        return self.created_at + UNDO_WINDOW

    def changed_fields(self) -> tuple[str, ...]:
        return tuple(f for f in MERGED_FIELDS if getattr(self.before, f) != getattr(self.after, f))


def check_request(survivor_id: str, merged_ids: list[str], prefer: dict[str, str]) -> None:
    """The shape of a merge request: at least one other contact, at most MAX_MERGED, each once, not the survivor;
    ``prefer`` names mergeable fields and contacts of the merge."""
    violations: list[Violation] = []
    if not merged_ids:
        violations.append(Violation("from", "Name at least one contact to merge into this one.", "blank"))
    if len(merged_ids) > MAX_MERGED:
        violations.append(Violation("from", f"A merge folds at most {MAX_MERGED} contacts into one.", "too_many"))
    if len(set(merged_ids)) != len(merged_ids):
        violations.append(Violation("from", "Each contact is named once.", "duplicate"))
    if survivor_id in merged_ids:
        violations.append(Violation("from", "A contact cannot be merged into itself.", "self_merge"))
    involved = {survivor_id, *merged_ids}
    for name, owner in prefer.items():
        if name not in PREFERABLE:
            violations.append(Violation(f"prefer.{name}", "This field is not one a merge decides.", "unknown_field"))
        elif owner not in involved:
            violations.append(Violation(f"prefer.{name}", "Name the survivor or one of the contacts in `from`.",
                                        "not_in_merge"))
    if violations:
        raise ValidationFailed(violations)


def _united(lists: list[tuple[Any, ...]], key: Callable[[Any], Any]) -> tuple[Any, ...]:
    seen: dict[Any, Any] = {}
    for values in lists:
        for value in values:
            seen.setdefault(key(value), value)
    return tuple(seen.values())


def merged_contact(survivor: Contact, merged: list[Contact], prefer: dict[str, str], clip: bool = False) -> Contact:
    """The survivor with the merged contacts folded in (see the module's rules); ValidationFailed naming each
    field a union would take past its bound. ``prefer`` maps canonical field names to contact ids. ``clip``:
    keep the first items within the bound instead (a merge already under way, whose survivor gained items
    since it was checked: the merged contacts' own copies are kept for the undo)."""
    everyone = {c.id: c for c in (survivor, *merged)}
    ordered = [survivor, *merged]

    def first_with(name: str) -> Contact:
        owner = prefer.get(name)
        if owner is not None:
            return everyone[owner]
        return next((c for c in ordered if getattr(c, name) not in (None, "", (), {})), survivor)

    changes: dict[str, Any] = {}
    name_owner = next((everyone[prefer[n]] for n in NAME_GROUP if n in prefer), survivor)
    changes.update({n: getattr(name_owner, n) for n in NAME_GROUP})
    for name in SCALAR_FIELDS:
        changes[name] = getattr(first_with(name), name)

    def lead(name: str) -> list[Contact]:  # the preferred contact's items first, then the survivor's, then others
        owner = prefer.get(name)
        return sorted(ordered, key=lambda c: 0 if c.id == owner else 1)

    changes["emails"] = _united([c.emails for c in lead("emails")], fold)
    changes["phones"] = _united([c.phones for c in lead("phones")], lambda p: p.e164 or p.raw)
    changes["tags"] = _united([c.tags for c in lead("tags")], tag_key)
    custom: dict[str, Any] = {}
    for contact in lead("custom_fields"):
        for key, value in contact.custom_fields.items():
            custom.setdefault(key, value)
    changes["custom_fields"] = custom
    moments = [c.last_activity_at for c in ordered if c.last_activity_at is not None]
    changes["last_activity_at"] = max(moments) if moments else survivor.last_activity_at

    bounds = {"emails": MAX_EMAILS, "phones": MAX_PHONES, "tags": MAX_TAGS, "custom_fields": MAX_CUSTOM_FIELDS}
    over = [Violation(name, f"The merged contact would have {len(changes[name])} {name.replace('_', ' ')}; a "
                            f"contact has at most {bound}. Remove some first.", "merge_over_limit")
            for name, bound in bounds.items() if len(changes[name]) > bound]
    if over and not clip:
        raise ValidationFailed(over)
    for name, bound in bounds.items():
        if len(changes[name]) > bound:
            value = changes[name]
            changes[name] = dict(list(value.items())[:bound]) if isinstance(value, dict) else value[:bound]
    if changes["name"] in survivor.emails and changes["name"] not in changes["emails"]:
        changes["name"] = changes["emails"][0]  # a name that was only an email stays one of its emails
    return replace(survivor, **changes)


@dataclass(frozen=True)
class Reversion:
    """The survivor as undo leaves it, and the fields it could not revert (edited since the merge)."""

    contact: Contact
    not_reverted: tuple[str, ...] = field(default=())


def revert(current: Contact, record: MergeRecord) -> Reversion:
    """Each field the merge changed goes back to its value before, if it still holds the merged value."""
    changes: dict[str, Any] = {}
    kept: list[str] = []
    for name in record.changed_fields():
        if getattr(current, name) == getattr(record.after, name):
            changes[name] = getattr(record.before, name)
        elif name != "last_activity_at":  # activity moves on by itself: not an edit to report
            kept.append(name)
    return Reversion(replace(current, **changes), tuple(kept))

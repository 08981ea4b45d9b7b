"""Merge records, the aliases of merged contacts, and the steps of a merge and of its undo.

In the workspace's CrmTable partition:
  MERGE#<merge id>                       MergeItem    the merge: status, steps done, survivor before and after,
                                                      the tasks and email items moved (TTL expiresAt, 30 days)
  MERGESNAP#<merge id>#<contact>         MergeSnapshotItem  a merged contact as it was stored (same TTL)
  MERGING#<contact>                      MergeLockItem  a merge of this contact (into it, or of it) is under way
  ALIAS#<merged contact uuid>            AliasItem    the contact it was merged into (its UUID keeps resolving)
  ALIASNUM#<000000000042>                AliasItem    ... by its integer (skarbe) id

Every step is one transaction conditioned on the record's status, so a step that committed is never applied
twice and an interrupted merge or undo resumes where it stopped. Aliases are read only when a lookup missed:
a read of a contact that exists costs what it did.

In a workspace that keeps emails unique, the step removing a merged contact hands the guards of its addresses to
the survivor in the same transaction (store.contact_matches.hold_emails_operations): no other write can take an
address between that step and the survivor's update, which then carries it without a guard of its own. Undo's
restoring step hands them back to the restored contact the same way, on condition that the guards did not move
since the service checked that no third contact has the addresses.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.constants import ITEM
from pynamodb.attributes import JSONAttribute, ListAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from ..domain.contact import Contact
from ..domain.errors import Conflict
from ..domain.merges import DONE, PENDING, UNDOING, UNDONE, MergeRecord
from ..domain.text import fold
from .contact_matches import hold_emails_operations
from .mappers import contact_to_item, item_to_contact
from .repositories import (
    Operation,
    commit,
    contact_transactions,
    delete,
    save,
    update,
)
from .tables import ContactItem, EmailSessionItem, SentEmailItem, _CrmModel, escape, workspace_pk

MERGE_PREFIX = "MERGE#"
SNAPSHOT_PREFIX = "MERGESNAP#"
ALIAS_PREFIX = "ALIAS#"
NUMBER_ALIAS_PREFIX = "ALIASNUM#"
BATCH_GET_SIZE = 100


class MergeItem(_CrmModel):
    mergeId = UnicodeAttribute()
    survivorId = UnicodeAttribute()
    mergedIds = ListAttribute(of=UnicodeAttribute)
    mergedNumbers = JSONAttribute()  # [n, ...] in mergedIds order: the events name every id form
    status = UnicodeAttribute()  # pending, done, undoing, undone
    steps = ListAttribute(of=UnicodeAttribute, null=True)
    prefer = JSONAttribute(null=True)
    before = JSONAttribute()  # the survivor's stored item before the merge (DynamoDB JSON)
    after = JSONAttribute()  # ... as the merge left it
    tasks = JSONAttribute(null=True)  # [[task id, merged contact id]]
    emails = JSONAttribute(null=True)  # [[email item sort key under the survivor, merged contact id]]
    notReverted = ListAttribute(of=UnicodeAttribute, null=True)
    createdAt = UTCDateTimeAttribute()
    undoneAt = UTCDateTimeAttribute(null=True)
    expiresAt = TTLAttribute()


class MergeSnapshotItem(_CrmModel):
    contact = JSONAttribute()  # the merged contact's stored item (DynamoDB JSON)
    expiresAt = TTLAttribute()


class MergeLockItem(_CrmModel):
    mergeId = UnicodeAttribute()


class AliasItem(_CrmModel):
    survivorId = UnicodeAttribute()
    mergeId = UnicodeAttribute()


def merge_sk(merge_id: str) -> str:
    return MERGE_PREFIX + merge_id


def _snapshot_sk(merge_id: str, contact_id: str) -> str:
    return f"{SNAPSHOT_PREFIX}{merge_id}#{contact_id}"


def _lock_sk(survivor_id: str) -> str:
    return f"MERGING#{survivor_id}"


def _alias_sk(contact_id: str) -> str:
    return ALIAS_PREFIX + contact_id


def _number_alias_sk(number: int) -> str:
    return f"{NUMBER_ALIAS_PREFIX}{number:012d}"


def _frozen(contact: Contact) -> dict[str, Any]:
    return contact_to_item(contact).serialize()


def _thawed(data: dict[str, Any]) -> Contact:
    return item_to_contact(ContactItem.from_raw_data(data))


def merge_to_item(record: MergeRecord) -> MergeItem:
    return MergeItem(
        workspace_pk(record.workspace_id), merge_sk(record.id), mergeId=record.id, survivorId=record.survivor_id,
        mergedIds=list(record.merged_ids), mergedNumbers=[c.number for c in record.merged], status=record.status,
        steps=list(record.steps), before=_frozen(record.before), after=_frozen(record.after),
        tasks=[list(t) for t in record.tasks] or None, prefer=dict(record.prefer) or None,
        emails=[list(e) for e in record.emails] or None,
        notReverted=list(record.not_reverted) or None, createdAt=record.created_at, undoneAt=record.undone_at,
        expiresAt=record.expires_at)


def item_to_merge(item: MergeItem, merged: dict[str, Contact]) -> MergeRecord:
    return MergeRecord(
        workspace_id=item.pk.removeprefix("WS#"), id=item.mergeId, survivor_id=item.survivorId,
        merged=tuple(merged[str(c)] for c in item.mergedIds), before=_thawed(item.before), after=_thawed(item.after),
        tasks=tuple((str(t), str(c)) for t, c in item.tasks or ()),
        emails=tuple((str(e), str(c)) for e, c in item.emails or ()), status=item.status,
        steps=tuple(str(s) for s in item.steps or ()), created_at=item.createdAt, undone_at=item.undoneAt,
        not_reverted=tuple(str(f) for f in item.notReverted or ()), prefer=tuple(sorted((item.prefer or {}).items())))


def merge_event_data(image: dict[str, Any]) -> dict[str, Any]:
    """What the events of a merge say, from a stream image of its record (the change feed's data)."""
    item = MergeItem.from_raw_data(image)
    return {"id": item.mergeId, "survivorId": item.survivorId, "mergedIds": list(item.mergedIds),
            "mergedNumbers": list(item.mergedNumbers), "status": item.status,
            "notReverted": list(item.notReverted or ()), "createdAt": item.createdAt.isoformat(),
            "undoneAt": item.undoneAt.isoformat() if item.undoneAt else None}


def _status_is(status: str):
    return MergeItem.status == status


class MergeRepository:
    # ---------------------------------------------------------------- reads
    def get(self, workspace_id: str, merge_id: str) -> MergeRecord | None:
        pk = workspace_pk(workspace_id)
        try:
            item = MergeItem.get(pk, merge_sk(merge_id), consistent_read=True)
        except DoesNotExist:
            return None
        snapshots = MergeSnapshotItem.query(pk, MergeSnapshotItem.sk.startswith(f"{SNAPSHOT_PREFIX}{merge_id}#"),
                                            consistent_read=True)
        merged = {c.id: c for c in (_thawed(s.contact) for s in snapshots)}
        return item_to_merge(item, merged)

    def pending_for(self, workspace_id: str, survivor_id: str) -> str | None:
        """The id of the merge under way into this contact, if any."""
        try:
            return MergeLockItem.get(workspace_pk(workspace_id), _lock_sk(survivor_id), consistent_read=True).mergeId
        except DoesNotExist:
            return None

    def merged_into(self, workspace_id: str, contact_id: str | None = None, number: int | None = None) -> str | None:
        """The contact a merged contact (by UUID or integer id) was merged into, or None."""
        sk = _alias_sk(contact_id) if contact_id is not None else _number_alias_sk(int(number or 0))
        try:
            return AliasItem.get(workspace_pk(workspace_id), sk, consistent_read=True).survivorId
        except DoesNotExist:
            return None

    def merged_into_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, str]:
        pk = workspace_pk(workspace_id)
        keys = [(pk, _alias_sk(c)) for c in dict.fromkeys(contact_ids)]
        found: dict[str, str] = {}
        for start in range(0, len(keys), BATCH_GET_SIZE):
            for item in AliasItem.batch_get(keys[start:start + BATCH_GET_SIZE], consistent_read=True):
                found[item.sk.removeprefix(ALIAS_PREFIX)] = item.survivorId
        return found

    # ---------------------------------------------------------------- merge steps
    def begin(self, record: MergeRecord) -> None:
        """The record, the merged contacts' snapshots and a lock on every contact of the merge, in one
        transaction: Conflict when one of them is in another merge under way (as survivor or merged)."""
        pk = workspace_pk(record.workspace_id)
        ops: list[Operation] = [save(merge_to_item(record), condition=MergeItem.sk.does_not_exist())]
        ops += [save(MergeLockItem(pk, _lock_sk(cid), mergeId=record.id), condition=MergeLockItem.sk.does_not_exist())
                for cid in (record.survivor_id, *record.merged_ids)]
        ops += [save(MergeSnapshotItem(pk, _snapshot_sk(record.id, c.id), contact=_frozen(c),
                                       expiresAt=record.expires_at)) for c in record.merged]
        commit(ops)

    def remove_merged(self, record: MergeRecord, contact: Contact, email_refs: list[str],
                      hold_emails: bool = False) -> MergeRecord:
        """One merged contact gone (its entries, integer id and counters with it, no cleanup: its tasks and
        emails moved), its ids now aliases of the survivor, the step noted in the record, its lock released.
        ``hold_emails`` (the workspace keeps emails unique): its addresses' guards held for the survivor."""
        pk = workspace_pk(record.workspace_id)
        record_key = MergeItem(pk, merge_sk(record.id))
        emails = _json_list(record.emails, email_refs, contact.id)
        head: list[Operation] = [
            delete(contact_to_item(contact)),  # version condition added by pynamodb
            save(AliasItem(pk, _alias_sk(contact.id), survivorId=record.survivor_id, mergeId=record.id)),
            save(AliasItem(pk, _number_alias_sk(contact.number), survivorId=record.survivor_id, mergeId=record.id)),
            update(record_key, [MergeItem.steps.set(MergeItem.steps.append([contact.id])),
                                MergeItem.emails.set(emails)],
                   condition=_status_is(PENDING)),
            delete(MergeLockItem(pk, _lock_sk(contact.id))),
        ]
        if hold_emails:
            head += hold_emails_operations(record.workspace_id, [fold(e) for e in contact.emails],
                                           record.survivor_id, record.id)
        _commit_steps(contact_transactions(contact, None, head, record_cleanup=False))
        return replace(record, steps=(*record.steps, contact.id), emails=tuple((e, c) for e, c in emails))

    def refresh_snapshot(self, record: MergeRecord, contact: Contact) -> MergeRecord:
        """A merged contact changed while its merge ran: the merge takes it as it is now."""
        pk = workspace_pk(record.workspace_id)
        commit([save(MergeSnapshotItem(pk, _snapshot_sk(record.id, contact.id), contact=_frozen(contact),
                                       expiresAt=record.expires_at)),
                lambda t: t.condition_check(MergeItem, pk, merge_sk(record.id), condition=_status_is(PENDING))])
        return replace(record, merged=tuple(contact if c.id == contact.id else c for c in record.merged))

    def drop_merged(self, record: MergeRecord, contact_id: str) -> MergeRecord:
        """A merged contact deleted while its merge ran leaves the merge (its snapshot and lock with it)."""
        pk = workspace_pk(record.workspace_id)
        merged = tuple(c for c in record.merged if c.id != contact_id)
        kept: Any = [c.id for c in merged]  # pynamodb types a list attribute's value as its attributes
        commit([update(MergeItem(pk, merge_sk(record.id)),
                       [MergeItem.mergedIds.set(kept), MergeItem.mergedNumbers.set([c.number for c in merged])],
                       condition=_status_is(PENDING)),
                delete(MergeSnapshotItem(pk, _snapshot_sk(record.id, contact_id))),
                delete(MergeLockItem(pk, _lock_sk(contact_id)))])
        return replace(record, merged=merged, tasks=tuple(t for t in record.tasks if t[1] != contact_id))

    def finish(self, record: MergeRecord, current: Contact, after: Contact) -> Contact:
        """The survivor written with the merged values (conditioned on the version read), the record done and
        the lock released, in one transaction."""
        pk = workspace_pk(record.workspace_id)
        item = contact_to_item(after)
        head: list[Operation] = [
            save(item),  # version condition added by pynamodb
            update(MergeItem(pk, merge_sk(record.id)),
                   [MergeItem.status.set(DONE), MergeItem.before.set(_frozen(current)),
                    MergeItem.after.set(_frozen(after.with_changes(version=int(item.version or 0) + 1)))],
                   condition=_status_is(PENDING)),
            delete(MergeLockItem(pk, _lock_sk(record.survivor_id)))]
        _commit_steps(contact_transactions(current, after, head))
        return item_to_contact(item)

    # ---------------------------------------------------------------- undo steps
    def begin_undo(self, record: MergeRecord) -> None:
        commit([update(MergeItem(workspace_pk(record.workspace_id), merge_sk(record.id)),
                       [MergeItem.status.set(UNDOING), MergeItem.steps.set([])], condition=_status_is(DONE))])

    def restore_merged(self, record: MergeRecord, contact: Contact,
                       guard_versions: dict[str, int] | None = None) -> MergeRecord:
        """A merged contact back as it was (ids, entries, counters), its aliases gone, the step noted.

        It comes back one version past the one it was merged at, never at 1: an ETag it answered before the
        merge never matches it again. ``guard_versions`` (the workspace keeps emails unique; folded address ->
        guard version read before checking that no third contact has it): its addresses' guards held for it,
        on condition that they are still at those versions."""
        pk = workspace_pk(record.workspace_id)
        head: list[Operation] = [
            _put_new(contact_to_item(contact)),
            delete(AliasItem(pk, _alias_sk(contact.id))),
            delete(AliasItem(pk, _number_alias_sk(contact.number))),
            update(MergeItem(pk, merge_sk(record.id)),
                   [MergeItem.steps.set(MergeItem.steps.append([contact.id]))], condition=_status_is(UNDOING)),
        ]
        if guard_versions is not None:
            head += hold_emails_operations(record.workspace_id, [fold(e) for e in contact.emails], contact.id,
                                           record.id, guard_versions)
        _commit_steps(contact_transactions(None, contact, head))
        return replace(record, steps=(*record.steps, contact.id))

    def finish_undo(self, record: MergeRecord, current: Contact | None, reverted: Contact | None,
                    not_reverted: tuple[str, ...], now: datetime) -> Contact | None:
        pk = workspace_pk(record.workspace_id)
        reported: Any = list(not_reverted)  # pynamodb types a list attribute's value as its attributes
        done = update(MergeItem(pk, merge_sk(record.id)),
                      [MergeItem.status.set(UNDONE), MergeItem.undoneAt.set(now),
                       *([MergeItem.notReverted.set(reported)] if not_reverted else [])],
                      condition=_status_is(UNDOING))
        if current is None or reverted is None or reverted == current:
            commit([done])
            return current
        item = contact_to_item(reverted)
        _commit_steps(contact_transactions(current, reverted, [save(item), done]))
        return item_to_contact(item)

    # ---------------------------------------------------------------- email items follow their contact
    def move_emails(self, workspace_id: str, from_id: str, to_id: str) -> list[str]:
        """Move the email sessions and sent emails of one contact under another; answers their new sort keys.
        A put then a delete per item: an interrupted move is finished by running it again."""
        pk = workspace_pk(workspace_id)
        moved: list[str] = []
        for model, kind in _EMAIL_MODELS:
            prefix = f"{kind}{escape(from_id)}#"
            items: list[Any] = list(model.query(pk, model.sk.startswith(prefix), consistent_read=True))
            for item in items:
                moved.append(_move(item, f"{kind}{escape(to_id)}#{item.sk.removeprefix(prefix)}", to_id))
        return moved

    def return_emails(self, workspace_id: str, refs: Iterable[tuple[str, str]], from_id: str) -> None:
        """Email items moved by a merge go back to the contacts they came from (those still there)."""
        pk = workspace_pk(workspace_id)
        for sk, owner in refs:
            for model, kind in _EMAIL_MODELS:
                prefix = f"{kind}{escape(from_id)}#"
                if not sk.startswith(prefix):
                    continue
                try:
                    item: Any = model.get(pk, sk, consistent_read=True)
                except DoesNotExist:
                    continue  # expired or deleted since
                _move(item, f"{kind}{escape(owner)}#{sk.removeprefix(prefix)}", owner)


_EMAIL_MODELS: tuple[tuple[type[EmailSessionItem] | type[SentEmailItem], str], ...] = (
    (EmailSessionItem, "EMAILSESSION#"), (SentEmailItem, "EMAILSENT#"))


def _move(item: EmailSessionItem | SentEmailItem, new_sk: str, contact_id: str) -> str:
    old_sk = item.sk
    copy = type(item).from_raw_data({**item.serialize(), "sk": {"S": new_sk}, "contactId": {"S": contact_id}})
    copy.save()
    type(item)(item.pk, old_sk).delete()
    return new_sk


def live_holds(workspace_id: str, holds: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of these (merge id, contact) email holds that count: a merge running holds for its survivor, an
    undo running for the contacts it restores; any other (a finished merge's) is ignored."""
    pk = workspace_pk(workspace_id)
    wanted = set(holds)
    keys = [(pk, merge_sk(m)) for m in dict.fromkeys(m for m, _ in wanted)]
    live: set[tuple[str, str]] = set()
    for start in range(0, len(keys), BATCH_GET_SIZE):
        for item in MergeItem.batch_get(keys[start:start + BATCH_GET_SIZE], consistent_read=True,
                                        attributes_to_get=["mergeId", "status", "survivorId", "mergedIds"]):
            holders = {item.survivorId} if item.status == PENDING else \
                {str(c) for c in item.mergedIds} if item.status == UNDOING else set()
            live |= {(m, c) for m, c in wanted if m == item.mergeId and c in holders}
    return live


def _put_new(item: ContactItem) -> Operation:
    """A put of a contact that must not exist, stored at its version + 1 (pynamodb's own save of an item that
    does not exist yet can only start it at version 1, and conditions a versioned one on the version stored)."""
    def put(transaction: Any) -> None:
        args, kwargs = item._get_save_args(condition=ContactItem.sk.does_not_exist(), add_version_condition=False)
        kwargs["key"] = ITEM
        transaction._put_items.append(item._get_connection().get_operation_kwargs(*args, **kwargs))
    return put


def _json_list(existing: tuple[tuple[str, str], ...], refs: list[str], contact_id: str) -> list[list[str]]:
    kept = [list(e) for e in existing if e[1] != contact_id]
    return kept + [[ref, contact_id] for ref in refs]


def _commit_steps(transactions: list[list[Operation]]) -> None:
    """The step's transaction, then deletions of stale entries that did not fit (readers check every entry
    against its contact, so one left behind is never served)."""
    first, *rest = transactions
    commit(first)
    for operations in rest:
        try:
            commit(operations)
        except Conflict:
            pass


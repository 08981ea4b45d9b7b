"""Merging contacts and undoing a merge (rules in domain.merges).

A merge runs in steps, each one transaction, because a contact's tasks are unbounded while a transaction holds
at most 100 items:
  1. the merge record (merged contacts as stored, survivor before and planned after, tasks to move) and a lock
     on each contact of the merge, together: nothing else has changed yet;
  2. per merged contact: its tasks move to the survivor (one transaction each, as any task update), its email
     sessions and sent emails follow, then one transaction removes it, writes the aliases of its UUID and
     integer id, notes the step in the record and releases its lock;
  3. one transaction writes the survivor's merged values, marks the record done (the ``contact.merged`` event)
     and releases the lock.
Every step is idempotent: a merge interrupted after step 1 is finished by asking for it again (the same
survivor and contacts), which finds the record by the survivor's lock. Until it is finished, the locks refuse
any other merge of those contacts (409). What changed meanwhile is taken as it is: a merged contact edited
since is merged as it is now, one deleted since leaves the merge, and a survivor edited since gets the merged
values on its current ones (united lists then keep what fits their bounds). Undo runs the same way backwards.

In a workspace that keeps emails unique, a merged contact's addresses pass to the survivor in the very
transaction that removes it (their guards are held for the survivor until the merge is done), so no other write
can take one between the two steps and no two contacts ever hold one address. Undo hands them back the same way,
and the survivor gives back every address it had only from the merge. An undo is refused (EmailTaken, 409,
naming the contact) when a third contact has one of the addresses to give back: that contact keeps it; remove
it there, then undo again. A refusal after some contacts were restored leaves the undo to resume.

A merge moves at most MAX_MOVED_TASKS tasks: past that it is refused before anything is written (each task is
one transaction; a request must finish well within API Gateway's 29 seconds).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from ..domain import merges as rules
from ..domain.contact import Contact
from ..domain.errors import Conflict, EmailTaken, Gone, NotFound, ValidationFailed
from ..domain.merges import DONE, PENDING, UNDOING, UNDONE, MergeRecord
from ..domain.text import canonical_uuid, fold
from ..ports import ContactRepository, MergeRepository, TaskRepository
from .contacts import MAX_ALIAS_HOPS
from .retry import ExpectedVersion, Final, check_version, retry_on_conflict

MAX_MOVED_TASKS = 200


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class MergeOutcome:
    record: MergeRecord
    survivor: Contact  # as the merge leaves it (or would, for a dry run)
    dry_run: bool = False


@dataclass(frozen=True)
class UndoOutcome:
    record: MergeRecord
    survivor: Contact | None  # None when it was deleted since the merge
    restored: tuple[Contact, ...]


class MergeService:
    def __init__(self, contacts: ContactRepository, tasks: TaskRepository, merges: MergeRepository,
                 clock: Callable[[], datetime] = utcnow,
                 unique_emails: Callable[[str], bool] = lambda workspace_id: False):
        self._contacts = contacts
        self._tasks = tasks
        self._merges = merges
        self.clock = clock
        self._unique_emails = unique_emails  # whether a workspace keeps its contacts' emails unique

    # ---------------------------------------------------------------- merge
    def merge(self, workspace_id: str, survivor_ref: str, from_refs: list[str], prefer: dict[str, str],
              dry_run: bool = False, expected_version: ExpectedVersion = None) -> MergeOutcome:
        survivor = self._contact(workspace_id, survivor_ref, "id")
        merged_ids = [self._key(workspace_id, ref, f"from[{i}]") for i, ref in enumerate(from_refs)]
        prefer = {name: self._key(workspace_id, ref, f"prefer.{name}") for name, ref in prefer.items()}
        rules.check_request(survivor.id, merged_ids, prefer)
        pending = self._merges.pending_for(workspace_id, survivor.id)
        if pending is not None:
            record = self._merges.get(workspace_id, pending)
            if record is not None and record.status == PENDING and record.survivor_id == survivor.id \
                    and set(record.merged_ids) == set(merged_ids) and not dry_run:
                return self._run(record)  # an interrupted merge, asked again: finish it
            raise Conflict("Another merge of this contact is under way; retry it, or wait for it to finish")
        found = self._contacts.get_many(workspace_id, merged_ids)
        missing = [i for i, cid in enumerate(merged_ids) if cid not in found]
        if missing:
            raise NotFound("Contact", from_refs[missing[0]])
        try:
            check_version("Contact", survivor.version, expected_version)
        except Final as final:
            raise final.error from None
        merged = [found[cid] for cid in merged_ids]
        after = rules.merged_contact(survivor, merged, prefer)
        tasks = self._tasks_of(workspace_id, merged_ids)
        now = self.clock()
        record = MergeRecord(workspace_id=workspace_id, id=str(uuid.uuid4()), survivor_id=survivor.id,
                             merged=tuple(merged), before=survivor, after=after, tasks=tasks,
                             prefer=tuple(sorted(prefer.items())), created_at=now)
        if dry_run:
            return MergeOutcome(record, after, dry_run=True)
        self._merges.begin(record)
        return self._run(record)

    def _run(self, record: MergeRecord) -> MergeOutcome:
        ws = record.workspace_id
        hold = self._unique_emails(ws)
        for contact in record.merged:
            self._move_tasks(ws, [t for t, owner in record.tasks if owner == contact.id], record.survivor_id)
            if contact.id in record.steps:
                continue
            # a task added since the record was written moves too (it stays with the survivor on undo)
            self._move_tasks(ws, self._tasks.task_ids_for_contact(ws, contact.id, MAX_MOVED_TASKS),
                             record.survivor_id)
            refs = self._merges.move_emails(ws, contact.id, record.survivor_id)
            current = self._contacts.get(ws, contact.id)
            if current is None:  # deleted meanwhile: nothing of it left to merge
                record = self._merges.drop_merged(record, contact.id)
                continue
            if current.version != contact.version:  # edited meanwhile: the merge takes it as it is now
                record = self._merges.refresh_snapshot(record, current)
                contact = current
            record = self._merges.remove_merged(record, contact, refs, hold_emails=hold)

        def finish() -> Contact:
            current = self._contacts.get(ws, record.survivor_id)
            if current is None:
                raise Final(NotFound("Contact", record.survivor_id))
            after = rules.merged_contact(current, list(record.merged), dict(record.prefer), clip=True)
            return self._merges.finish(record, current, after.with_changes(updated_at=self.clock()))

        survivor = retry_on_conflict(finish)
        return MergeOutcome(replace(record, status=DONE), survivor)

    def _tasks_of(self, workspace_id: str, contact_ids: list[str]) -> tuple[tuple[str, str], ...]:
        tasks: list[tuple[str, str]] = []
        for cid in contact_ids:
            tasks += [(t, cid) for t in self._tasks.task_ids_for_contact(workspace_id, cid, MAX_MOVED_TASKS + 1)]
            if len(tasks) > MAX_MOVED_TASKS:
                raise ValidationFailed.one("from", f"These contacts have more than {MAX_MOVED_TASKS} tasks between "
                                                   f"them; a merge moves at most {MAX_MOVED_TASKS}. Merge fewer "
                                                   f"contacts at once, or delete done tasks first.",
                                           "merge_over_limit")
        return tuple(tasks)

    def _move_tasks(self, workspace_id: str, task_ids: list[str], to_contact: str) -> None:
        """Each task still on another contact moves to ``to_contact`` (as a task update does: entries, summaries,
        counters and the change event); one already there is left alone, so this can run again."""
        for task_id in task_ids:
            def move(task_id: str = task_id) -> None:
                task = self._tasks.get(workspace_id, task_id)
                if task is None or task.contact_id == to_contact:
                    return
                self._tasks.update(task, replace(task, contact_id=to_contact, updated_at=self.clock()))

            retry_on_conflict(move)

    # ---------------------------------------------------------------- undo
    def get(self, workspace_id: str, merge_id: str) -> MergeRecord:
        record = self._merges.get(workspace_id, merge_id) if canonical_uuid(merge_id) == merge_id else None
        if record is None:
            raise NotFound("Merge", merge_id)
        return record

    def undo(self, workspace_id: str, merge_id: str) -> UndoOutcome:
        record = self.get(workspace_id, merge_id)
        if record.status == UNDONE:
            raise Conflict("This merge was already undone")
        if record.status == PENDING:
            raise Conflict("This merge has not finished; ask for it again to finish it, then undo it")
        if record.created_at is not None and self.clock() > record.expires_at:
            raise Gone("A merge can be undone for 30 days; this one is older")
        ws = record.workspace_id
        unique = self._unique_emails(ws)
        checked: dict[str, dict[str, int]] = {}  # guard versions read before each contact's check
        if unique:  # refused before anything is written when a third contact has an address to give back
            for contact in record.merged:
                if record.status == DONE or contact.id not in record.steps:
                    checked[contact.id] = self._hand_back(record, contact)
        if record.status == DONE:
            self._merges.begin_undo(record)
            record = replace(record, status=UNDOING, steps=())
        restored: list[Contact] = []
        for contact in record.merged:
            if contact.id not in record.steps and not unique:
                record = self._merges.restore_merged(record, contact)
            elif contact.id not in record.steps:
                def restore(record: MergeRecord = record, contact: Contact = contact) -> MergeRecord:
                    # the restoring transaction is conditioned on the guards read before the check: one that moved
                    # since (a write adding an address) fails it, and the check runs again
                    versions = checked.pop(contact.id, None)
                    try:
                        versions = self._hand_back(record, contact) if versions is None else versions
                    except EmailTaken as error:
                        raise Final(error) from None
                    return self._merges.restore_merged(record, contact, versions)

                record = retry_on_conflict(restore)
            self._move_tasks(ws, [t for t, owner in record.tasks if owner == contact.id], contact.id)
            self._merges.return_emails(ws, [(ref, owner) for ref, owner in record.emails if owner == contact.id],
                                       record.survivor_id)
            back = self._contacts.get(ws, contact.id)
            if back is not None:
                restored.append(back)

        def finish() -> tuple[Contact | None, tuple[str, ...]]:
            current = self._contacts.get(ws, record.survivor_id)
            if current is None:  # deleted since: nothing to revert
                self._merges.finish_undo(record, None, None, record.changed_fields(), self.clock())
                return None, record.changed_fields()
            reversion = rules.revert(current, record)
            reverted = reversion.contact
            if unique:
                reverted = _without_given_back(reverted, record)
            if reverted != current:
                reverted = reverted.with_changes(updated_at=self.clock())
            saved = self._merges.finish_undo(record, current, reverted, reversion.not_reverted, self.clock())
            return saved, reversion.not_reverted

        survivor, not_reverted = retry_on_conflict(finish)
        done = replace(record, status=UNDONE, undone_at=self.clock(), not_reverted=not_reverted)
        return UndoOutcome(done, survivor, tuple(restored))

    def _hand_back(self, record: MergeRecord, contact: Contact) -> dict[str, int]:
        """EmailTaken if a contact outside this merge has one of ``contact``'s addresses (or a merge under way
        hands it one), else the guard versions of its addresses, read before looking: the restoring transaction
        holds them on condition that they did not move since."""
        ws = record.workspace_id
        versions = self._contacts.email_guard_versions(ws, [fold(e) for e in contact.emails])
        ours = {record.survivor_id, *record.merged_ids}
        for email in contact.emails:
            ids = set(self._contacts.ids_with_email(ws, email)) - ours
            for other in self._contacts.get_many(ws, ids).values():
                if email.casefold() in {e.casefold() for e in other.emails}:
                    raise EmailTaken(email, other.id, other.number)
        holders = self._contacts.email_holders(ws, versions)
        for email in contact.emails:
            holder = holders.get(fold(email))
            holding = self._contacts.get(ws, holder) if holder and holder not in ours else None
            if holding is not None:
                raise EmailTaken(email, holding.id, holding.number)
        return versions

    # ---------------------------------------------------------------- helpers
    def _key(self, workspace_id: str, ref: Any, path: str) -> str:
        """A contact's UUID from a UUID or an integer id (as the dialects name contacts)."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            number = int(ref)
            contact = self._contacts.get_by_number(workspace_id, number) if 0 < number < 10 ** 12 else None
            if contact is None:
                raise NotFound("Contact", ref)
            return contact.id
        key = canonical_uuid(ref) if isinstance(ref, str) else None
        if key is None and path == "id":  # the contact in the URL: as every route, no such contact
            raise NotFound("Contact", ref)
        if key is None:
            raise ValidationFailed.one(path, "Name a contact by its id (UUID) or its integer id.", "invalid_id")
        return key

    def _contact(self, workspace_id: str, ref: str, path: str) -> Contact:
        """The survivor, also by the id of a contact merged into it earlier (as every read resolves it)."""
        key: str | None = self._key(workspace_id, ref, path)
        for _ in range(MAX_ALIAS_HOPS):
            contact = self._contacts.get(workspace_id, key) if key else None
            if contact is not None:
                return contact
            key = self._merges.merged_into(workspace_id, contact_id=key) if key else None
        raise NotFound("Contact", ref)


def _without_given_back(survivor: Contact, record: MergeRecord) -> Contact:
    """The survivor without the addresses undo gave back to the restored contacts (those it had only from the
    merge), even when its emails were edited since: in a workspace that keeps emails unique, an address is one
    contact's."""
    given = {e.casefold() for c in record.merged for e in c.emails} - {e.casefold() for e in record.before.emails}
    kept = tuple(e for e in survivor.emails if e.casefold() not in given)
    return survivor if kept == survivor.emails else survivor.with_changes(emails=kept)

"""MergeService on in-memory fakes: the steps of a merge and of its undo, their order and their resumption."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from contacthub.domain.contact import Contact
from contacthub.domain.errors import Conflict, EmailTaken, Gone, NotFound
from contacthub.domain.merges import DONE, PENDING, UNDOING, UNDONE, MergeRecord
from contacthub.domain.task import Task, TaskKind, TaskType
from contacthub.ports import MergeRepository
from contacthub.services import retry
from contacthub.services.merges import MergeService
from fakes import InMemoryContacts, InMemoryTasks

WS = "ws"
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


class InMemoryMerges:
    """Records, locks and aliases on dicts; each step checks the record's status as the store's conditions do."""

    def __init__(self, contacts: InMemoryContacts) -> None:
        self.contacts = contacts
        self.records: dict[str, MergeRecord] = {}
        self.locks: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.numbers: dict[int, str] = {}
        self.fail_on_step = -1  # the step (0-based) that raises, as if the function were stopped there
        self.steps = 0

    def _step(self, record: MergeRecord, status: str) -> None:
        if self.records[record.id].status != status:
            raise Conflict("record moved on")
        if self.steps == self.fail_on_step:
            self.steps += 1
            raise RuntimeError("stopped")
        self.steps += 1

    def get(self, workspace_id: str, merge_id: str) -> MergeRecord | None:
        return self.records.get(merge_id)

    def pending_for(self, workspace_id: str, survivor_id: str) -> str | None:
        return self.locks.get(survivor_id)

    def merged_into(self, workspace_id: str, contact_id: str | None = None, number: int | None = None) -> str | None:
        return self.aliases.get(contact_id or "") if contact_id else self.numbers.get(number or 0)

    def merged_into_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, str]:
        return {c: self.aliases[c] for c in contact_ids if c in self.aliases}

    def begin(self, record: MergeRecord) -> None:
        involved = (record.survivor_id, *record.merged_ids)
        if any(c in self.locks for c in involved):
            raise Conflict("locked")
        self.records[record.id] = record
        self.locks.update(dict.fromkeys(involved, record.id))

    def remove_merged(self, record: MergeRecord, contact: Contact, email_refs: list[str],
                      hold_emails: bool = False) -> MergeRecord:
        self._step(record, PENDING)
        self.contacts.remove(contact)
        self.contacts.cleanups.discard((WS, contact.id))  # a merged contact leaves nothing to clean up
        self.aliases[contact.id], self.numbers[contact.number] = record.survivor_id, record.survivor_id
        del self.locks[contact.id]
        self.records[record.id] = replace(record, steps=(*record.steps, contact.id))
        return self.records[record.id]

    def refresh_snapshot(self, record: MergeRecord, contact: Contact) -> MergeRecord:
        self._step(record, PENDING)
        self.records[record.id] = replace(record, merged=tuple(contact if c.id == contact.id else c
                                                               for c in record.merged))
        return self.records[record.id]

    def drop_merged(self, record: MergeRecord, contact_id: str) -> MergeRecord:
        self._step(record, PENDING)
        del self.locks[contact_id]
        self.records[record.id] = replace(record, merged=tuple(c for c in record.merged if c.id != contact_id))
        return self.records[record.id]

    def finish(self, record: MergeRecord, current: Contact, after: Contact) -> Contact:
        self._step(record, PENDING)
        saved = self.contacts.update(current, after)
        self.records[record.id] = replace(record, status=DONE, before=current, after=saved)
        del self.locks[record.survivor_id]
        return saved

    def begin_undo(self, record: MergeRecord) -> None:
        self._step(record, DONE)
        self.records[record.id] = replace(record, status=UNDOING, steps=())

    def restore_merged(self, record: MergeRecord, contact: Contact,
                       guard_versions: dict[str, int] | None = None) -> MergeRecord:
        self._step(record, UNDOING)
        self.contacts.contacts[(WS, contact.id)] = contact
        self.aliases.pop(contact.id, None)
        self.numbers.pop(contact.number, None)
        self.records[record.id] = replace(record, steps=(*record.steps, contact.id))
        return self.records[record.id]

    def finish_undo(self, record: MergeRecord, current: Contact | None, reverted: Contact | None,
                    not_reverted: tuple[str, ...], now: datetime) -> Contact | None:
        self._step(record, UNDOING)
        saved = self.contacts.update(current, reverted) if current and reverted and reverted != current else current
        self.records[record.id] = replace(record, status=UNDONE, not_reverted=not_reverted, undone_at=now)
        return saved

    def move_emails(self, workspace_id: str, from_id: str, to_id: str) -> list[str]:
        return []

    def return_emails(self, workspace_id: str, refs: Iterable[tuple[str, str]], from_id: str) -> None:
        pass


def _conforms() -> None:
    """Never called: mypy checks the fake against its port."""
    merges: MergeRepository = InMemoryMerges(InMemoryContacts())
    assert merges


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(retry, "backoff", lambda attempt: None)


@pytest.fixture
def world():
    contacts = InMemoryContacts()
    tasks = InMemoryTasks()
    merges = InMemoryMerges(contacts)
    service = MergeService(contacts, tasks, merges, clock=lambda: T0)
    made = []
    for number, fields in enumerate(({"company": "Acme", "tags": ("VIP",)},
                                     {"position": "CEO", "tags": ("Paris",), "emails": ("b@x.example",)},
                                     {"notes": "third", "tags": ("Lyon",)}), start=1):
        cid = f"00000000-0000-4000-8000-00000000000{number}"
        contacts.add(Contact(workspace_id=WS, id=cid, number=number, name=f"C{number}", created_at=T0,
                             updated_at=T0, **fields))
        tasks.contacts.add((WS, cid))
        tasks.add(Task(workspace_id=WS, id=f"t{number}", contact_id=cid, title=f"Task {number}",
                       type=TaskType("call"), task_kind=TaskKind.MANUAL, payload=None, description=None,
                       due_date=T0, completed=False, completed_at=None, created_at=T0,
                       updated_at=T0))
        made.append(cid)
    return service, contacts, tasks, merges, made


def test_merge_moves_tasks_removes_the_merged_and_undo_puts_everything_back(world):
    service, contacts, tasks, merges, (s, m, n) = world
    done = service.merge(WS, s, [m, n], {"notes": n})
    assert done.survivor.tags == ("VIP", "Paris", "Lyon") and done.survivor.notes == "third"
    assert {t.contact_id for t in tasks.tasks.values()} == {s}
    assert contacts.get(WS, m) is None and merges.aliases == {m: s, n: s} and merges.locks == {}
    assert not contacts.cleanups
    undone = service.undo(WS, done.record.id)
    assert [c.id for c in undone.restored] == [m, n] and undone.record.not_reverted == ()
    assert {t.id: t.contact_id for t in tasks.tasks.values()} == {"t1": s, "t2": m, "t3": n}
    assert undone.survivor is not None and (undone.survivor.tags, undone.survivor.notes) == (("VIP",), None)
    with pytest.raises(Conflict):
        service.undo(WS, done.record.id)


def test_a_merge_stopped_at_any_step_is_finished_by_asking_again(world):
    service, contacts, tasks, merges, (s, m, n) = world
    merges.fail_on_step = 1  # the second merged contact's removal
    with pytest.raises(RuntimeError):
        service.merge(WS, s, [m, n], {})
    assert contacts.get(WS, m) is None and contacts.get(WS, n) is not None
    with pytest.raises(Conflict):
        service.merge(WS, s, [n], {})  # another merge into the survivor waits
    done = service.merge(WS, s, [m, n], {})
    assert done.record.status == DONE and contacts.get(WS, n) is None
    assert {t.contact_id for t in tasks.tasks.values()} == {s} and merges.locks == {}


def test_a_merged_contact_changed_during_the_merge_is_merged_as_it_is_now(world):
    service, contacts, _, merges, (s, m, n) = world
    record = service.merge(WS, s, [m, n], {}, dry_run=True).record
    merges.begin(record)
    current = contacts.get(WS, m)
    assert current is not None
    contacts.update(current, current.with_changes(website="https://m.example"))
    contacts.remove(contacts.get(WS, n))  # and one deleted meanwhile leaves the merge
    done = service.merge(WS, s, [m, n], {})  # the merge under way, asked again
    assert done.survivor.website == "https://m.example" and done.record.merged_ids == (m,)
    assert merges.locks == {} and contacts.get(WS, m) is None
    undone = service.undo(WS, done.record.id)
    assert [(c.id, c.website) for c in undone.restored] == [(m, "https://m.example")]
    assert contacts.get(WS, n) is None


def test_undo_reports_fields_edited_since_and_expires(world):
    service, contacts, _, _, (s, m, _n) = world
    done = service.merge(WS, s, [m], {})
    survivor = contacts.get(WS, s)
    assert survivor is not None
    contacts.update(survivor, survivor.with_changes(position="CTO"))
    undone = service.undo(WS, done.record.id)
    assert undone.record.not_reverted == ("position",) and undone.survivor.position == "CTO"
    late = service.merge(WS, s, [undone.restored[0].id], {})
    service.clock = lambda: T0 + timedelta(days=31)
    with pytest.raises(Gone):
        service.undo(WS, late.record.id)
    with pytest.raises(NotFound):
        service.undo(WS, "00000000-0000-4000-8000-00000000dead")


def test_a_task_added_to_a_merged_contact_during_the_merge_moves_too(world):
    service, _, tasks, merges, (s, m, _n) = world
    record = service.merge(WS, s, [m], {}, dry_run=True).record
    merges.begin(record)
    late = next(iter(tasks.tasks.values()))
    tasks.add(replace(late, id="late", contact_id=m, version=None))
    done = service.merge(WS, s, [m], {})  # the merge under way, asked again
    assert done.record.status == DONE
    assert {t.contact_id for t in tasks.tasks.values() if t.id in ("t2", "late")} == {s}


def test_with_unique_emails_undo_gives_the_addresses_back_or_is_refused_while_a_third_contact_has_one(world):
    _, contacts, tasks, merges, (s, m, n) = world
    service = MergeService(contacts, tasks, merges, clock=lambda: T0, unique_emails=lambda ws: True)
    done = service.merge(WS, s, [m], {})
    assert done.survivor.emails == ("b@x.example",)
    # the survivor's emails edited since: it keeps its own, gives back the one it had only from the merge
    edited = contacts.get(WS, s)
    assert edited is not None
    contacts.update(edited, edited.with_changes(emails=("b@x.example", "s@x.example")))
    undone = service.undo(WS, done.record.id)
    assert undone.survivor is not None and undone.survivor.emails == ("s@x.example",)
    assert "emails" in undone.record.not_reverted
    assert [c.emails for c in undone.restored] == [("b@x.example",)]
    # merged again, and a third contact takes the address the survivor let go: the undo is refused, untouched
    again = service.merge(WS, s, [m], {})
    survivor = contacts.get(WS, s)
    assert survivor is not None
    contacts.update(survivor, survivor.with_changes(emails=("s@x.example",)))
    third = contacts.get(WS, n)
    assert third is not None
    contacts.update(third, third.with_changes(emails=("B@x.example",)))
    with pytest.raises(EmailTaken) as refused:
        service.undo(WS, again.record.id)
    assert refused.value.contact_id == n and merges.records[again.record.id].status == DONE
    assert contacts.get(WS, m) is None

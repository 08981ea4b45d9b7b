"""DynamoDB task repository. Every call is GetItem, BatchGetItem, Query or a transaction: never Scan.

A task is one ``TASK#<uuid>`` item plus three entries in the workspace partition, written in the task's
own transaction so every listing is exact the moment a write returns:

  CTASK#<contact>#<state>#<due>#<task>   a contact's tasks, open (0) before done (1), by due date
  TSTATE#<state>#<due>#<task>            the workspace's tasks by state and due date
  TTYPE#<type>#<state>#<due>#<task>      ... by type, state and due date

``<due>`` is the UTC due date in fixed-width ISO form, so string order is time order and a due-date range
is a ``between`` on the sort key. A listing reads the entries of the matching family (cost grows with
the matches, never with the workspace); totals of unfiltered listings come from ``TASKSTATS`` counters.

``TASKSUM#<contact>`` holds the contact's open-task count and its next ``SUMMARY_SIZE`` open tasks; every
write that changes them rewrites it in the same transaction (conditioned on its version), so a page of
contacts gets its open tasks from one BatchGet, exact the moment a task write returns.
"""
from __future__ import annotations

import heapq
from itertools import islice
from datetime import datetime, timezone
from collections.abc import Iterable, Iterator

from pynamodb.exceptions import DoesNotExist

from ..domain.task import (
    SUMMARY_SIZE,
    OpenTaskSummary,
    Task,
    TaskKind,
    TaskPage,
    TaskPreview,
    TaskQuery,
    TaskSlice,
    TaskType,
)
from .repositories import Operation, commit, delete, save, update
from .tables import ContactItem, TaskEntryItem, TaskItem, TaskStatsItem, TaskSummaryItem, workspace_pk

OPEN, DONE = "0", "1"
STATS_SK = "TASKSTATS"
HIGH = "~"  # sorts after every character used in keys (hex, '-', digits, ':', '.', '#')

def due_key(moment: datetime) -> str:
    """Fixed-width UTC form (``2025-03-20T10:00:00.000000``): lexicographic order is chronological order."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")


def _state(completed: bool) -> str:
    return DONE if completed else OPEN


def contact_family(contact_id: str, completed: bool) -> str:
    return f"CTASK#{contact_id}#{_state(completed)}#"


def state_family(completed: bool) -> str:
    return f"TSTATE#{_state(completed)}#"


def type_family(task_type: TaskType, completed: bool) -> str:
    return f"TTYPE#{TaskType(task_type).value}#{_state(completed)}#"


def entry_keys(task: Task) -> list[str]:
    """The sort keys of a task's three listing entries."""
    tail = f"{due_key(task.due_date)}#{task.id}"
    return [contact_family(task.contact_id, task.completed) + tail,
            state_family(task.completed) + tail,
            type_family(task.type, task.completed) + tail]


def _tail(entry: TaskEntryItem) -> str:
    """``<due>#<task id>``: an entry's position in the order every family shares."""
    return "#".join(entry.sk.rsplit("#", 2)[1:])


def _families(query: TaskQuery) -> tuple[list[bool], list[str]]:
    """(the completion states asked, the entry families that answer the query)."""
    states = [False, True] if query.completed is None else [query.completed]
    if query.contact_id:
        return states, [contact_family(query.contact_id, s) for s in states]
    if query.type:
        return states, [type_family(query.type, s) for s in states]
    return states, [state_family(s) for s in states]


def _counted(query: TaskQuery) -> bool:
    """Whether the task counters give the query's total: unfiltered but for the completion state."""
    return not query.contact_id and not query.type and query.due_before is None and query.due_after is None


def _task_sk(task_id: str) -> str:
    return f"TASK#{task_id}"


def _contact_sk(contact_id: str) -> str:
    return f"CONTACT#{contact_id}"


def _summary_sk(contact_id: str) -> str:
    return f"TASKSUM#{contact_id}"


def _due_from_key(key: str) -> datetime:
    return datetime.fromisoformat(key).replace(tzinfo=timezone.utc)


def _summary(item: TaskSummaryItem | None) -> OpenTaskSummary:
    if item is None:
        return OpenTaskSummary()
    previews = tuple(TaskPreview(p["id"], p["title"], _due_from_key(p["due"])) for p in item.next or ())
    return OpenTaskSummary(max(int(item.open or 0), 0), previews)


# ---------------------------------------------------------------- item <-> domain

def task_to_item(t: Task) -> TaskItem:
    item = TaskItem(
        workspace_pk(t.workspace_id), _task_sk(t.id), taskId=t.id, contactId=t.contact_id, title=t.title,
        type=t.type.value, taskKind=t.task_kind.value, payload=t.payload, description=t.description,
        dueDate=t.due_date, completed=t.completed, completedAt=t.completed_at, createdAt=t.created_at,
        updatedAt=t.updated_at,
    )
    if t.version is not None:  # a new task has none; pynamodb then requires the item not to exist
        item.version = t.version
    return item


def item_to_task(i: TaskItem, workspace_id: str) -> Task:
    return Task(
        workspace_id=workspace_id, id=i.taskId, contact_id=i.contactId, title=i.title, type=TaskType(i.type),
        task_kind=TaskKind(i.taskKind), payload=i.payload, description=i.description, due_date=i.dueDate,
        completed=bool(i.completed), completed_at=i.completedAt, created_at=i.createdAt,
        updated_at=i.updatedAt,
        version=int(i.version) if i.version is not None else None,
    )


# ---------------------------------------------------------------- writes

def task_write_operations(old: Task | None, new: Task | None) -> list[Operation]:
    """Everything that changes with a task except its own put: entries, counters, the contact check."""
    ref = new or old
    assert ref is not None
    pk = workspace_pk(ref.workspace_id)
    ops: list[Operation] = []
    old_keys = entry_keys(old) if old else []
    new_keys = entry_keys(new) if new else []
    # Entries carry the contact and type too: rewrite them when either changed, even on the same keys.
    rewrite = old is None or new is None or (old.contact_id, old.type) != (new.contact_id, new.type)
    for key in old_keys:
        if key not in new_keys:
            ops.append(delete(TaskEntryItem(pk, key)))
    if new is not None:
        for key in new_keys:
            if rewrite or key not in old_keys:
                ops.append(save(TaskEntryItem(pk, key, taskId=new.id, contactId=new.contact_id,
                                              type=new.type.value)))
        # The contact must still exist when the transaction commits: a task can't outlive a concurrent delete.
        contact_sk = _contact_sk(new.contact_id)
        ops.append(lambda t: t.condition_check(ContactItem, pk, contact_sk, condition=ContactItem.sk.exists()))
    opened = _count(new, False) - _count(old, False)
    done = _count(new, True) - _count(old, True)
    if opened or done:
        ops.append(_stats_update(pk, opened, done))
    return ops


def _count(task: Task | None, completed: bool) -> int:
    return 1 if task is not None and task.completed == completed else 0


def _stats_update(pk: str, opened: int, done: int) -> Operation:
    return update(TaskStatsItem(pk, STATS_SK), [TaskStatsItem.open.add(opened), TaskStatsItem.done.add(done)])


class TaskRepository:
    """Storage of tasks; returns domain objects only. Raises Conflict when a condition fails at commit."""

    # ------------------------------------------------------------ reads
    def get(self, workspace_id: str, task_id: str) -> Task | None:
        try:
            item = TaskItem.get(workspace_pk(workspace_id), _task_sk(task_id), consistent_read=True)
        except DoesNotExist:
            return None
        return item_to_task(item, workspace_id)

    def get_many(self, workspace_id: str, task_ids: Iterable[str]) -> dict[str, Task]:
        pk = workspace_pk(workspace_id)
        keys = [(pk, _task_sk(i)) for i in dict.fromkeys(task_ids)]
        if not keys:
            return {}
        return {item.taskId: item_to_task(item, workspace_id)
                for item in TaskItem.batch_get(keys, consistent_read=True)}

    def existing_contacts(self, workspace_id: str, contact_ids: Iterable[str]) -> set[str]:
        """Which of these contacts exist in the workspace: one BatchGet (per 100) reading keys only."""
        pk = workspace_pk(workspace_id)
        keys = [(pk, _contact_sk(c)) for c in dict.fromkeys(contact_ids)]
        if not keys:
            return set()
        return {item.sk.removeprefix("CONTACT#")
                for item in ContactItem.batch_get(keys, consistent_read=True, attributes_to_get=["pk", "sk"])}

    def find(self, workspace_id: str, query: TaskQuery, offset: int, limit: int) -> TaskPage:
        """Tasks by due date (then id), filtered; each family read is one Query on the sort key."""
        pk = workspace_pk(workspace_id)
        states, families = _families(query)
        if _counted(query):
            # Unfiltered but for the state: counters give the total, so only the page's prefix is read.
            total = self._count(pk, states)
            entries = self._merged(pk, families, query, offset + limit)
        else:
            entries = self._merged(pk, families, query, None)
            if query.contact_id and query.type:
                entries = [e for e in entries if e.type == TaskType(query.type).value]
            total = len(entries)
        page_ids = [e.taskId for e in entries[offset:offset + limit]]
        tasks = self.get_many(workspace_id, page_ids)
        return TaskPage([tasks[i] for i in page_ids if i in tasks], total)

    def find_after(self, workspace_id: str, query: TaskQuery, after: str | None, limit: int, latest_first: bool,
                   with_total: bool) -> TaskSlice:
        """Tasks by due date (then id) after the position ``after`` (``<due>#<task id>``), in either order: each
        family is read from that position on, so a page costs about a page wherever it starts."""
        pk = workspace_pk(workspace_id)
        states, families = _families(query)
        wanted_type = TaskType(query.type).value if query.contact_id and query.type else None
        streams = [self._entries(pk, family, query, None, after=after, forward=not latest_first,
                                 page_size=limit + 1) for family in families]
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=_tail, reverse=latest_first)
        entries = list(islice((e for e in merged if wanted_type is None or e.type == wanted_type), limit + 1))
        page = entries[:limit]
        tasks = self.get_many(workspace_id, [e.taskId for e in page])
        total = None
        if with_total:
            total = self._count(pk, states) if _counted(query) else sum(
                1 for e in self._merged(pk, families, query, None) if wanted_type is None or e.type == wanted_type)
        return TaskSlice([tasks[e.taskId] for e in page if e.taskId in tasks], total,
                         _tail(page[-1]) if len(entries) > limit else None,
                         [_tail(e) for e in page if e.taskId in tasks])

    def for_contacts(self, workspace_id: str, contact_ids: Iterable[str],
                     query: TaskQuery) -> dict[str, list[Task]]:
        """Each contact's tasks by due date: one Query per contact and state asked, then one BatchGet
        (per 100 tasks) for all of them."""
        pk = workspace_pk(workspace_id)
        states = [False, True] if query.completed is None else [query.completed]
        wanted_type = TaskType(query.type).value if query.type else None
        per_contact: dict[str, list[str]] = {}
        for contact_id in dict.fromkeys(contact_ids):
            entries = self._merged(pk, [contact_family(contact_id, s) for s in states], query, None)
            per_contact[contact_id] = [e.taskId for e in entries
                                       if wanted_type is None or e.type == wanted_type]
        tasks = self.get_many(workspace_id, [i for ids in per_contact.values() for i in ids])
        return {cid: [tasks[i] for i in ids if i in tasks] for cid, ids in per_contact.items()}

    def open_task_summaries(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, OpenTaskSummary]:
        """Each contact's open-task summary: one BatchGet (per 100), strongly consistent."""
        pk = workspace_pk(workspace_id)
        wanted = list(dict.fromkeys(contact_ids))
        found = {item.contactId: item for item in TaskSummaryItem.batch_get(
            [(pk, _summary_sk(c)) for c in wanted], consistent_read=True)} if wanted else {}
        return {c: _summary(found.get(c)) for c in wanted}

    def task_ids_for_contact(self, workspace_id: str, contact_id: str, limit: int) -> list[str]:
        pk = workspace_pk(workspace_id)
        items = TaskEntryItem.query(pk, TaskEntryItem.sk.startswith(f"CTASK#{contact_id}#"),
                                    consistent_read=True, limit=limit)
        return [i.taskId for i in items]

    def contacts_with_open_tasks(self, workspace_id: str) -> set[str]:
        """Read the open-task entries only: the cost grows with the open tasks, not the workspace."""
        open_entries = TaskEntryItem.sk.startswith(state_family(False))
        items = TaskEntryItem.query(workspace_pk(workspace_id), open_entries, consistent_read=True,
                                    attributes_to_get=["contactId"])
        return {i.contactId for i in items}

    def _count(self, pk: str, states: list[bool]) -> int:
        try:
            stats = TaskStatsItem.get(pk, STATS_SK, consistent_read=True)
        except DoesNotExist:
            return 0
        counts = {False: int(stats.open or 0), True: int(stats.done or 0)}
        return sum(max(counts[s], 0) for s in states)

    def _entries(self, pk: str, family: str, query: TaskQuery, limit: int | None, after: str | None = None,
                 forward: bool = True, page_size: int | None = None) -> Iterator[TaskEntryItem]:
        """A family's entries within the query's due bounds, lazily, from just past the position ``after``."""
        low = family + due_key(query.due_after) if query.due_after else family
        high = family + (due_key(query.due_before) + "#" + HIGH if query.due_before else HIGH)
        if after is not None:  # the bounds are inclusive: the entry at ``after`` itself is dropped below
            low, high = (max(low, family + after), high) if forward else (low, min(high, family + after))
        if low > high:
            return iter(())
        condition = TaskEntryItem.sk.between(low, high) if low != family or high != family + HIGH \
            else TaskEntryItem.sk.startswith(family)
        items = TaskEntryItem.query(pk, condition, consistent_read=True, limit=limit, scan_index_forward=forward,
                                    page_size=page_size)
        return (item for item in items if after is None or _tail(item) != after)

    def _merged(self, pk: str, families: list[str], query: TaskQuery, limit: int | None) -> list[TaskEntryItem]:
        """Entries of several families in one (due date, id) order: each family is already sorted. ``limit``
        None: every entry (filtered listings are exact, never cut short)."""
        streams = [self._entries(pk, family, query, limit) for family in families]
        if len(streams) == 1:
            return list(streams[0])[:limit]

        return list(heapq.merge(*streams, key=_tail))[:limit]

    # ------------------------------------------------------------ writes
    def add(self, task: Task) -> Task:
        return self._save(None, task)

    def update(self, old: Task, new: Task) -> Task:
        return self._save(old, new)

    def remove(self, task: Task) -> None:
        # version condition added by pynamodb
        commit([delete(task_to_item(task)), *task_write_operations(task, None),
                *summary_operations(task.workspace_id, [task], [])])

    def remove_many(self, tasks: list[Task]) -> None:
        """Delete several tasks in one transaction (at most 24: four items each plus the counters and
        one summary per contact, so tasks of one contact)."""
        if not tasks:
            return
        pk = workspace_pk(tasks[0].workspace_id)
        ops: list[Operation] = []
        for task in tasks:
            ops.append(delete(task_to_item(task)))  # version condition added by pynamodb
            ops += [delete(TaskEntryItem(pk, key)) for key in entry_keys(task)]
        done = sum(1 for t in tasks if t.completed)
        ops.append(_stats_update(pk, -(len(tasks) - done), -done))
        ops += summary_operations(tasks[0].workspace_id, tasks, [])
        commit(ops)

    def _save(self, old: Task | None, new: Task) -> Task:
        item = task_to_item(new)
        summaries = summary_operations(new.workspace_id, [old] if old else [], [new])
        commit([save(item), *task_write_operations(old, new), *summaries])  # version condition added by pynamodb
        return item_to_task(item, new.workspace_id)


def _preview(task: Task) -> TaskPreview:
    return TaskPreview(task.id, task.title, task.due_date)


def summary_operations(workspace_id: str, removed: list[Task], added: list[Task]) -> list[Operation]:
    """The summaries of the contacts whose open tasks this write changes, rewritten with the write applied.

    Reads first (the summary, then as many open entries as the new summary may need), so a concurrent task
    write of the same contact fails the summary's version condition and is retried by the service.
    """
    gone = [t for t in removed if not t.completed]
    come = [t for t in added if not t.completed]
    if [(t.contact_id, _preview(t)) for t in gone] == [(t.contact_id, _preview(t)) for t in come]:
        return []  # nothing a summary shows changed (e.g. a description edit, or a completed task's)
    contacts = dict.fromkeys(t.contact_id for t in [*gone, *come])
    return [op for contact_id in contacts for op in _summary_operation(
        workspace_id, contact_id, [t for t in gone if t.contact_id == contact_id],
        [t for t in come if t.contact_id == contact_id])]


def _summary_operation(workspace_id: str, contact_id: str, gone: list[Task], come: list[Task]) -> list[Operation]:
    pk, sk = workspace_pk(workspace_id), _summary_sk(contact_id)
    try:
        current: TaskSummaryItem | None = TaskSummaryItem.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        current = None
    family = contact_family(contact_id, False)
    # With a summary the count moves by the change and the next few entries suffice; without one (no open
    # task yet, or data written before summaries existed) every open entry is read and counted.
    limit = SUMMARY_SIZE + len(gone) + 1 if current is not None else None
    entries = TaskEntryItem.query(pk, TaskEntryItem.sk.startswith(family), consistent_read=True, limit=limit,
                                  attributes_to_get=["sk", "taskId"])
    leaving = {t.id for t in gone} | {t.id for t in come}
    # (due key, task id) orders as the entries do
    ordered = {e.taskId: e.sk.removeprefix(family).split("#")[0] for e in entries if e.taskId not in leaving}
    if current is None:
        count = len(ordered) + len(come)
    else:
        count = int(current.open or 0) - len(gone) + len(come)
    ordered.update({t.id: due_key(t.due_date) for t in come})
    next_ids = sorted(ordered, key=lambda i: (ordered[i], i))[:SUMMARY_SIZE]
    titles = {p["id"]: p["title"] for p in (current.next or ())} if current is not None else {}
    titles.update({t.id: t.title for t in come})
    missing = [i for i in next_ids if i not in titles]
    if missing:  # a task moved up into the summary: its title is on its item
        titles.update((item.taskId, item.title) for item in TaskItem.batch_get(
            [(pk, _task_sk(i)) for i in missing], consistent_read=True, attributes_to_get=["taskId", "title"]))
    item = TaskSummaryItem(pk, sk, contactId=contact_id, open=max(count, 0),
                           next=[{"id": i, "title": titles.get(i, ""), "due": ordered[i]} for i in next_ids])
    if current is not None:
        item.version = current.version
    if count <= 0:
        return [delete(item)] if current is not None else []
    return [save(item)]  # version condition added by pynamodb

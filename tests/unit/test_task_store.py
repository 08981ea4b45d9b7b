"""Task keys and transactions (contacthub.store.tasks): order, families, and the 100-item bound."""
from datetime import datetime, timedelta, timezone

from contacthub.domain.task import MAX_DUE, MIN_DUE, Task, TaskKind, TaskType
from contacthub.services.tasks import SWEEP_BATCH
from contacthub.store.repositories import MAX_TRANSACTION_ITEMS
from contacthub.store.tasks import due_key, entry_keys, task_write_operations

CONTACT = "123e4567-e89b-12d3-a456-426614174000"
TASK = "323e4567-e89b-12d3-a456-426614174000"
NOW = datetime(2025, 3, 1, tzinfo=timezone.utc)


def task(**changes) -> Task:
    base = Task("ws", TASK, CONTACT, "Appeler", TaskType.CALL, TaskKind.MANUAL, None, None,
                datetime(2025, 3, 20, 10, tzinfo=timezone.utc), False, None, NOW, NOW, 1)
    return base.with_changes(**changes)


def test_due_keys_sort_like_the_times_they_encode():
    moments = [MIN_DUE, datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
               datetime(2025, 3, 20, 9, 59, 59, 999999, tzinfo=timezone.utc),
               datetime(2025, 3, 20, 12, tzinfo=timezone(timedelta(hours=2))),  # 10:00 UTC
               datetime(2025, 3, 20, 10, 0, 0, 1, tzinfo=timezone.utc), MAX_DUE - timedelta(microseconds=1)]
    keys = [due_key(m) for m in moments]
    assert keys == sorted(keys) and len({len(k) for k in keys}) == 1
    assert keys[3] == "2025-03-20T10:00:00.000000"


def test_a_task_has_one_entry_per_listing():
    assert entry_keys(task()) == [
        f"CTASK#{CONTACT}#0#2025-03-20T10:00:00.000000#{TASK}",
        f"TSTATE#0#2025-03-20T10:00:00.000000#{TASK}",
        f"TTYPE#call#0#2025-03-20T10:00:00.000000#{TASK}",
    ]
    assert all("#1#" in k for k in entry_keys(task(completed=True)))


def test_writes_touch_only_what_changed():
    # create: 3 entries + contact condition + counters (the task's own put comes on top)
    assert len(task_write_operations(None, task(version=None))) == 5
    # a title change: only the contact condition
    assert len(task_write_operations(task(), task(title="Rappeler"))) == 1
    # completing: 3 entries out, 3 in, the contact condition, the counters
    assert len(task_write_operations(task(), task(completed=True, completed_at=NOW))) == 8
    # a type change keeps the contact and state keys but rewrites them (they carry the type)
    assert len(task_write_operations(task(), task(type=TaskType.EMAIL))) == 1 + 3 + 1
    # delete: 3 entries + counters (the task's own delete comes on top)
    assert len(task_write_operations(task(), None)) == 4


def test_the_largest_writes_fit_one_transaction():
    everything = task(completed=True, contact_id=TASK, type=TaskType.EMAIL)
    largest_single = 1 + len(task_write_operations(task(), everything))
    assert largest_single <= MAX_TRANSACTION_ITEMS
    assert SWEEP_BATCH * 4 + 1 <= MAX_TRANSACTION_ITEMS  # remove_many: task + 3 entries each, + counters

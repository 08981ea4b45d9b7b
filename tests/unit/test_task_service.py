"""TaskService on an in-memory repository: completion rules, contact checks, orphans, batching."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fakes import InMemoryTasks

from contacthub.domain.errors import Conflict, NotFound, ValidationFailed
from contacthub.domain.task import TaskPage, TaskQuery, TaskType
from contacthub.services.tasks import SWEEP_BATCH, TaskService

WS, OTHER_WS = "ws-1", "ws-2"
ANNA = "11111111-1111-4111-8111-111111111111"
BOB = "22222222-2222-4222-8222-222222222222"
THEIRS = "33333333-3333-4333-8333-333333333333"  # a contact of OTHER_WS


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 1, 9, tzinfo=timezone.utc)

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def repo():
    return InMemoryTasks({(WS, ANNA), (WS, BOB), (OTHER_WS, THEIRS)}, sweep_batch=SWEEP_BATCH)


@pytest.fixture
def service(repo):
    return TaskService(repo, clock=Clock())


def new_task(service, contact=ANNA, due="2025-03-20T10:00:00Z", **fields):
    return service.create(WS, {"contact_id": contact, "title": "Appeler pour suivi", "due_date": due,
                               **fields})


def test_create_needs_a_contact_of_the_same_workspace(service, repo):
    # Given contacts in two workspaces
    # When a task names the other workspace's contact, or an unknown one
    for contact in (THEIRS, "44444444-4444-4444-8444-444444444444", "nope"):
        with pytest.raises(ValidationFailed) as caught:
            new_task(service, contact=contact)
        # Then it is refused on contact_id and nothing is stored
        assert [v.path for v in caught.value.violations] == ["contact_id"]
    assert repo.tasks == {}


def test_create_completed_sets_completed_at(service):
    task = new_task(service, completed=True, type="call")
    assert task.completed and task.completed_at == task.created_at and task.type is TaskType.CALL
    assert new_task(service).completed_at is None


def test_complete_then_reopen(service):
    task = new_task(service)
    done = service.complete(WS, task.id)
    assert done.completed and done.completed_at is not None
    # completing again keeps the first completion time
    assert service.complete(WS, task.id).completed_at == done.completed_at
    reopened = service.reopen(WS, task.id)
    assert not reopened.completed and reopened.completed_at is None
    assert reopened.version == 3  # the no-op completion wrote nothing


def test_update_changes_only_given_fields(service):
    task = new_task(service, description="Relance après meeting salon", payload={"k": 1})
    changed = service.update(WS, task.id, {"title": "Rappeler", "payload": None})
    assert changed.title == "Rappeler" and changed.payload is None
    assert changed.description == task.description and changed.due_date == task.due_date
    assert changed.updated_at > task.updated_at and changed.created_at == task.created_at


def test_moving_a_task_checks_the_new_contact(service):
    task = new_task(service)
    assert service.update(WS, task.id, {"contact_id": BOB}).contact_id == BOB
    with pytest.raises(ValidationFailed):
        service.update(WS, task.id, {"contact_id": THEIRS})
    assert service.get(WS, task.id).contact_id == BOB


def test_a_lost_race_is_replayed_on_the_fresh_copy(service, repo):
    task = new_task(service)
    repo.fail_next_update = 1
    assert service.update(WS, task.id, {"title": "Retry me"}).title == "Retry me"
    repo.fail_next_update = 5
    with pytest.raises(Conflict):
        service.update(WS, task.id, {"title": "Never"})


def test_other_workspace_and_bad_ids_are_not_found(service):
    task = new_task(service)
    for ws, task_id in ((OTHER_WS, task.id), (WS, "nope"), (WS, "55555555-5555-4555-8555-555555555555")):
        with pytest.raises(NotFound):
            service.get(ws, task_id)
        with pytest.raises(NotFound):
            service.update(ws, task_id, {"title": "x"})
        with pytest.raises(NotFound):
            service.delete(ws, task_id)
    assert service.get(WS, task.id.upper()) == task  # ids are case-insensitive, like UUIDs


def test_tasks_of_a_deleted_contact_are_hidden_then_swept(service, repo):
    # Given tasks of two contacts, and ANNA deleted without her tasks (an interrupted delete)
    kept = new_task(service, contact=BOB)
    orphan = new_task(service, contact=ANNA, due="2025-03-01T00:00:00Z")
    repo.contacts.discard((WS, ANNA))
    # Then her task is not served, not counted, and reading it sweeps it away
    with pytest.raises(NotFound):
        service.get(WS, orphan.id)
    page = service.search(WS, TaskQuery(), 0, 10)
    assert page.items == [kept] and page.total == 1
    assert (WS, orphan.id) not in repo.tasks
    assert service.contacts_with_open_tasks(WS) == {BOB}


def test_delete_for_contact_works_in_bounded_batches(service, repo):
    for i in range(2 * SWEEP_BATCH + 5):
        new_task(service, due=f"2025-03-20T10:{i % 60:02d}:00Z")
    new_task(service, contact=BOB)
    assert service.delete_for_contact(WS, ANNA) == 2 * SWEEP_BATCH + 5
    assert repo.remove_many_calls == 3
    assert [t.contact_id for t in repo.tasks.values()] == [BOB]
    assert service.delete_for_contact(WS, "nope") == 0


def test_deleting_a_contacts_tasks_reports_a_failure_to_the_caller(service, repo):
    new_task(service)
    repo.remove_many = lambda tasks: (_ for _ in ()).throw(Conflict("busy"))
    with pytest.raises(Conflict):  # ContactService logs it and leaves the contact's cleanup to its sweep
        service.delete_for_contact(WS, ANNA)


def test_search_orders_by_due_date_and_filters(service):
    for contact, due, kind, done in ((ANNA, "2025-03-22", "call", False), (ANNA, "2025-03-20", "email", True),
                                     (BOB, "2025-03-21", "call", False), (BOB, "2025-03-19", "call", True)):
        new_task(service, contact=contact, due=due, type=kind, completed=done)

    def days(query, offset=0, limit=10):
        return [t.due_date.day for t in service.search(WS, query, offset, limit).items]

    assert days(TaskQuery()) == [19, 20, 21, 22]
    assert days(TaskQuery(completed=False)) == [21, 22]
    assert days(TaskQuery(contact_id=ANNA.upper())) == [20, 22]
    assert days(TaskQuery(type=TaskType.CALL, completed=True)) == [19]
    assert days(TaskQuery(due_after=datetime(2025, 3, 20, tzinfo=timezone.utc),
                          due_before=datetime(2025, 3, 21, tzinfo=timezone.utc))) == [20, 21]
    assert days(TaskQuery(), offset=1, limit=2) == [20, 21]
    assert service.search(WS, TaskQuery(), 1, 2).total == 4
    assert service.search(WS, TaskQuery(contact_id="nope"), 0, 10) == TaskPage([], 0)
    assert service.search(OTHER_WS, TaskQuery(), 0, 10) == TaskPage([], 0)


def test_loaders_get_every_key_in_due_order(service):
    later = new_task(service, due="2025-03-25T10:00:00Z")
    sooner = new_task(service, due="2025-03-21T10:00:00Z")
    new_task(service, due="2025-03-01T10:00:00Z", completed=True)
    unknown = "66666666-6666-4666-8666-666666666666"
    open_tasks = service.open_tasks_for_contacts(WS, [ANNA, BOB, unknown, THEIRS, "nope"])
    assert open_tasks == {ANNA: [sooner, later], BOB: [], unknown: [], THEIRS: [], "nope": []}
    every = service.tasks_for_contacts(WS, [ANNA], TaskQuery(completed=True))
    assert [t.completed for t in every[ANNA]] == [True]
    assert len(service.tasks_for_contacts(WS, [ANNA], None)[ANNA]) == 3
    assert service.contacts_with_open_tasks(WS) == {ANNA}

"""ContactService on the in-memory fakes: names, conflicts, listings, catalogues and the delete cleanup."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from fakes import InMemoryContacts, InMemoryStates

from contacthub.domain.errors import Conflict, NotFound, ValidationFailed
from contacthub.domain.pipeline import PipelineState
from contacthub.ports import ContactQuery
from contacthub.services import retry
from contacthub.services.contacts import ContactService

WS, OTHER_WS = "ws-1", "ws-2"


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 1, 9, tzinfo=timezone.utc)

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(retry.time, "sleep", lambda seconds: None)


@pytest.fixture
def repo():
    return InMemoryContacts()


@pytest.fixture
def states():
    return InMemoryStates()


@pytest.fixture
def cleaned():
    return []


@pytest.fixture
def open_tasks():
    return set()


@pytest.fixture
def service(repo, states, cleaned, open_tasks):
    return ContactService(repo, states, clock=Clock(),
                          cleanups=(lambda ws, cid: cleaned.append((ws, cid)),),
                          open_task_contacts=lambda ws: set(open_tasks))


def test_create_derives_names_and_numbers_per_workspace(service):
    ada = service.create(WS, {"name": "Ada Lovelace"})
    assert (ada.first_name, ada.last_name, ada.number, ada.version) == ("Ada", "Lovelace", 1, 1)
    grace = service.create(WS, {"first_name": "Grace", "last_name": "Hopper"})
    assert (grace.name, grace.number) == ("Grace Hopper", 2)
    assert service.create(OTHER_WS, {"emails": ["x@y.example"]}).name == "x@y.example"
    with pytest.raises(ValidationFailed):
        service.create(WS, {"company": "No name"})


def test_get_accepts_any_case_and_stays_in_its_workspace(service):
    ada = service.create(WS, {"name": "Ada"})
    assert service.get(WS, ada.id.upper()) == ada
    for ws, key in ((OTHER_WS, ada.id), (WS, "not-a-uuid"), (WS, str(uuid.uuid4()))):
        with pytest.raises(NotFound):
            service.get(ws, key)
    assert service.get_by_number(WS, 1) == ada
    with pytest.raises(NotFound):
        service.get_by_number(WS, 0)


def test_get_many_keys_the_answer_as_asked_and_skips_the_unknown(service):
    ada = service.create(WS, {"name": "Ada"})
    found = service.get_many(WS, [ada.id.upper(), "nope", str(uuid.uuid4())])
    assert found == {ada.id.upper(): ada}
    assert service.get_many(OTHER_WS, [ada.id]) == {}


def test_a_lost_race_is_replayed_on_the_fresh_copy(service, repo):
    ada = service.create(WS, {"name": "Ada", "tags": ["a"]})
    repo.fail_next_commit = 2  # two other writers win in turn
    updated = service.add_tags(WS, ada.id, ["b"])
    assert updated.tags == ("a", "b") and updated.version == 2


def test_conflicts_give_up_after_the_retry_budget(service, repo):
    ada = service.create(WS, {"name": "Ada"})
    repo.fail_next_commit = retry.MAX_ATTEMPTS
    with pytest.raises(Conflict):
        service.update(WS, ada.id, {"company": "X"})
    assert service.get(WS, ada.id).company is None


def test_a_failed_if_match_is_not_replayed(service, repo):
    ada = service.create(WS, {"name": "Ada"})
    writes = []
    original = repo.update
    repo.update = lambda old, new, also=(): writes.append(new) or original(old, new, also)
    with pytest.raises(Conflict, match="modified since"):
        service.update(WS, ada.id, {"company": "X"}, expected_version=ada.version + 1)
    assert writes == []
    assert service.update(WS, ada.id, {"company": "X"}, expected_version=ada.version).company == "X"


def test_pipeline_state_must_exist(service, states):
    state = states.save(PipelineState(WS, str(uuid.uuid4()), 1, "New", "#000000", 0))
    ada = service.create(WS, {"name": "Ada", "pipeline_state_id": state.id})
    assert ada.pipeline_state_id == state.id
    with pytest.raises(ValidationFailed):
        service.set_pipeline_state(WS, ada.id, str(uuid.uuid4()))


def test_delete_runs_the_cleanups_after_the_commit_and_clears_the_marker(service, repo, cleaned):
    ada = service.create(WS, {"name": "Ada"})
    repo.fail_next_commit = 1  # the delete itself lost a race once: replayed, cleanups run once
    assert service.delete(WS, ada.id).id == ada.id
    assert cleaned == [(WS, ada.id)]
    assert repo.pending_cleanups(WS, 10) == []
    with pytest.raises(NotFound):
        service.delete(WS, ada.id)


def test_a_failed_cleanup_never_fails_the_delete_and_the_sweep_finishes_it(repo, states, caplog):
    calls = []
    failing = {"tasks": True}

    def tasks_cleanup(ws, cid):
        calls.append(("tasks", cid))
        if failing["tasks"]:
            raise RuntimeError("interrupted")

    service = ContactService(repo, states, cleanups=(tasks_cleanup, lambda ws, cid: calls.append(("emails", cid))))
    ada = service.create(WS, {"name": "Ada"})
    # Given a cleanup that fails after the delete committed
    assert service.delete(WS, ada.id).id == ada.id
    # Then the contact is gone, the failure is logged, and the cleanup stays pending
    assert repo.get(WS, ada.id) is None
    assert "left pending" in caplog.text
    assert repo.pending_cleanups(WS, 10) == [ada.id]
    assert calls == [("tasks", ada.id)]
    # When the sweep runs while the failure lasts, nothing is lost
    assert service.sweep_deleted(WS) == 0
    # And once it passes, the sweep runs every cleanup and clears the marker
    failing["tasks"] = False
    assert service.sweep_deleted(WS) == 1
    assert calls[-2:] == [("tasks", ada.id), ("emails", ada.id)]
    assert repo.pending_cleanups(WS, 10) == [] and service.sweep_deleted(WS) == 0


def test_search_pages_by_offset_and_by_cursor_and_answers_any_depth(service):
    for i in range(5):
        service.create(WS, {"name": f"Person {i}"})
    page = service.search(WS, ContactQuery(), offset=1, limit=2, with_total=True)
    assert [c.name for c in page.items] == ["Person 3", "Person 2"] and page.total == 5
    assert service.search(WS, ContactQuery(name="person 4"), with_total=True).total == 1
    assert service.search(WS, ContactQuery()).total is None  # computed only when asked
    following = service.search(WS, ContactQuery(), limit=2, cursor=page.next)
    assert [c.name for c in following.items] == ["Person 1", "Person 0"] and following.next is None
    assert service.search(WS, ContactQuery(), offset=1_000_000, limit=1).items == []


def test_a_cursor_is_bound_to_its_workspace_and_query(service):
    for i in range(3):
        service.create(WS, {"name": f"Person {i}"})
    cursor = service.search(WS, ContactQuery(), limit=1).next
    assert cursor
    for workspace, query in ((OTHER_WS, ContactQuery()), (WS, ContactQuery(name="person"))):
        with pytest.raises(ValidationFailed) as refused:
            service.search(workspace, query, limit=1, cursor=cursor)
        assert refused.value.violations[0].path == "cursor"
    with pytest.raises(ValidationFailed) as refused:
        service.search(WS, ContactQuery(), limit=1, cursor="not-a-cursor", cursor_field="after")
    assert refused.value.violations[0].path == "after"


def test_search_orders_and_filters_on_open_tasks(service, open_tasks):
    people = [service.create(WS, {"name": f"Person {i}"}) for i in range(4)]
    open_tasks.update({people[1].id, people[3].id})

    def names(query, offset, limit, **options):
        page = service.search(WS, query, offset, limit, with_total=True, **options)
        return [c.name for c in page.items], page.total

    assert names(ContactQuery(), 0, 2, newest_first=False) == (["Person 0", "Person 1"], 4)
    assert names(ContactQuery(), 0, 10, has_open_tasks=True) == (["Person 3", "Person 1"], 2)
    assert names(ContactQuery(), 0, 10, newest_first=False, has_open_tasks=False) == (["Person 0", "Person 2"], 2)
    assert names(ContactQuery(name="person"), 1, 10, has_open_tasks=False) == (["Person 0"], 2)
    assert names(ContactQuery(), 0, 0) == ([], 4)  # the total alone


def test_catalogues_come_sorted_from_the_service(service):
    service.create(WS, {"name": "A", "tags": ["beta", "Alpha"], "location": {"id": "paris", "title": "Paris"}})
    service.create(WS, {"name": "B", "tags": ["alpha2"], "location": {"id": "paris", "title": "Paris"}})
    assert [(t.tag, t.count) for t in service.tag_counts(WS)] == [("Alpha", 1), ("alpha2", 1), ("beta", 1)]
    assert [(loc.id, loc.count) for loc in service.location_counts(WS)] == [("paris", 2)]
    assert service.tag_counts(OTHER_WS) == []


def test_extend_and_activity(service):
    ada = service.create(WS, {"name": "Ada", "notes": "first"})
    assert service.extend(WS, ada.id, " second ").notes == "first\nsecond"
    with pytest.raises(ValidationFailed):
        service.extend(WS, ada.id, "x", field="name")
    assert service.record_activity(WS, ada.id).last_activity_at > ada.last_activity_at

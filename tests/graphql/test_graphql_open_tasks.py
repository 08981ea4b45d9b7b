"""A contact's open tasks as lists show them: a summary kept in every task write's transaction, read with
the page (no read per contact), exact the moment a write returns."""
from __future__ import annotations

import pytest

from contacthub.domain.task import SUMMARY_SIZE

OPEN_TASKS = """query($id: ID!, $first: Int!) {
  contact(id: $id) { openTasks(first: $first) { totalCount nodes { id title dueDate task { id completed } } } }
}"""


@pytest.fixture
def contact_id(gql) -> str:
    return gql.mutate("createContact", {"name": "Marie Dubois"})["contact"]["id"]


def add_task(gql, contact_id: str, title: str, due: str, **fields) -> str:
    payload = gql.mutate("createTask", {"contactId": contact_id, "title": title, "dueDate": due, **fields},
                         "task { id }")
    assert payload["error"] is None, payload["error"]
    return payload["task"]["id"]


def open_tasks(gql, contact_id: str, first: int = SUMMARY_SIZE) -> tuple[int, list[str]]:
    found = gql.data(OPEN_TASKS, {"id": contact_id, "first": first})["contact"]["openTasks"]
    assert all(n["task"]["id"] == n["id"] and n["task"]["completed"] is False for n in found["nodes"])
    return found["totalCount"], [n["title"] for n in found["nodes"]]


def test_summary_follows_every_task_write(gql, contact_id):
    # Given five open tasks and a completed one, created out of due-date order
    ids = {title: add_task(gql, contact_id, title, due) for title, due in
           [("C", "2030-01-03T09:00:00Z"), ("A", "2030-01-01T09:00:00Z"), ("E", "2030-01-05T09:00:00Z"),
            ("B", "2030-01-02T09:00:00Z"), ("D", "2030-01-04T09:00:00Z")]}
    add_task(gql, contact_id, "Done", "2029-01-01T09:00:00Z", completed=True)
    # Then the count is exact and the first ones come by due date
    assert open_tasks(gql, contact_id) == (5, ["A", "B", "C"])
    # When the first is completed, the next one moves up (its title read from its task)
    gql.mutate("completeTask", {"id": ids["A"]}, "task { id }")
    assert open_tasks(gql, contact_id) == (4, ["B", "C", "D"])
    # When one is renamed and moved later, and another deleted
    gql.mutate("updateTask", {"id": ids["B"], "title": "B2", "dueDate": "2030-02-01T09:00:00Z"}, "task { id }")
    gql.mutate("deleteTask", {"id": ids["C"]}, "deletedTaskId")
    assert open_tasks(gql, contact_id) == (3, ["D", "E", "B2"])
    # When the completed one is reopened
    gql.mutate("reopenTask", {"id": ids["A"]}, "task { id }")
    assert open_tasks(gql, contact_id) == (4, ["A", "D", "E"])


def test_more_than_the_summary_reads_the_contact_entries(gql, contact_id):
    for day in range(1, 6):
        add_task(gql, contact_id, f"T{day}", f"2030-01-0{day}T09:00:00Z")
    assert open_tasks(gql, contact_id, first=5) == (5, ["T1", "T2", "T3", "T4", "T5"])
    assert open_tasks(gql, contact_id, first=1) == (5, ["T1"])
    assert open_tasks(gql, contact_id, first=0) == (5, [])


def test_a_task_moved_to_another_contact_moves_between_summaries(gql, contact_id):
    other = gql.mutate("createContact", {"name": "Jean Martin"})["contact"]["id"]
    task = add_task(gql, contact_id, "Call", "2030-01-01T09:00:00Z")
    gql.mutate("updateTask", {"id": task, "contactId": other}, "task { id }")
    assert open_tasks(gql, contact_id) == (0, [])
    assert open_tasks(gql, other) == (1, ["Call"])


def test_a_contact_without_tasks_has_an_empty_summary(gql, contact_id):
    assert open_tasks(gql, contact_id) == (0, [])
    found = gql("{ contact(id: \"%s\") { openTasks(first: 101) { totalCount } } }" % contact_id).json
    assert found["errors"][0]["message"] == "`first` must be between 0 and 100"

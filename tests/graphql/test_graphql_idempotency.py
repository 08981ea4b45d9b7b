"""GraphQL: idempotencyKey on the mutations that create, expectedVersion on updates and deletes."""
from __future__ import annotations

import threading

from contacthub.ports import ContactQuery
from contacthub.services.contacts import ContactService

CREATE = """mutation($input: CreateContactInput!, $key: String) {
  createContact(input: $input, idempotencyKey: $key) {
    contact { id name version }
    error { __typename ...on Error { message } ...on ValidationError { violations { path code } } }
  }
}"""
KEY = "0f1e2d3c-create-ada"


def _count(services, workspace) -> int:
    return services.contacts.search(workspace.workspace.id, ContactQuery(), 0, 100, with_total=True).total


def test_create_contact_with_a_key_runs_once_and_replays_the_payload(gql, services, workspace):
    first = gql.data(CREATE, {"input": {"name": "Ada Lovelace"}, "key": KEY})["createContact"]
    again = gql.data(CREATE, {"input": {"name": "Ada Lovelace"}, "key": KEY})["createContact"]
    assert first["error"] is None and again == first
    assert _count(services, workspace) == 1


def test_a_key_reused_with_another_input_is_a_validation_error(gql, services, workspace):
    gql.data(CREATE, {"input": {"name": "Ada Lovelace"}, "key": KEY})
    reused = gql.data(CREATE, {"input": {"name": "Grace Hopper"}, "key": KEY})["createContact"]
    assert reused["contact"] is None
    assert reused["error"]["__typename"] == "ValidationError"
    assert reused["error"]["violations"] == [{"path": "idempotencyKey", "code": "idempotency_key_reused"}]
    assert _count(services, workspace) == 1


def test_a_retry_while_the_first_runs_is_a_conflict(gql, services, workspace, monkeypatch):
    create = ContactService.create
    during: list = []

    def retry() -> None:
        during.append(gql.data(CREATE, {"input": {"name": "Ada"}, "key": KEY})["createContact"])

    def slow_create(self, *args, **kwargs):
        # The retry arrives while the first holds its key; it runs on a thread of its own (its own event loop).
        if not during:
            thread = threading.Thread(target=retry)
            thread.start()
            thread.join()
        return create(self, *args, **kwargs)

    monkeypatch.setattr(ContactService, "create", slow_create)
    first = gql.data(CREATE, {"input": {"name": "Ada"}, "key": KEY})["createContact"]
    assert first["error"] is None
    assert during[0]["error"]["__typename"] == "ConflictError" and during[0]["contact"] is None
    assert _count(services, workspace) == 1


def test_keys_are_per_workspace_and_without_a_key_every_call_creates(gql, other_gql, services, workspace):
    mine = gql.data(CREATE, {"input": {"name": "Ada"}, "key": KEY})["createContact"]
    theirs = other_gql.data(CREATE, {"input": {"name": "Ada"}, "key": KEY})["createContact"]
    assert theirs["error"] is None and theirs["contact"]["id"] != mine["contact"]["id"]
    gql.data(CREATE, {"input": {"name": "Ada"}})
    gql.data(CREATE, {"input": {"name": "Ada"}})
    assert _count(services, workspace) == 3


def test_a_failed_create_keeps_no_key(gql, services, workspace):
    bad = gql.data(CREATE, {"input": {"emails": ["not an email"]}, "key": KEY})["createContact"]
    assert bad["error"]["__typename"] == "ValidationError"
    fixed = gql.data(CREATE, {"input": {"emails": ["not an email"]}, "key": KEY})["createContact"]
    assert fixed["error"]["__typename"] == "ValidationError"  # ran again, not replayed from a stored failure
    assert _count(services, workspace) == 0


def test_create_task_and_pipeline_state_take_a_key(gql, services, workspace):
    contact = gql.data(CREATE, {"input": {"name": "Ada"}})["createContact"]["contact"]
    task = """mutation($input: CreateTaskInput!) { createTask(input: $input, idempotencyKey: "t-1") {
      task { id } error { __typename } } }"""
    variables = {"input": {"contactId": contact["id"], "title": "Call", "dueDate": "2030-01-01T09:00:00Z"}}
    assert gql.data(task, variables) == gql.data(task, variables)
    assert services.tasks.search(workspace.workspace.id, _all_tasks(), 0, 10).total == 1
    state = """mutation { createPipelineState(input: {name: "Won"}, idempotencyKey: "s-1") {
      pipelineState { id name } error { __typename } } }"""
    assert gql.data(state) == gql.data(state)
    assert [s.name for s in services.pipeline.list(workspace.workspace.id)].count("Won") == 1


def _all_tasks():
    from contacthub.domain.task import TaskQuery

    return TaskQuery()


VERSIONED = "error { __typename ...on VersionConflict { currentVersion message } }"


def test_expected_version_on_delete_and_task_mutations(gql, services, workspace, snapshot):
    ws = workspace.workspace.id
    contact = services.contacts.create(ws, {"name": "Ada"})
    task = services.tasks.create(ws, {"contact_id": contact.id, "title": "Call",
                                      "due_date": "2030-01-01T09:00:00+00:00"})
    before = snapshot(workspace)
    stale_delete = gql.mutate("deleteContact", {"id": contact.id, "expectedVersion": contact.version + 1},
                              f"deletedContactId {VERSIONED}")
    assert stale_delete["deletedContactId"] is None
    assert stale_delete["error"] == {"__typename": "VersionConflict", "currentVersion": contact.version,
                                     "message": stale_delete["error"]["message"]}
    for mutation, extra in (("updateTask", {"title": "Lost"}), ("completeTask", {}), ("reopenTask", {})):
        stale = gql.mutate(mutation, {"id": task.id, "expectedVersion": task.version + 5, **extra},
                           f"task {{ id }} {VERSIONED}")
        assert stale["error"]["__typename"] == "VersionConflict", mutation
        assert stale["error"]["currentVersion"] == task.version
    stale_task_delete = gql.mutate("deleteTask", {"id": task.id, "expectedVersion": 99},
                                   f"deletedTaskId {VERSIONED}")
    assert stale_task_delete["error"]["__typename"] == "VersionConflict"
    assert snapshot(workspace) == before
    done = gql.mutate("completeTask", {"id": task.id, "expectedVersion": task.version}, "task { id completed }")
    assert done["error"] is None and done["task"]["completed"] is True
    gone = gql.mutate("deleteContact", {"id": contact.id, "expectedVersion": contact.version}, "deletedContactId")
    assert gone["error"] is None and gone["deletedContactId"] == contact.id

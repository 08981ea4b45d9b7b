"""Tenants are walled off: another workspace's contacts, tasks and states can't be read or changed via GraphQL."""
from __future__ import annotations

import pytest


@pytest.fixture
def victim(gql):
    """A contact with a task, tags, a location and a pipeline state, in the first workspace."""
    state = gql.data("{ pipelineStates { id } }")["pipelineStates"][1]
    contact = gql.mutate("createContact", {"name": "Secret Person", "emails": ["secret@acme.example"],
                                           "phones": ["+33 6 55 44 33 22"], "company": "Hidden Corp",
                                           "tags": ["Confidential"], "location": {"id": "vault"},
                                           "pipelineStateId": state["id"]}, "contact { id number }")["contact"]
    task = gql.mutate("createTask", {"contactId": contact["id"], "title": "Secret call",
                                     "dueDate": "2030-01-01T00:00:00Z"}, "task { id }")["task"]
    return {"contact": contact, "task": task, "state": state}


def test_reads_by_id_search_and_catalogues_see_nothing(gql, other_gql, victim):
    cid, tid, sid = victim["contact"]["id"], victim["task"]["id"], victim["state"]["id"]
    probe = other_gql.data("""query($c: ID!, $t: ID!, $s: ID!) {
        contact(id: $c) { id } task(id: $t) { id } pipelineState(id: $s) { id }
        tags { name } locations { id }
        me { workspace { name contactCount } }
    }""", {"c": cid, "t": tid, "s": sid})
    assert probe["contact"] is None and probe["task"] is None and probe["pipelineState"] is None
    assert probe["tags"] == [] and probe["locations"] == []
    assert probe["me"]["workspace"] == {"name": "Globex", "contactCount": 0}
    for search, filter in [("secret", None), ("secret@acme", None), ("0655443322", None), (None, {"company": "hidden"}),
                           (None, {"tags": ["Confidential"]}), (None, {"locationId": "vault"}),
                           (None, {"pipelineStateId": sid}), (None, {"hasOpenTasks": True}), (None, None)]:
        page = other_gql.data("query($s: String, $f: ContactFilter) { contacts(search: $s, filter: $f) "
                              "{ totalCount edges { node { id } } } }", {"s": search, "f": filter})["contacts"]
        assert page == {"totalCount": 0, "edges": []}, (search, filter)
    tasks = other_gql.data("query($c: ID) { tasks(filter: {contactId: $c}) { totalCount } all: tasks { totalCount } }",
                           {"c": cid})
    assert tasks["tasks"]["totalCount"] == 0 and tasks["all"]["totalCount"] == 0


def test_writes_on_another_workspace_fail_and_change_nothing(gql, other_gql, victim, workspace, snapshot):
    cid, tid, sid = victim["contact"]["id"], victim["task"]["id"], victim["state"]["id"]
    own_state = other_gql.data("{ pipelineStates { id } }")["pipelineStates"][0]["id"]
    own_contact = other_gql.mutate("createContact", {"name": "Mine"})["contact"]["id"]
    before = snapshot(workspace)
    attempts = [
        ("updateContact", {"id": cid, "name": "Hacked"}, "NotFoundError"),
        ("deleteContact", {"id": cid}, "NotFoundError"),
        ("extendContact", {"id": cid, "text": "pwned"}, "NotFoundError"),
        ("addTags", {"contactId": cid, "tags": ["pwned"]}, "NotFoundError"),
        ("removeTags", {"contactId": cid, "tags": ["Confidential"]}, "NotFoundError"),
        ("moveContactToPipelineState", {"contactId": cid, "pipelineStateId": own_state}, "NotFoundError"),
        ("moveContactToPipelineState", {"contactId": own_contact, "pipelineStateId": sid}, "ValidationError"),
        ("createContact", {"name": "Sneaky", "pipelineStateId": sid}, "ValidationError"),
        ("createTask", {"contactId": cid, "title": "x", "dueDate": "2030-01-01T00:00:00Z"}, "ValidationError"),
        ("updateTask", {"id": tid, "title": "Hacked"}, "NotFoundError"),
        ("updateTask", {"id": tid, "contactId": own_contact}, "NotFoundError"),
        ("completeTask", {"id": tid}, "NotFoundError"),
        ("reopenTask", {"id": tid}, "NotFoundError"),
        ("deleteTask", {"id": tid}, "NotFoundError"),
        ("renamePipelineState", {"id": sid, "name": "Hacked"}, "NotFoundError"),
        ("recolorPipelineState", {"id": sid, "color": "#000000"}, "NotFoundError"),
        ("reorderPipelineState", {"id": sid, "position": 0}, "NotFoundError"),
        ("deletePipelineState", {"id": sid}, "NotFoundError"),
    ]
    for field, input, kind in attempts:
        payload = other_gql.mutate(field, input, "__typename")
        assert payload["error"]["__typename"] == kind, (field, input, payload)
        assert snapshot(workspace) == before, (field, input)
    # The owner still sees everything as it was
    mine = gql.data("query($c: ID!) { contact(id: $c) { name tags { name } pipelineStateId tasks { title } } }",
                    {"c": cid})["contact"]
    assert mine == {"name": "Secret Person", "tags": [{"name": "Confidential"}], "pipelineStateId": sid,
                    "tasks": [{"title": "Secret call"}]}


def test_relations_never_cross_workspaces(gql, other_gql, victim):
    # A contact of the other workspace in the same state position resolves only its own state and tasks
    own_state = other_gql.data("{ pipelineStates { id } }")["pipelineStates"][1]["id"]
    other_gql.mutate("createContact", {"name": "Mine", "pipelineStateId": own_state})
    page = other_gql.data("{ contacts { edges { node { pipelineState { id } tasks { id } tags { contactCount } } } } }")
    node = page["contacts"]["edges"][0]["node"]
    assert node["pipelineState"]["id"] == own_state != victim["state"]["id"] and node["tasks"] == []

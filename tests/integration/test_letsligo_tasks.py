"""letsligo /api/contact_tasks through the real handler, API Gateway events and moto DynamoDB."""
from __future__ import annotations

import json

import boto3
import pytest

SEED_TASK = {"title": "Appeler pour suivi", "type": "call", "description": "Relance après meeting salon",
             "dueDate": "2025-03-20T10:00:00+00:00"}


@pytest.fixture
def contact(letsligo):
    return letsligo.post("/api/contacts", json={"name": "Marie Dubois", "company": "Acme Corp"}).json["@id"]


def add_task(letsligo, contact, **fields):
    reply = letsligo.post("/api/contact_tasks", json={**SEED_TASK, "contact": contact, **fields})
    assert reply.status == 201, reply.text
    return reply.json


def ids(reply) -> list[str]:
    return [m["@id"] for m in reply.json["hydra:member"]]


def partition(workspace) -> str:
    """Every stored item of the workspace (tasks, entries, counters, contacts): a Query, as JSON."""
    client = boto3.client("dynamodb")
    pages = client.get_paginator("query").paginate(
        TableName="test-crm", KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WS#{workspace.workspace.id}"}}, ConsistentRead=True)
    return json.dumps([item for page in pages for item in page["Items"]], sort_keys=True)


def test_seed_examples_work_as_written(letsligo, contact):
    # Given a task created from the seed's example values
    created = letsligo.post("/api/contact_tasks", json={**SEED_TASK, "contact": contact})
    # Then 201 with the item, its IRI in Location
    assert created.status == 201, created.text
    task = created.json
    assert created.headers["Location"] == task["@id"] and task["@id"].startswith("/api/contact_tasks/")
    assert task["@context"] == "/api/contexts/ContactTask" and task["@type"] == "ContactTask"
    assert {k: task[k] for k in SEED_TASK} == SEED_TASK and task["contact"] == contact
    assert task["taskKind"] == "manual" and task["payload"] is None
    assert task["completed"] is False and task["completedAt"] is None
    # When the seed's GET requests are sent
    listed = letsligo.get("/api/contact_tasks")
    item = letsligo.get(task["@id"])
    # Then the seed's shapes come back
    assert listed.status == 200 and item.status == 200
    assert {k: listed.json[k] for k in ("@context", "@id", "@type", "hydra:totalItems")} == {
        "@context": "/api/contexts/ContactTask", "@id": "/api/contact_tasks", "@type": "hydra:Collection",
        "hydra:totalItems": 1}
    member = listed.json["hydra:member"][0]
    assert "@context" not in member and {**member, "@context": task["@context"]} == task == item.json
    assert listed.headers["Content-Type"].startswith("application/ld+json")


def test_patch_completes_reopens_and_changes_only_what_is_sent(letsligo, contact):
    task = add_task(letsligo, contact, payload={"source": "fair"})
    done = letsligo.patch(task["@id"], json={"completed": True})
    assert done.status == 200, done.text
    assert done.json["completed"] is True and done.json["completedAt"].endswith("+00:00")
    assert {k: done.json[k] for k in ("title", "description", "dueDate", "payload", "contact")} == \
        {k: task[k] for k in ("title", "description", "dueDate", "payload", "contact")}
    again = letsligo.patch(task["@id"], json={"completed": True, "title": "Rappeler"})
    assert again.json["completedAt"] == done.json["completedAt"] and again.json["title"] == "Rappeler"
    reopened = letsligo.patch(task["@id"], json={"completed": False, "description": None})
    assert reopened.json["completed"] is False and reopened.json["completedAt"] is None
    assert reopened.json["description"] is None and letsligo.get(task["@id"]).json == reopened.json
    moved_due = letsligo.patch(task["@id"], json={"dueDate": "2025-04-01T09:30:00+02:00"},
                               headers={"Content-Type": "application/merge-patch+json"})
    assert moved_due.status == 200 and moved_due.json["dueDate"] == "2025-04-01T07:30:00+00:00"


def test_delete_is_204_then_404(letsligo, contact):
    task = add_task(letsligo, contact)
    assert letsligo.delete(task["@id"]).status == 204
    assert letsligo.get(task["@id"]).status == 404
    assert letsligo.delete(task["@id"]).status == 404
    assert letsligo.get("/api/contact_tasks").json["hydra:totalItems"] == 0


def test_list_filters_order_and_pages(letsligo, contact):
    other = letsligo.post("/api/contacts", json={"name": "Jean Martin"}).json["@id"]
    a = add_task(letsligo, contact, dueDate="2025-03-22T10:00:00Z", type="call")
    b = add_task(letsligo, contact, dueDate="2025-03-20T10:00:00Z", type="email", completed=True)
    c = add_task(letsligo, other, dueDate="2025-03-21T10:00:00Z", type="call")
    d = add_task(letsligo, other, dueDate="2025-03-19T10:00:00Z", type="meeting")
    # soonest first, whatever the state
    assert ids(letsligo.get("/api/contact_tasks")) == [d["@id"], b["@id"], c["@id"], a["@id"]]
    # contact by IRI or id; completed as true/false/1/0; type
    assert ids(letsligo.get(f"/api/contact_tasks?contact={contact}")) == [b["@id"], a["@id"]]
    assert ids(letsligo.get(f"/api/contact_tasks?contact={contact.rsplit('/', 1)[1]}")) == [b["@id"], a["@id"]]
    assert ids(letsligo.get("/api/contact_tasks?completed=true")) == [b["@id"]]
    assert ids(letsligo.get("/api/contact_tasks?completed=0")) == [d["@id"], c["@id"], a["@id"]]
    assert ids(letsligo.get("/api/contact_tasks?type=call")) == [c["@id"], a["@id"]]
    assert ids(letsligo.get(f"/api/contact_tasks?contact={other}&type=call&completed=false")) == [c["@id"]]
    # due date: before/after inclusive, strictly_* exclusive
    assert ids(letsligo.get("/api/contact_tasks?dueDate[before]=2025-03-20T10:00:00Z")) == [d["@id"], b["@id"]]
    assert ids(letsligo.get("/api/contact_tasks?dueDate[strictly_before]=2025-03-20T10:00:00Z")) == [d["@id"]]
    assert ids(letsligo.get("/api/contact_tasks?dueDate[after]=2025-03-21T10:00:00Z")) == [c["@id"], a["@id"]]
    assert ids(letsligo.get("/api/contact_tasks?dueDate[strictly_after]=2025-03-21T10:00:00Z")) == [a["@id"]]
    window = letsligo.get("/api/contact_tasks?dueDate[after]=2025-03-20&dueDate[before]=2025-03-21T23:59:59"
                          "&completed=false")
    assert ids(window) == [c["@id"]] and window.json["hydra:totalItems"] == 1
    assert ids(letsligo.get("/api/contact_tasks?dueDate[after]=2025-03-22&dueDate[before]=2025-03-20")) == []
    # pages keep the filters in hydra:view
    page = letsligo.get("/api/contact_tasks?completed=false&itemsPerPage=2&page=2").json
    assert [m["@id"] for m in page["hydra:member"]] == [a["@id"]] and page["hydra:totalItems"] == 3
    assert page["hydra:view"]["hydra:previous"] == "/api/contact_tasks?completed=false&itemsPerPage=2&page=1"
    assert "hydra:next" not in page["hydra:view"]


@pytest.mark.parametrize("query", ["completed=yes", "type=phone", "contact=/api/contacts/nope",
                                   "dueDate[before]=tomorrow", "dueDate[strictly_after]=2025-02-30"])
def test_bad_filters_are_400(letsligo, query):
    reply = letsligo.get(f"/api/contact_tasks?{query}")
    assert reply.status == 400 and reply.json["@type"] == "hydra:Error", reply.text


def test_rejected_writes_leave_the_store_untouched(letsligo, contact, workspace, other_letsligo):
    task = add_task(letsligo, contact)
    theirs = other_letsligo.post("/api/contacts", json={"name": "Hank"}).json["@id"]
    before = partition(workspace)
    missing = "/api/contacts/123e4567-e89b-12d3-a456-426614174000"
    cases = [
        ("POST", {"body": "{not json", "headers": {"Content-Type": "application/json"}}, 400, None),
        ("POST", {"json": {"title": "x", "dueDate": SEED_TASK["dueDate"]}}, 422, "contact"),
        ("POST", {"json": {**SEED_TASK, "contact": missing}}, 422, "contact"),
        ("POST", {"json": {**SEED_TASK, "contact": theirs}}, 422, "contact"),
        ("POST", {"json": {**SEED_TASK, "contact": "nope"}}, 422, "contact"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "title": "  "}}, 422, "title"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "title": "x" * 256}}, 422, "title"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "description": "x" * 10_001}}, 422,
         "description"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "payload": {"x": "y" * 10_240}}}, 422, "payload"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "payload": [1, 2]}}, 422, "payload"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "type": "phone"}}, 422, "type"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "taskKind": "robot"}}, 422, "taskKind"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "dueDate": "20/03/2025"}}, 422, "dueDate"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "completedAt": SEED_TASK["dueDate"]}}, 422,
         "completedAt"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "completed": "yes"}}, 422, "completed"),
        ("POST", {"json": {**SEED_TASK, "contact": contact, "payload": {"x": "y" * 300_000}}}, 413, None),
        ("POST", {"body": "title=x", "headers": {"Content-Type": "text/plain"}}, 415, None),
        ("PATCH", {"json": {"title": None}}, 422, "title"),
        ("PATCH", {"json": {"dueDate": None}}, 422, "dueDate"),
        ("PATCH", {"json": {"contact": None}}, 422, "contact"),
        ("PATCH", {"json": {"contact": theirs}}, 422, "contact"),
        ("PATCH", {"json": {"completedAt": None}}, 422, "completedAt"),
        ("PATCH", {"json": {"title": "ok", "dueDate": "yesterday"}}, 422, "dueDate"),
    ]
    for method, kwargs, status, path in cases:
        url = "/api/contact_tasks" if method == "POST" else task["@id"]
        reply = letsligo.request(method, url, **kwargs)
        assert reply.status == status, (method, kwargs.get("json"), reply.status, reply.text[:300])
        assert reply.json["@type"] in ("hydra:Error", "ConstraintViolationList"), reply.text[:300]
        if path:
            assert path in {v["propertyPath"] for v in reply.json["violations"]}, reply.text[:300]
    assert partition(workspace) == before


def test_other_workspace_cannot_see_or_touch(letsligo, contact, other_letsligo):
    task = add_task(letsligo, contact)
    their_contact = other_letsligo.post("/api/contacts", json={"name": "Hank"}).json["@id"]
    # by id
    assert other_letsligo.get(task["@id"]).status == 404
    assert other_letsligo.patch(task["@id"], json={"title": "Hijack"}).status == 404
    assert other_letsligo.patch(task["@id"], json={"contact": their_contact}).status == 404
    assert other_letsligo.delete(task["@id"]).status == 404
    # by listing and filtering on my contact
    assert other_letsligo.get("/api/contact_tasks").json["hydra:totalItems"] == 0
    assert other_letsligo.get(f"/api/contact_tasks?contact={contact}").json["hydra:member"] == []
    # by attaching a task to my contact
    stolen = other_letsligo.post("/api/contact_tasks", json={**SEED_TASK, "contact": contact})
    assert stolen.status == 422 and stolen.json["violations"][0]["propertyPath"] == "contact"
    # and my task is intact
    assert letsligo.get(task["@id"]).json == task


def test_unknown_ids_and_auth(letsligo, contact):
    from client import ApiClient

    assert letsligo.get("/api/contact_tasks/123e4567-e89b-12d3-a456-426614174000").status == 404
    assert letsligo.get("/api/contact_tasks/not-a-uuid").status == 404
    assert letsligo.patch("/api/contact_tasks/not-a-uuid", json={"title": "x"}).status == 404
    assert ApiClient(None).get("/api/contact_tasks").status == 401
    assert ApiClient(None).post("/api/contact_tasks", json={**SEED_TASK, "contact": contact}).status == 401
    assert letsligo.get("/api/contact_tasks").json["hydra:totalItems"] == 0


def test_moving_a_task_to_another_contact(letsligo, contact):
    other = letsligo.post("/api/contacts", json={"name": "Jean Martin"}).json["@id"]
    task = add_task(letsligo, contact)
    moved = letsligo.patch(task["@id"], json={"contact": other})
    assert moved.status == 200 and moved.json["contact"] == other
    assert ids(letsligo.get(f"/api/contact_tasks?contact={other}")) == [task["@id"]]
    assert ids(letsligo.get(f"/api/contact_tasks?contact={contact}")) == []


def test_deleting_a_contact_deletes_its_tasks(letsligo, contact, workspace, services):
    # Given tasks on two contacts
    other = letsligo.post("/api/contacts", json={"name": "Jean Martin"}).json["@id"]
    gone = [add_task(letsligo, contact, dueDate=f"2025-03-{d:02d}T10:00:00Z") for d in range(1, 4)]
    kept = add_task(letsligo, other)
    # When the contact is deleted
    assert letsligo.delete(contact).status == 204
    # Then its tasks are gone from every read, and from the store
    assert ids(letsligo.get("/api/contact_tasks")) == [kept["@id"]]
    assert all(letsligo.get(t["@id"]).status == 404 for t in gone)
    assert letsligo.get("/api/contact_tasks").json["hydra:totalItems"] == 1
    assert services.tasks.contacts_with_open_tasks(workspace.workspace.id) == {other.rsplit("/", 1)[1]}
    assert "TASK#" + gone[0]["@id"].rsplit("/", 1)[1] not in partition(workspace)


def test_an_interrupted_contact_delete_never_serves_orphans(letsligo, contact, workspace, services):
    from contacthub.store.repositories import ContactRepository

    # Given a contact deleted without its tasks (as if the Lambda died between the two steps)
    task = add_task(letsligo, contact)
    ws = workspace.workspace.id
    ContactRepository().remove(services.contacts.get(ws, contact.rsplit("/", 1)[1]))
    # Then the task is not served, and reading it sweeps it from the store
    assert letsligo.get(task["@id"]).status == 404
    assert "TASK#" not in partition(workspace)
    listed = letsligo.get("/api/contact_tasks").json
    assert listed["hydra:member"] == [] and listed["hydra:totalItems"] == 0
    # and no task can be attached to that contact any more
    assert letsligo.post("/api/contact_tasks", json={**SEED_TASK, "contact": contact}).status == 422


def test_listing_reads_only_the_matching_entries_and_never_scans(letsligo, contact, monkeypatch):
    """Cost grows with the results, not the workspace: count the items DynamoDB reads for each listing."""
    from pynamodb.connection.base import Connection

    busy = letsligo.post("/api/contacts", json={"name": "Busy Contact"}).json["@id"]
    for day in range(1, 21):
        add_task(letsligo, busy, dueDate=f"2025-04-{day:02d}T10:00:00Z", type="email")
    mine = add_task(letsligo, contact, type="call")
    scanned = []
    original_query = Connection.query

    def counting_query(self, *args, **kwargs):
        result = original_query(self, *args, **kwargs)
        scanned.append(result.get("ScannedCount", 0))
        return result

    def no_scan(*args, **kwargs):
        raise AssertionError("Scan on a request path")

    monkeypatch.setattr(Connection, "query", counting_query)
    monkeypatch.setattr(Connection, "scan", no_scan)
    for query in (f"contact={contact}", "type=call", "dueDate[before]=2025-03-31",
                  f"contact={contact}&completed=0"):
        scanned.clear()
        assert ids(letsligo.get(f"/api/contact_tasks?{query}")) == [mine["@id"]], query
        assert scanned and sum(scanned) <= 2, (query, scanned)  # the one match, whatever the 20 other tasks
    scanned.clear()
    first = letsligo.get("/api/contact_tasks?itemsPerPage=3").json  # total from the counters, a page of entries
    assert first["hydra:totalItems"] == 21 and len(first["hydra:member"]) == 3
    assert scanned and sum(scanned) <= 2 * 3, scanned


@pytest.mark.parametrize("content_type", ["application/ld+json",
                                          "application/merge-patch+json; charset=utf-8"])
def test_api_platform_json_content_types_are_accepted(letsligo, contact, content_type):
    body = json.dumps({**SEED_TASK, "contact": contact})
    created = letsligo.post("/api/contact_tasks", body=body, headers={"Content-Type": content_type})
    assert created.status == 201, created.text
    patched = letsligo.patch(created.json["@id"], body='{"completed": true}',
                             headers={"Content-Type": content_type})
    assert patched.status == 200 and patched.json["completed"] is True, patched.text


def test_deep_task_pages_are_answered_not_refused(letsligo):
    reply = letsligo.get("/api/contact_tasks?page=101&itemsPerPage=100")
    assert reply.status == 200 and reply.json["hydra:member"] == [] and reply.json["hydra:totalItems"] == 0

"""Input no store or client could hold back is a 4xx in each dialect's shape, decided by the domain rules in one
place (not route by route), and nothing is written: lone surrogates, non-finite numbers, JSON nested too deeply."""
from __future__ import annotations

import json

import pytest
from environment import workspace_items


JSON = {"Content-Type": "application/json"}
DUE = "2025-03-20T10:00:00+00:00"


def stored_items(issued) -> str:
    """Every stored item of the workspace: equal before and after means nothing changed."""
    return workspace_items(issued.workspace.id)


def nested(levels: int) -> dict:
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    return value  # type: ignore[return-value]


@pytest.fixture
def task(letsligo):
    cid = letsligo.post("/api/contacts", json={"name": "Task Owner"}).json["id"]
    return letsligo.post("/api/contact_tasks", json={"contact": f"/api/contacts/{cid}", "title": "Call",
                                                "dueDate": DUE}).json


def test_task_title_with_a_lone_surrogate_is_a_422_on_create_and_update(letsligo, workspace, task):
    # Given a task (writing the surrogate reached DynamoDB and answered 500)
    before = stored_items(workspace)
    contact = task["contact"]
    # When a title holds a lone surrogate, on create and on update
    created = letsligo.post("/api/contact_tasks", headers=JSON,
                       body='{"contact": "%s", "title": "x\\ud800", "dueDate": "%s"}' % (contact, DUE))
    patched = letsligo.patch(task["@id"], body='{"title": "\\ud800"}',
                        headers={"Content-Type": "application/merge-patch+json"})
    # Then both are 422 naming the title, and nothing was written
    for reply in (created, patched):
        assert reply.status == 422, reply.text
        assert [v["propertyPath"] for v in reply.json["violations"]] == ["title"]
    assert stored_items(workspace) == before


def test_task_payload_nested_too_deeply_is_a_422(letsligo, workspace, task):
    before = stored_items(workspace)
    reply = letsligo.post("/api/contact_tasks", json={"contact": task["contact"], "title": "Deep", "dueDate": DUE,
                                                 "payload": nested(400)})
    assert reply.status == 422 and reply.json["violations"][0]["propertyPath"] == "payload", reply.text
    assert stored_items(workspace) == before


def test_capture_text_with_a_lone_surrogate_is_a_422(letsligo, workspace):
    before = stored_items(workspace)
    reply = letsligo.post("/api/contacts/prepare", body='{"text": "Marie Dubois\\ud800"}', headers=JSON)
    assert reply.status == 422 and reply.json["violations"][0]["propertyPath"] == "text", reply.text
    assert stored_items(workspace) == before  # no capture draft either


def test_whautomate_custom_fields_nested_too_deeply_are_a_400_on_post_and_put(whautomate, workspace):
    # Given a contact (400 levels of customFields answered 500 on both writes)
    ok = {"name": "Amira", "phoneNumber": "+971 50 123 4567"}
    cid = whautomate.post("/v1/contacts", json=ok).json["id"]
    before = stored_items(workspace)
    # When customFields are nested far beyond the domain's bound
    posted = whautomate.post("/v1/contacts", json={**ok, "customFields": {"x": nested(400)}})
    put = whautomate.put(f"/v1/contacts/{cid}", json={**ok, "customFields": {"x": nested(400)}})
    # Then both are 400s naming customFields, and nothing was written
    for reply in (posted, put):
        assert reply.status == 400, reply.text
        assert reply.json["error"] == "ValidationError" and reply.json["field"] == "customFields"
    assert stored_items(workspace) == before


@pytest.mark.parametrize("number", ["NaN", "Infinity"])
def test_whautomate_put_with_a_non_finite_custom_field_is_a_400(whautomate, workspace, number):
    ok = {"name": "Amira", "phoneNumber": "+971 50 123 4567"}
    cid = whautomate.post("/v1/contacts", json=ok).json["id"]
    before = stored_items(workspace)
    body = json.dumps(ok)[:-1] + ', "customFields": {"score": %s}}' % number
    reply = whautomate.put(f"/v1/contacts/{cid}", body=body, headers=JSON)
    assert reply.status == 400 and reply.json["field"] == "customFields", reply.text
    assert stored_items(workspace) == before


def test_whautomate_tags_with_a_lone_surrogate_are_a_400(whautomate, workspace):
    cid = whautomate.post("/v1/contacts", json={"name": "Amira", "phoneNumber": "+971 50 123 4567"}).json["id"]
    before = stored_items(workspace)
    reply = whautomate.post(f"/v1/contacts/{cid}/tags/add", body='{"tags": ["vip", "\\udfff"]}', headers=JSON)
    assert reply.status == 400 and reply.json["field"].startswith("tags"), reply.text
    assert stored_items(workspace) == before

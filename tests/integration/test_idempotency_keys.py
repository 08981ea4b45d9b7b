"""Idempotency-Key on POST, PUT and PATCH in every REST dialect: replay, reuse with another body, in progress."""
from __future__ import annotations

import pytest

from contacthub.services.contacts import ContactService

KEY = {"Idempotency-Key": "8e03978e-40d5-43e8-bc93-6894a57f9324"}

# dialect -> (client fixture, create path, a body, another body, where the answer keeps the new id)
CREATES = {
    "letsligo": ("letsligo", "/api/contacts", {"name": "Ada Lovelace"}, {"name": "Grace Hopper"}, 201),
    "skarbe": ("skarbe", "/api/connect/contacts", {"firstName": "Ada"}, {"firstName": "Grace"}, 200),
    "whautomate": ("whautomate", "/v1/contacts", {"name": "Ada Lovelace", "phoneNumber": "0611111111"},
                   {"name": "Grace Hopper", "phoneNumber": "0611111111"}, 200),
}


def _contacts(services, workspace) -> int:
    return services.contacts.search(workspace.workspace.id, _empty_query(), 0, 100, with_total=True).total


def _empty_query():
    from contacthub.ports import ContactQuery

    return ContactQuery()


@pytest.mark.parametrize("dialect", sorted(CREATES))
def test_a_retried_create_is_answered_from_the_first_and_creates_once(dialect, request, services, workspace):
    client_name, path, body, _other, status = CREATES[dialect]
    client = request.getfixturevalue(client_name)
    # Given a create sent with an idempotency key
    first = client.post(path, json=body, headers=KEY)
    assert first.status == status, first.text
    assert "Idempotent-Replayed" not in first.headers
    # When the client retries it (a lost answer)
    again = client.post(path, json=body, headers=KEY)
    # Then the stored answer comes back, marked as a replay, and one contact exists
    assert again.status == status
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _contacts(services, workspace) == 1


@pytest.mark.parametrize("dialect", sorted(CREATES))
def test_a_key_reused_with_another_body_is_a_422_and_creates_nothing(dialect, request, services, workspace):
    client_name, path, body, other, _status = CREATES[dialect]
    client = request.getfixturevalue(client_name)
    client.post(path, json=body, headers=KEY)
    reused = client.post(path, json=other, headers=KEY)
    assert reused.status == 422, reused.text
    assert _contacts(services, workspace) == 1
    if dialect == "letsligo":
        assert reused.json["@type"] == "hydra:Error" and reused.json["status"] == 422
    elif dialect == "skarbe":
        assert "idempotency key" in reused.json["error"]
    else:
        assert reused.json["error"] == "UnprocessableEntity" and "idempotency key" in reused.json["message"]


@pytest.mark.parametrize("dialect", sorted(CREATES))
def test_a_retry_while_the_first_runs_is_a_409(dialect, request, services, workspace, monkeypatch):
    client_name, path, body, _other, status = CREATES[dialect]
    client = request.getfixturevalue(client_name)
    create = ContactService.create
    during: list = []

    def slow_create(self, *args, **kwargs):
        # The retry arrives while the first request holds its key (its record is in progress).
        if not during:
            during.append(client.post(path, json=body, headers=KEY))
        return create(self, *args, **kwargs)

    monkeypatch.setattr(ContactService, "create", slow_create)
    first = client.post(path, json=body, headers=KEY)
    assert first.status == status
    (retry,) = during
    assert retry.status == 409, retry.text
    assert "in progress" in retry.text
    assert _contacts(services, workspace) == 1
    # Once the first finished, the retry gets its answer.
    later = client.post(path, json=body, headers=KEY)
    assert later.json == first.json and later.headers["Idempotent-Replayed"] == "true"


def test_keys_are_scoped_to_the_workspace_and_the_path(letsligo, other_letsligo, services, workspace):
    mine = letsligo.post("/api/contacts", json={"name": "Ada"}, headers=KEY)
    theirs = other_letsligo.post("/api/contacts", json={"name": "Ada"}, headers=KEY)
    assert theirs.status == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json["@id"] != mine.json["@id"]
    task = letsligo.post("/api/contact_tasks", headers=KEY, json={
        "contact": mine.json["@id"], "title": "Call", "dueDate": "2030-01-01T09:00:00+00:00"})
    assert task.status == 201, task.text
    assert "Idempotent-Replayed" not in task.headers


def test_a_patch_replayed_is_not_applied_twice(letsligo, services, workspace):
    made = letsligo.post("/api/contacts", json={"name": "Ada"}).json
    patch = {"headers": {**KEY, "Content-Type": "application/merge-patch+json"}}
    first = letsligo.patch(made["@id"], body='{"company": "Analytical Engines"}', **patch)
    again = letsligo.patch(made["@id"], body='{"company": "Analytical Engines"}', **patch)
    assert first.status == again.status == 200
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert services.contacts.get(workspace.workspace.id, made["id"]).version == 2


def test_a_refused_request_is_replayed_too(whautomate, services, workspace):
    bad = whautomate.post("/v1/contacts", json={"name": "Ada", "phoneNumber": "text"}, headers=KEY)
    again = whautomate.post("/v1/contacts", json={"name": "Ada", "phoneNumber": "text"}, headers=KEY)
    assert bad.status == again.status == 400
    assert again.json == bad.json and again.headers["Idempotent-Replayed"] == "true"


def test_a_server_error_is_not_stored(letsligo, services, workspace, monkeypatch):
    create = ContactService.create
    failures = [RuntimeError("storage hiccup")]

    def flaky(self, *args, **kwargs):
        if failures:
            raise failures.pop()
        return create(self, *args, **kwargs)

    monkeypatch.setattr(ContactService, "create", flaky)
    failed = letsligo.post("/api/contacts", json={"name": "Ada"}, headers=KEY)
    assert failed.status == 500
    retried = letsligo.post("/api/contacts", json={"name": "Ada"}, headers=KEY)
    assert retried.status == 201 and "Idempotent-Replayed" not in retried.headers
    assert _contacts(services, workspace) == 1


def test_gets_and_requests_without_a_key_are_untouched(letsligo, services, workspace):
    letsligo.post("/api/contacts", json={"name": "Ada"})
    letsligo.post("/api/contacts", json={"name": "Ada"})
    assert _contacts(services, workspace) == 2
    listed = letsligo.get("/api/contacts", headers=KEY)
    assert listed.status == 200 and "Idempotent-Replayed" not in listed.headers


def test_a_malformed_key_is_refused(skarbe, services, workspace):
    reply = skarbe.post("/api/connect/contacts", json={"firstName": "Ada"},
                        headers={"Idempotency-Key": "x" * 256})
    assert reply.status == 400 and "Idempotency-Key" in reply.json["error"]
    assert _contacts(services, workspace) == 0

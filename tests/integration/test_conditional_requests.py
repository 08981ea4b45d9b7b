"""ETags on contacts and tasks in every REST dialect: If-Match writes (412, nothing written) and If-None-Match (304)."""
from __future__ import annotations

import pytest

DUE = "2030-01-01T09:00:00+00:00"


def _contact(services, workspace, name="Ada Lovelace"):
    return services.contacts.create(workspace.workspace.id, {"name": name})


# dialect -> (client fixture, url of a contact, its id as the dialect spells it)
def _contact_url(dialect: str, contact) -> str:
    return {"letsligo": f"/api/contacts/{contact.id}", "skarbe": f"/api/connect/contacts/{contact.number}",
            "whautomate": f"/v1/contacts/{contact.id}"}[dialect]


@pytest.mark.parametrize("dialect", ["letsligo", "skarbe", "whautomate"])
def test_get_answers_a_strong_etag_and_304_when_it_matches(dialect, request, services, workspace):
    client = request.getfixturevalue(dialect)
    contact = _contact(services, workspace)
    url = _contact_url(dialect, contact)
    # Given a contact read once
    first = client.get(url)
    assert first.status == 200
    etag = first.headers["ETag"]
    assert etag == f'"v{contact.version}"'
    # When read again with that tag: 304, no body, the same tag
    cached = client.get(url, headers={"If-None-Match": etag})
    assert cached.status == 304 and cached.text == ""
    assert cached.headers["ETag"] == etag
    # A weak copy of the tag and a list holding it match too (weak comparison); another one does not
    assert client.get(url, headers={"If-None-Match": f'"v99", W/{etag}'}).status == 304
    assert client.get(url, headers={"If-None-Match": '"v99"'}).status == 200
    # Once the contact changed, the old tag no longer matches
    services.contacts.update(workspace.workspace.id, contact.id, {"company": "Analytical Engines"})
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status == 200 and fresh.headers["ETag"] != etag


# dialect -> (client, method, path template, body)
WRITES = {
    "letsligo-patch": ("letsligo", "PATCH", "/api/contacts/{id}", {"company": "Acme"}),
    "letsligo-state": ("letsligo", "PATCH", "/api/contacts/{id}/pipeline-state", {}),
    "letsligo-delete": ("letsligo", "DELETE", "/api/contacts/{id}", None),
    "whautomate-put": ("whautomate", "PUT", "/v1/contacts/{id}", {"name": "Ada Lovelace", "phoneNumber": "0611111111"}),
    "whautomate-delete": ("whautomate", "DELETE", "/v1/contacts/{id}", None),
}


@pytest.mark.parametrize("case", sorted(WRITES))
def test_a_stale_if_match_is_a_412_and_writes_nothing(case, request, services, workspace):
    client_name, method, template, body = WRITES[case]
    client = request.getfixturevalue(client_name)
    ws = workspace.workspace.id
    contact = _contact(services, workspace)
    stale = f'"v{contact.version}"'
    services.contacts.update(ws, contact.id, {"company": "Someone else"})  # another writer won
    before = services.contacts.get(ws, contact.id)
    reply = client.request(method, template.format(id=contact.id), json=body, headers={"If-Match": stale})
    assert reply.status == 412, reply.text
    if client_name == "letsligo":
        assert reply.json["@type"] == "hydra:Error" and reply.json["status"] == 412
    else:
        assert reply.json["error"] == "PreconditionFailed"
    assert services.contacts.get(ws, contact.id) == before
    # With the current tag the same write goes through and answers the new tag
    current = client.request(method, template.format(id=contact.id), json=body,
                             headers={"If-Match": f'"v{before.version}"'})
    assert current.status in (200, 204), current.text
    if method != "DELETE":  # the stored version after the write (a no-op write keeps it)
        assert current.headers["ETag"] == f'"v{services.contacts.get(ws, contact.id).version}"'


def test_if_match_star_and_weak_tags(letsligo, services, workspace):
    contact = _contact(services, workspace)
    url = f"/api/contacts/{contact.id}"
    weak = letsligo.patch(url, json={"company": "A"}, headers={"If-Match": f'W/"v{contact.version}"'})
    assert weak.status == 412  # If-Match compares strongly
    star = letsligo.patch(url, json={"company": "A"}, headers={"If-Match": "*"})
    assert star.status == 200
    listed = letsligo.patch(url, json={"company": "B"}, headers={"If-Match": f'"v1", "v{contact.version + 1}"'})
    assert listed.status == 200 and listed.json["company"] == "B"
    garbage = letsligo.patch(url, json={"company": "C"}, headers={"If-Match": "not-a-tag"})
    assert garbage.status == 412


def test_writes_answer_the_new_etag(letsligo, skarbe, whautomate):
    made = letsligo.post("/api/contacts", json={"name": "Ada"})
    assert made.headers["ETag"] == '"v1"'
    assert skarbe.post("/api/connect/contacts", json={"firstName": "Ada"}).headers["ETag"] == '"v1"'
    assert whautomate.post("/v1/contacts", json={"name": "Ada", "phoneNumber": "0611111111"}
                           ).headers["ETag"] == '"v1"'
    patched = letsligo.patch(made.json["@id"], json={"company": "A"}, headers={"If-Match": '"v1"'})
    assert patched.headers["ETag"] == '"v2"'


def test_tasks_carry_etags_and_honour_conditions(letsligo, services, workspace):
    contact = _contact(services, workspace)
    made = letsligo.post("/api/contact_tasks", json={"contact": f"/api/contacts/{contact.id}", "title": "Call",
                                                     "dueDate": DUE})
    assert made.status == 201 and made.headers["ETag"] == '"v1"'
    url = made.json["@id"]
    assert letsligo.get(url, headers={"If-None-Match": '"v1"'}).status == 304
    done = letsligo.patch(url, json={"completed": True}, headers={"If-Match": '"v1"'})
    assert done.status == 200 and done.headers["ETag"] == '"v2"'
    stale = letsligo.patch(url, json={"title": "Lost"}, headers={"If-Match": '"v1"'})
    assert stale.status == 412
    task_id = url.rsplit("/", 1)[1]
    assert services.tasks.get(workspace.workspace.id, task_id).title == "Call"
    assert letsligo.delete(url, headers={"If-Match": '"v1"'}).status == 412
    assert services.tasks.get(workspace.workspace.id, task_id).version == 2
    assert letsligo.delete(url, headers={"If-Match": '"v2"'}).status == 204

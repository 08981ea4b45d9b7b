"""Tenant walls for every whautomate endpoint: another workspace's ids, tags and locations reveal nothing."""
from urllib.parse import quote

import pytest


SECRET = {"name": "Élodie Secret", "phoneNumber": "+33 6 12 34 56 78", "stage": "Customer", "notes": "private",
          "customFields": {"iban": "FR76"}, "tags": ["confidential"], "location": {"id": "hq", "title": "HQ"},
          "channel": "whatsapp"}


def test_another_workspace_cannot_reach_a_contact_by_id(whautomate, other_whautomate, workspace, other_workspace, services):
    mine = whautomate.post("/v1/contacts", json=SECRET).json
    cid = mine["id"]
    attempts = [
        ("GET", f"/v1/contacts/{cid}", {}),
        ("PUT", f"/v1/contacts/{cid}", {"json": {"id": cid, "name": "Hijack", "phoneNumber": "0600000000"}}),
        ("DELETE", f"/v1/contacts/{cid}", {}),
        ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {"tags": ["pwned"]}}),
        ("POST", f"/v1/contacts/{cid}/tags/remove", {"json": {"tags": ["confidential"]}}),
    ]
    for method, url, kwargs in attempts:
        reply = other_whautomate.request(method, url, **kwargs)
        # the same answer as for an id that never existed: nothing tells the contact is there
        assert reply.status == 404 and reply.json == {"error": "NotFound", "message": "Not Found"}, (method, url)
    # a client-chosen id on create does not reach it either
    theirs = other_whautomate.post("/v1/contacts", json={"id": cid, "name": "Copy", "phoneNumber": "0600000000"})
    assert theirs.status == 200 and theirs.json["id"] != cid
    assert whautomate.get(f"/v1/contacts/{cid}").json == mine
    ws, other = workspace.workspace.id, other_workspace.workspace.id
    assert [(t.tag, t.count) for t in services.contacts.tag_counts(ws)] == [("confidential", 1)]
    assert services.contacts.tag_counts(other) == []


@pytest.mark.parametrize("query", [
    "", "searchText=elodie", "searchText=" + quote("+33 6 12 34"), "searchText=0612345678",
    "tags=confidential", "locationId=hq", "channel=whatsapp", "searchText=secret&tags=confidential&locationId=hq",
])
def test_another_workspace_finds_nothing(whautomate, other_whautomate, query):
    whautomate.post("/v1/contacts", json=SECRET)
    reply = other_whautomate.get(f"/v1/contacts?{query}")
    assert reply.status == 200 and reply.json == [] and reply.headers["X-Total-Count"] == "0"
    assert len(whautomate.get(f"/v1/contacts?{query}").json) == 1  # while the owner finds it


def test_same_tag_and_location_in_two_workspaces_stay_apart(whautomate, other_whautomate, workspace, other_workspace, services):
    mine = whautomate.post("/v1/contacts", json=SECRET).json["id"]
    theirs = other_whautomate.post("/v1/contacts", json={**SECRET, "name": "Their Own"}).json["id"]
    assert [c["id"] for c in whautomate.get("/v1/contacts?tags=confidential&locationId=hq").json] == [mine]
    assert [c["id"] for c in other_whautomate.get("/v1/contacts?tags=confidential&locationId=hq").json] == [theirs]
    other_whautomate.delete(f"/v1/contacts/{theirs}")
    assert services.contacts.tag_counts(other_workspace.workspace.id) == []
    assert [(t.tag, t.count) for t in services.contacts.tag_counts(workspace.workspace.id)] == [
        ("confidential", 1)]
    assert [(loc.id, loc.count) for loc in services.contacts.location_counts(workspace.workspace.id)] == [
        ("hq", 1)]

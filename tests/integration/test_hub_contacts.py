"""/hub/v1/contacts through the real handler on moto: canonical fields, ETags, idempotency keys, batch writes."""
from __future__ import annotations


import pytest

from environment import workspace_items

MARIE = {"name": "Marie Dubois", "emails": ["Marie.Dubois@Acme.example"], "phones": ["+33 6 12 34 56 78"],
         "company": "Acme Corp", "meetingContext": "Paris trade show", "tags": ["VIP"],
         "customFields": {"source": "fair"}, "location": {"id": "paris", "title": "Paris"}, "stage": "Lead"}


def _create(hub, body=None) -> dict:
    reply = hub.post("/hub/v1/contacts", json=body or MARIE)
    assert reply.status == 201, reply.text
    return reply.json


def test_crud_with_canonical_field_names_and_etags(hub):
    # When a contact is created with canonical fields
    reply = hub.post("/hub/v1/contacts", json=MARIE)
    # Then it answers them back, with its ETag and location
    assert reply.status == 201, reply.text
    created = reply.json
    assert (created["firstName"], created["lastName"], created["meetingContext"]) == ("Marie", "Dubois",
                                                                                      "Paris trade show")
    assert created["phones"] == [{"number": "+33 6 12 34 56 78", "e164": "+33612345678"}]
    assert created["location"] == {"id": "paris", "title": "Paris"} and created["status"] == "pending"
    assert reply.headers["ETag"] == f'"v{created["version"]}"'
    assert reply.headers["Location"] == f"/hub/v1/contacts/{created['id']}"
    url = f"/hub/v1/contacts/{created['id']}"
    # A GET answers the same, and 304 while the client's copy is current
    got = hub.get(url)
    assert got.json == created and got.headers["ETag"] == reply.headers["ETag"]
    assert hub.get(url, headers={"If-None-Match": reply.headers["ETag"]}).status == 304
    # A PATCH with the current ETag changes the given fields only; null clears one
    patched = hub.patch(url, json={"position": "Directrice", "meetingContext": None, "phones": created["phones"]},
                        headers={"If-Match": reply.headers["ETag"]})
    assert patched.status == 200, patched.text
    assert (patched.json["position"], patched.json["meetingContext"], patched.json["company"]) == (
        "Directrice", None, "Acme Corp")
    assert patched.json["phones"] == created["phones"]  # phones as answered are accepted back
    # The old ETag now fails, writing nothing
    stale = hub.patch(url, json={"company": "Globex"}, headers={"If-Match": reply.headers["ETag"]})
    assert stale.status == 412 and stale.headers["Content-Type"] == "application/problem+json"
    assert hub.get(url).json["company"] == "Acme Corp"
    assert hub.delete(url, headers={"If-Match": reply.headers["ETag"]}).status == 412
    # And a DELETE with the current one removes it
    assert hub.delete(url, headers={"If-Match": patched.headers["ETag"]}).status == 204
    assert hub.get(url).status == 404


def test_listing_pages_with_cursors_and_search(hub):
    ids = [_create(hub, {"name": f"Person {n}", "emails": [f"p{n}@acme.example"]})["id"] for n in range(5)]
    first = hub.get("/hub/v1/contacts?limit=2").json
    second = hub.get(f"/hub/v1/contacts?limit=2&after={first['next']}").json
    third = hub.get(f"/hub/v1/contacts?limit=2&after={second['next']}").json
    assert [c["id"] for c in first["data"] + second["data"] + third["data"]] == ids[::-1]
    assert third["next"] is None
    assert [c["id"] for c in hub.get("/hub/v1/contacts?search=p3@acme").json["data"]] == [ids[3]]
    bad = hub.get("/hub/v1/contacts?after=garbage")
    assert bad.status == 400 and bad.json["errors"][0]["field"] == "after"


@pytest.mark.parametrize("body, field", [
    ({"company": "No name"}, "name"),
    ({"name": "X", "emails": ["not an email"]}, "emails[0]"),
    ({"name": "X", "firstName": 42}, "firstName"),
    ({"name": "X", "meetingContext": "x" * 10_001}, "meetingContext"),
    ({"name": "X", "customFields": {"nested": {"a": 1}}}, "customFields.nested"),
    ({"name": "X", "stage": "Boss"}, "stage"),
    ({"name": "X", "id": "mine"}, "id"),
    ({"name": "X", "pipelineStateId": "00000000-0000-0000-0000-000000000000"}, "pipelineStateId"),
])
def test_invalid_contacts_are_400_problems_naming_the_field_and_write_nothing(hub, body, field):
    before = workspace_items(hub.workspace_id)
    reply = hub.post("/hub/v1/contacts", json=body)
    assert reply.status == 400, reply.text
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in reply.json["errors"]], reply.json
    assert workspace_items(hub.workspace_id) == before


def test_an_invalid_patch_leaves_the_contact_as_it_was(hub):
    created = _create(hub)
    before = workspace_items(hub.workspace_id)
    reply = hub.patch(f"/hub/v1/contacts/{created['id']}", json={"company": "Globex", "emails": ["bad"]})
    assert reply.status == 400 and reply.json["errors"][0]["field"] == "emails[0]"
    assert workspace_items(hub.workspace_id) == before and hub.get(f"/hub/v1/contacts/{created['id']}").json == created


@pytest.mark.parametrize("path", ["/hub/v1/contacts/not-a-uuid", "/hub/v1/contacts/00000000-0000-0000-0000-00000000000"])
def test_unknown_ids_are_404(hub, path):
    assert hub.get(path).status == 404 and hub.patch(path, json={"company": "x"}).status == 404
    assert hub.delete(path).status == 404


def test_a_create_retried_with_its_idempotency_key_is_made_once(hub):
    key = {"Idempotency-Key": "create-marie-1"}
    first = hub.post("/hub/v1/contacts", json=MARIE, headers=key)
    again = hub.post("/hub/v1/contacts", json=MARIE, headers=key)
    assert first.status == again.status == 201 and again.json["id"] == first.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(hub.get("/hub/v1/contacts").json["data"]) == 1
    other = hub.post("/hub/v1/contacts", json={"name": "Someone Else"}, headers=key)
    assert other.status == 422 and other.headers["Content-Type"] == "application/problem+json"


def test_another_workspace_reaches_none_of_these_contacts(hub, other_hub):
    created = _create(hub)
    url = f"/hub/v1/contacts/{created['id']}"
    assert other_hub.get(url).status == 404
    assert other_hub.patch(url, json={"company": "Globex"}).status == 404
    assert other_hub.delete(url).status == 404
    assert other_hub.get("/hub/v1/contacts").json["data"] == []
    assert other_hub.get("/hub/v1/contacts?search=marie").json["data"] == []
    assert hub.get(url).json == created


# ---------------------------------------------------------------- batch
def _batch(hub, contacts, mode="upsert", **extra) -> list[dict]:
    reply = hub.post("/hub/v1/contacts/batch", json={"mode": mode, "contacts": contacts, **extra})
    assert reply.status == 200, reply.text
    return reply.json["data"]


def test_upsert_matches_by_email_ignoring_case_and_by_phone_in_e164(hub):
    marie = _create(hub)
    jean = _create(hub, {"name": "Jean Martin", "phones": ["06 98 76 54 32"]})  # no E.164 without a region
    paul = _create(hub, {"name": "Paul Durand", "phones": ["+44 20 7946 0958"]})
    results = _batch(hub, [
        {"emails": ["marie.dubois@acme.EXAMPLE"], "position": "CEO"},  # same address, other case
        {"name": "Paul D.", "phones": ["+442079460958"]},  # same number, other formatting
        {"name": "Paul Durand", "phones": ["+44 20 7946 0958"]},  # as stored: nothing to change
        {"name": "Jean Martin", "phones": ["+33 6 98 76 54 32"]},  # Jean's number has no E.164: no match
        {"name": "New Person", "emails": ["new@acme.example"]},
    ])
    assert [r["status"] for r in results] == ["updated", "updated", "updated", "created", "created"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert results[0]["id"] == marie["id"] and results[0]["contact"]["position"] == "CEO"
    assert results[0]["contact"]["company"] == "Acme Corp"  # fields not given are kept
    assert results[1]["id"] == results[2]["id"] == paul["id"]
    assert results[3]["id"] != jean["id"]
    again = _batch(hub, [{"name": "Paul Durand", "phones": ["+44 20 7946 0958"]}])
    assert again[0]["status"] == "unchanged" and again[0]["contact"]["version"] == results[2]["contact"]["version"]


def test_match_by_decides_which_keys_are_tried_and_in_what_order(hub):
    by_email = _create(hub, {"name": "By Email", "emails": ["a@acme.example"]})
    by_phone = _create(hub, {"name": "By Phone", "phones": ["+33 6 11 11 11 11"]})
    email_only = {"emails": ["a@acme.example"], "company": "Acme"}
    assert _batch(hub, [email_only], matchBy=["phone", "email"])[0]["id"] == by_email["id"]
    phone_only = {"phones": ["+33611111111"], "company": "Acme"}
    assert _batch(hub, [phone_only], matchBy=["email", "phone"])[0]["id"] == by_phone["id"]
    both = {"emails": ["a@acme.example"], "phones": ["+33611111111"], "company": "Globex"}
    assert _batch(hub, [both], matchBy=["phone", "email"])[0]["id"] == by_phone["id"]
    unmatched = {"name": "Phone Twin", "phones": ["+33611111111"]}
    assert _batch(hub, [unmatched], matchBy=["email"])[0]["status"] == "created"
    assert _batch(hub, [unmatched], mode="create")[0]["status"] == "created"


def test_a_key_matching_several_contacts_is_an_error_for_that_item_only(hub):
    for name in ("Twin One", "Twin Two"):
        _create(hub, {"name": name, "emails": ["twin@acme.example"]})
    results = _batch(hub, [{"emails": ["twin@acme.example"], "company": "X"}, {"name": "Solo"}])
    assert results[0]["status"] == "error" and results[0]["error"]["errors"][0]["code"] == "ambiguous_match"
    assert results[1]["status"] == "created"


def test_bad_items_fail_alone_in_order_and_write_nothing_of_themselves(hub):
    before = workspace_items(hub.workspace_id)
    results = _batch(hub, [
        {"name": "Good One", "emails": ["one@acme.example"]},
        {"name": "Bad", "emails": ["nope"], "company": "Bad Corp"},
        {"name": "Bad", "unknown": 1, "firstName": ["x"]},
        {"name": "Good Two"},
        {"emails": ["one@acme.example"], "company": "Acme"},  # matches what item 0 made
    ])
    assert [r["status"] for r in results] == ["created", "error", "error", "created", "updated"]
    bad = results[1]["error"]
    assert bad["status"] == 400 and [e["field"] for e in bad["errors"]] == ["emails[0]"]
    assert sorted(e["field"] for e in results[2]["error"]["errors"]) == ["firstName", "unknown"]
    assert results[4]["id"] == results[0]["id"]
    names = sorted(c["name"] for c in hub.get("/hub/v1/contacts").json["data"])
    assert names == ["Good One", "Good Two"]
    assert hub.get("/hub/v1/contacts?search=bad").json["data"] == []
    assert workspace_items(hub.workspace_id) != before


@pytest.mark.parametrize("body, field", [
    ({"mode": "merge", "contacts": []}, "mode"),
    ({"contacts": []}, "mode"),
    ({"mode": "upsert", "matchBy": [], "contacts": []}, "matchBy"),
    ({"mode": "upsert", "matchBy": ["name"], "contacts": []}, "matchBy[0]"),
    ({"mode": "upsert", "contacts": [{"name": f"P{n}"} for n in range(101)]}, "contacts"),
    ({"mode": "upsert", "contacts": {"name": "x"}}, "contacts"),
    ({"mode": "upsert", "contacts": [{"name": "x"}, "not an object"]}, "contacts[1]"),
])
def test_an_invalid_batch_is_a_400_problem_and_writes_nothing(hub, body, field):
    before = workspace_items(hub.workspace_id)
    reply = hub.post("/hub/v1/contacts/batch", json=body)
    assert reply.status == 400, reply.text
    assert field in [e["field"] for e in reply.json["errors"]], reply.json
    assert workspace_items(hub.workspace_id) == before


def test_a_batch_of_a_hundred_is_written(hub):
    results = _batch(hub, [{"name": f"Person {n}", "emails": [f"p{n}@acme.example"]} for n in range(100)])
    assert [r["status"] for r in results] == ["created"] * 100


def test_upsert_never_reaches_another_workspaces_contacts(hub, other_hub):
    theirs = _create(other_hub, {"name": "Their Marie", "emails": ["marie@acme.example"],
                                 "phones": ["+33 6 12 34 56 78"]})
    results = _batch(hub, [{"name": "My Marie", "emails": ["marie@acme.example"], "phones": ["+33612345678"]},
                           {"name": "Id given", "id": theirs["id"]}])
    assert results[0]["status"] == "created" and results[0]["id"] != theirs["id"]
    assert results[1]["status"] == "error"
    assert other_hub.get(f"/hub/v1/contacts/{theirs['id']}").json == theirs


def test_a_batch_retried_with_its_idempotency_key_is_written_once(hub):
    body = {"mode": "create", "contacts": [{"name": "Once Only"}]}
    first = hub.post("/hub/v1/contacts/batch", json=body, headers={"Idempotency-Key": "batch-1"})
    again = hub.post("/hub/v1/contacts/batch", json=body, headers={"Idempotency-Key": "batch-1"})
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(hub.get("/hub/v1/contacts").json["data"]) == 1

"""/hub/v1 merges through the real handlers on moto: a merge folds contacts into one whose old ids keep resolving
in every dialect and in GraphQL; undo brings them back; a refused merge changes nothing."""
from __future__ import annotations

import json

import pytest

from client import ApiClient
from environment import SETTINGS, workspace_items

MARIE = {"name": "Marie Dubois", "emails": ["marie@acme.example"], "phones": ["+33 6 12 34 56 78"],
         "company": "Acme Corp", "tags": ["VIP"], "customFields": {"source": "fair"}}
MARIE_TOO = {"name": "M. Dubois", "emails": ["m.dubois@perso.example"], "phones": ["+33 1 23 45 67 89"],
             "position": "Directrice", "tags": ["Paris", "vip"], "customFields": {"size": "xl"}}


def _create(hub, body) -> dict:
    reply = hub.post("/hub/v1/contacts", json=body)
    assert reply.status == 201, reply.text
    return reply.json


def _merge(hub, survivor: dict, *merged: dict, **extra) -> dict:
    reply = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [m["id"] for m in merged], **extra})
    assert reply.status == 200, reply.text
    return reply.json


def test_merge_unites_and_old_ids_resolve_to_the_survivor(hub):
    # Given two contacts for one person
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    # When the second is merged into the first
    answer = _merge(hub, survivor, other)
    merged = answer["contact"]
    # Then the survivor keeps its values, fills its blanks and unites emails, phones, tags and custom fields
    assert merged["id"] == survivor["id"] and merged["name"] == "Marie Dubois"
    assert merged["position"] == "Directrice" and merged["company"] == "Acme Corp"
    assert merged["emails"] == ["marie@acme.example", "m.dubois@perso.example"]
    assert [p["e164"] for p in merged["phones"]] == ["+33612345678", "+33123456789"]
    assert merged["tags"] == ["VIP", "Paris"]
    assert merged["customFields"] == {"source": "fair", "size": "xl"}
    assert answer["merge"]["mergedIds"] == [other["id"]] and answer["merge"]["status"] == "done"
    assert answer["merge"]["mergedNumbers"] == [other["number"]]
    # And the merged contact's id answers the survivor in /hub/v1
    got = hub.get(f"/hub/v1/contacts/{other['id']}")
    assert got.status == 200 and got.json["id"] == survivor["id"]


def _task(hub, contact: dict, title: str) -> dict:
    reply = hub.post("/api/contact_tasks", json={"contact": f"/api/contacts/{contact['id']}", "title": title,
                                                 "type": "call", "dueDate": "2025-03-20T10:00:00+00:00"})
    assert reply.status == 201, reply.text
    return reply.json


def _task_titles(hub, contact_id: str) -> list[str]:
    reply = hub.get(f"/api/contact_tasks?contact={contact_id}")
    assert reply.status == 200, reply.text
    return sorted(t["title"] for t in reply.json["hydra:member"])


def _node_id(contact_id: str) -> str:
    from contacthub_graphql.types.node import encode_node_id

    return encode_node_id("Contact", contact_id)


def _graphql_contact(hub, contact_id: str) -> tuple[str | None, str | None]:
    reply = hub.post("/graphql", json={"query": "query($id: ID!, $node: ID!) { contact(id: $id) { id } "
                                                "node(id: $node) { ... on Contact { id } } }",
                                       "variables": {"id": contact_id, "node": _node_id(contact_id)}})
    assert reply.status == 200 and "errors" not in reply.json, reply.text
    data = reply.json["data"]
    return (data["contact"] or {}).get("id"), (data["node"] or {}).get("id")


def test_every_id_of_a_merged_contact_answers_the_survivor_in_every_dialect_and_graphql(hub, workspace):
    # Given a merged contact
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    _merge(hub, survivor, other)
    whautomate = ApiClient(workspace.key, header="x-api-key")
    skarbe = ApiClient(workspace.key, header="X-Api-Key")
    # Then its UUID answers the survivor in letsligo, whautomate, hub and GraphQL (contact and node)
    letsligo = hub.get(f"/api/contacts/{other['id'].upper()}")
    assert letsligo.status == 200 and letsligo.json["@id"] == f"/api/contacts/{survivor['id']}", letsligo.text
    got = whautomate.get(f"/v1/contacts/{other['id']}")
    assert got.status == 200 and survivor["id"] in json.dumps(got.json), got.text
    assert hub.get(f"/hub/v1/contacts/{other['id']}").json["id"] == survivor["id"]
    contact_id, node_id = _graphql_contact(hub, other["id"])
    assert contact_id == node_id and contact_id is not None
    assert _graphql_contact(hub, survivor["id"]) == (contact_id, node_id)
    # And its integer id answers the survivor in skarbe
    by_number = skarbe.get(f"/api/connect/contacts/{other['number']}")
    assert by_number.status == 200 and by_number.json["id"] == survivor["number"], by_number.text
    # And a merge can name contacts by integer id too, and follows a survivor merged in turn
    third = _create(hub, {"name": "Marie D.", "emails": ["md@third.example"]})
    reply = hub.post(f"/hub/v1/contacts/{third['id']}/merge", json={"from": [survivor["number"]]})
    assert reply.status == 200, reply.text
    assert hub.get(f"/hub/v1/contacts/{other['id']}").json["id"] == third["id"]
    assert skarbe.get(f"/api/connect/contacts/{other['number']}").json["id"] == third["number"]
    assert _graphql_contact(hub, other["id"])[0] == _graphql_contact(hub, third["id"])[0]


def test_tasks_follow_the_survivor_and_listings_see_one_contact(hub):
    # Given two contacts with tasks
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    _task(hub, survivor, "Call Marie")
    _task(hub, other, "Send the quote")
    _task(hub, other, "Book a demo")
    # When merged
    answer = _merge(hub, survivor, other)
    assert answer["merge"]["movedTasks"] == 2
    # Then every task is the survivor's, and the merged contact has none
    assert _task_titles(hub, survivor["id"]) == ["Book a demo", "Call Marie", "Send the quote"]
    # And lists, searches and counts see one contact at once
    listed = hub.get("/hub/v1/contacts").json["data"]
    assert [c["id"] for c in listed] == [survivor["id"]]
    found = hub.get("/hub/v1/contacts?search=perso.example").json["data"]
    assert [c["id"] for c in found] == [survivor["id"]]
    assert hub.get("/api/contacts").json["hydra:totalItems"] == 1


def test_dry_run_answers_the_result_and_writes_nothing(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    before = workspace_items(hub.workspace_id)
    answer = _merge(hub, survivor, other, dryRun=True, prefer={"name": other["id"]})
    assert answer["dryRun"] is True and answer["contact"]["name"] == "M. Dubois"
    assert answer["contact"]["tags"] == ["VIP", "Paris"]
    assert "Location" not in (answer.get("headers") or {})
    assert workspace_items(hub.workspace_id) == before


def test_prefer_picks_whose_value_wins(hub):
    survivor = _create(hub, MARIE)
    other = _create(hub, {**MARIE_TOO, "company": "Dubois Conseil"})
    answer = _merge(hub, survivor, other, prefer={"company": other["id"], "emails": other["id"]})
    assert answer["contact"]["company"] == "Dubois Conseil"
    assert answer["contact"]["emails"] == ["m.dubois@perso.example", "marie@acme.example"]
    assert answer["contact"]["name"] == "Marie Dubois"


@pytest.mark.parametrize("body, field", [
    ({"tags": [f"t{i}" for i in range(6)]}, "tags"),
    ({"emails": [f"e{i}@x.example" for i in range(4)]}, "emails"),
])
def test_a_merge_past_a_bound_is_refused_and_changes_nothing(hub, body, field):
    # Given contacts whose union would pass a bound
    survivor = _create(hub, {"name": "A", "tags": [f"s{i}" for i in range(5)],
                             "emails": ["a@x.example", "b@x.example"]})
    other = _create(hub, {"name": "B", **body})
    _task(hub, other, "Call")
    before = workspace_items(hub.workspace_id)
    # When merged
    reply = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [other["id"]]})
    # Then a clear 400 names the field, and nothing changed
    assert reply.status == 400, reply.text
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in reply.json["errors"]] == [field]
    assert reply.json["errors"][0]["code"] == "merge_over_limit"
    assert workspace_items(hub.workspace_id) == before


@pytest.mark.parametrize("body, status", [
    ({"from": []}, 400),
    ({"from": ["not-an-id"]}, 400),
    ({"from": ["SELF"]}, 400),
    ({"from": ["OTHER", "OTHER"]}, 400),
    ({"from": ["OTHER"], "prefer": {"nope": "OTHER"}}, 400),
    ({"from": ["OTHER"], "prefer": {"company": "123e4567-e89b-12d3-a456-426614174000"}}, 400),
    ({"from": ["123e4567-e89b-12d3-a456-426614174000"]}, 404),
    ({"from": [999999]}, 404),
    ({"from": "OTHER"}, 400),
    ({"from": ["OTHER"], "dryRun": "yes"}, 400),
    ({"from": ["OTHER"], "extra": 1}, 400),
])
def test_bad_merge_requests_are_4xx_problems_and_change_nothing(hub, body, status):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    sent = json.loads(json.dumps(body).replace("SELF", survivor["id"]).replace("OTHER", other["id"]))
    before = workspace_items(hub.workspace_id)
    reply = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json=sent)
    assert reply.status == status, reply.text
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert workspace_items(hub.workspace_id) == before


def test_if_match_guards_the_survivor(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    before = workspace_items(hub.workspace_id)
    stale = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [other["id"]]},
                     headers={"If-Match": '"v99"'})
    assert stale.status == 412, stale.text
    assert workspace_items(hub.workspace_id) == before
    fresh = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [other["id"]]},
                     headers={"If-Match": f'"v{survivor["version"]}"'})
    assert fresh.status == 200 and fresh.headers["ETag"] == f'"v{fresh.json["contact"]["version"]}"'


def test_an_idempotent_retry_answers_the_same_merge(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    url, body = f"/hub/v1/contacts/{survivor['id']}/merge", {"from": [other["id"]]}
    first = hub.post(url, json=body, headers={"Idempotency-Key": "merge-1"})
    again = hub.post(url, json=body, headers={"Idempotency-Key": "merge-1"})
    assert first.status == again.status == 200
    assert again.json == first.json and again.headers.get("Idempotent-Replayed") == "true"


def test_undo_restores_the_merged_contacts_and_reverts_the_survivor(hub, workspace):
    # Given a merge of a contact with tasks into another
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    _task(hub, survivor, "Call Marie")
    _task(hub, other, "Send the quote")
    merge = _merge(hub, survivor, other)["merge"]
    # When it is undone
    reply = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    # Then the merged contact is back with its ids, tags and tasks, and the survivor as it was
    assert reply.status == 200, reply.text
    assert reply.json["notReverted"] == [] and reply.json["merge"]["status"] == "undone"
    back = hub.get(f"/hub/v1/contacts/{other['id']}").json
    assert (back["id"], back["number"], back["tags"], back["emails"]) == (
        other["id"], other["number"], other["tags"], other["emails"])
    assert _task_titles(hub, other["id"]) == ["Send the quote"]
    assert _task_titles(hub, survivor["id"]) == ["Call Marie"]
    now = hub.get(f"/hub/v1/contacts/{survivor['id']}").json
    for name in ("name", "emails", "phones", "tags", "customFields", "position", "company"):
        assert now[name] == survivor[name], name
    skarbe = ApiClient(workspace.key, header="X-Api-Key")
    assert skarbe.get(f"/api/connect/contacts/{other['number']}").json["id"] == other["number"]
    # And lists, searches and counts see both again
    assert hub.get("/api/contacts").json["hydra:totalItems"] == 2
    assert [c["id"] for c in hub.get("/hub/v1/contacts?search=perso.example").json["data"]] == [other["id"]]
    # And a second undo is a clear 409
    twice = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert twice.status == 409 and twice.headers["Content-Type"].startswith("application/problem+json")


def test_undo_after_an_edit_keeps_the_edit_and_says_so(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    merge = _merge(hub, survivor, other)["merge"]
    assert hub.patch(f"/hub/v1/contacts/{survivor['id']}", json={"position": "CEO"}).status == 200
    reply = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert reply.status == 200, reply.text
    assert reply.json["notReverted"] == ["position"]
    kept = hub.get(f"/hub/v1/merges/{merge['id']}")
    assert kept.status == 200 and kept.json["status"] == "undone" and kept.json["notReverted"] == ["position"]
    assert kept.json["undoneAt"] is not None
    now = reply.json["contact"]
    assert now["position"] == "CEO" and now["emails"] == survivor["emails"] and now["tags"] == survivor["tags"]


def test_unknown_merges_are_404(hub):
    assert hub.post("/hub/v1/merges/123e4567-e89b-12d3-a456-426614174000/undo").status == 404
    assert hub.post("/hub/v1/merges/not-a-merge/undo").status == 404
    assert hub.get("/hub/v1/merges/123e4567-e89b-12d3-a456-426614174000").status == 404
    assert hub.get("/hub/v1/merges/not-a-merge").status == 404


def test_another_workspace_can_neither_merge_nor_undo_nor_resolve(hub, other_hub, other_workspace):
    # Given a merge in one workspace, and a contact of another
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    merge = _merge(hub, survivor, other)["merge"]
    theirs = _create(other_hub, {"name": "Hank"})  # their number 1 is their own: our numbers start past it here
    before = workspace_items(hub.workspace_id)
    # Then the other workspace reaches none of it, by any id form
    for ref in (survivor["id"], other["id"], other["number"], str(other["number"])):
        reply = other_hub.post(f"/hub/v1/contacts/{theirs['id']}/merge", json={"from": [ref]})
        assert reply.status == 404, (ref, reply.text)
    assert other_hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [theirs["id"]]}).status == 404
    assert other_hub.post(f"/hub/v1/merges/{merge['id']}/undo").status == 404
    assert other_hub.get(f"/hub/v1/merges/{merge['id']}").status == 404
    assert other_hub.get(f"/hub/v1/contacts/{other['id']}").status == 404
    assert other_hub.get(f"/api/contacts/{other['id']}").status == 404
    assert ApiClient(other_workspace.key, header="x-api-key").get(f"/v1/contacts/{other['id']}").status == 404
    assert ApiClient(other_workspace.key, header="X-Api-Key").get(
        f"/api/connect/contacts/{other['number']}").status == 404
    assert _graphql_contact(other_hub, other["id"]) == (None, None)
    # And this workspace is untouched
    assert workspace_items(hub.workspace_id) == before
    # And a contact of this workspace cannot be merged into the other's
    assert hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [theirs["id"]]}).status == 404


@pytest.fixture
def feed(aws):
    """The local stream function and queues, as test_hub_feed runs them."""
    from types import SimpleNamespace

    from contacthub.wiring import services as build_services
    from contacthub.wiring import use_settings
    from contacthub_local.workers import LocalWorkers, local_settings

    settings = local_settings(SETTINGS, (0, 0))
    use_settings(settings)
    issued = build_services().workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")
    workers = LocalWorkers(settings)
    workers.drain()
    client = ApiClient(issued.key)
    client.workspace_id = issued.workspace.id  # type: ignore[attr-defined]
    return SimpleNamespace(api=client, workers=workers)


def _events_after(feed, cursor=None) -> tuple[list[dict], str | None]:
    feed.workers.drain()
    reply = feed.api.get("/hub/v1/events?limit=100" + (f"&after={cursor}" if cursor else ""))
    assert reply.status == 200, reply.text
    events = [e for e in reply.json["data"] if e["resource"]["type"] != "pipeline_state"]
    return events, (reply.json["data"][-1]["id"] if reply.json["data"] else cursor)


def test_the_feed_and_webhooks_tell_the_merge_and_its_undo(feed):
    from hub_support import Receiver

    with Receiver() as receiver:
        _feed_and_webhooks(feed, receiver)


def _feed_and_webhooks(feed, receiver):
    # Given a webhook for merges, two contacts, one with a task, and the feed read up to now
    hook = feed.api.post("/hub/v1/webhooks", json={"url": receiver.url,
                                                   "events": ["contact.merged", "contact.unmerged"]})
    assert hook.status == 201, hook.text
    survivor, other = _create(feed.api, MARIE), _create(feed.api, MARIE_TOO)
    task = _task(feed.api, other, "Send the quote")
    _, cursor = _events_after(feed)
    # When merged
    merge = _merge(feed.api, survivor, other)["merge"]
    events, cursor = _events_after(feed, cursor)
    # Then the feed has the task's move, the merged contact's deletion, the survivor's update and contact.merged
    types = [e["type"] for e in events]
    assert sorted(types) == ["contact.deleted", "contact.merged", "contact.updated", "task.updated"]
    assert types[-1] == "contact.merged"
    merged = events[-1]
    assert merged["resource"] == {"type": "contact", "id": survivor["id"]}
    assert merged["data"]["id"] == merge["id"] and merged["data"]["mergedIds"] == [other["id"]]
    assert merged["data"]["mergedNumbers"] == [other["number"]]
    moved = next(e for e in events if e["type"] == "task.updated")
    assert moved["resource"]["id"] == task["@id"].rsplit("/", 1)[-1] and moved["data"]["contactId"] == survivor["id"]
    # And the feed filters on it, and the webhook got it
    assert feed.api.get("/hub/v1/events?types=contact.merged").json["data"][0]["id"] == merged["id"]
    assert [json.loads(body)["type"] for _, body in receiver.received] == ["contact.merged"]
    # When undone, the feed has the contact back, the task's move back and contact.unmerged
    assert feed.api.post(f"/hub/v1/merges/{merge['id']}/undo").status == 200
    events, _ = _events_after(feed, cursor)
    assert sorted(e["type"] for e in events) == ["contact.created", "contact.unmerged", "contact.updated",
                                                 "task.updated"]
    assert [json.loads(body)["type"] for _, body in receiver.received] == ["contact.merged", "contact.unmerged"]


def test_email_sessions_follow_the_survivor_and_come_back(hub, services, workspace):
    # Given an email being drafted for the contact that is merged
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    prepared = hub.post(f"/api/contacts/{other['id']}/emails/prepare", json={"message": "Follow up on the fair"})
    assert prepared.status in (200, 201), prepared.text
    session_id = prepared.json["sessionId"]
    ws = workspace.workspace.id
    merge = _merge(hub, survivor, other)["merge"]
    # Then the session is the survivor's
    store = services._email_store
    assert store.get_session(ws, survivor["id"], session_id) is not None
    assert store.get_session(ws, other["id"], session_id) is None
    # And after the undo it is the merged contact's again
    assert hub.post(f"/hub/v1/merges/{merge['id']}/undo").status == 200
    assert store.get_session(ws, other["id"], session_id).contact_id == other["id"]
    assert store.get_session(ws, survivor["id"], session_id) is None


def test_a_merge_moving_many_tasks_runs_in_steps_and_refuses_past_its_bound(hub, services, workspace, monkeypatch):
    from contacthub.services import merges as merge_service

    ws = workspace.workspace.id
    survivor, other, third = _create(hub, MARIE), _create(hub, MARIE_TOO), _create(hub, {"name": "Third"})
    for i in range(30):  # more tasks than one transaction could move (each task is 7 items or more)
        services.tasks.create(ws, {"contact_id": other["id"], "title": f"Task {i:02d}",
                                   "due_date": "2025-03-20T10:00:00+00:00"})
    services.tasks.create(ws, {"contact_id": third["id"], "title": "One more", "due_date": "2025-03-20T10:00:00+00:00"})
    # A merge moving more than the bound is refused before anything is written
    monkeypatch.setattr(merge_service, "MAX_MOVED_TASKS", 30)
    before = workspace_items(ws)
    refused = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [other["id"], third["id"]]})
    assert refused.status == 400 and refused.json["errors"][0]["code"] == "merge_over_limit", refused.text
    assert workspace_items(ws) == before
    # Within it, every task moves, and back on undo
    merge = _merge(hub, survivor, other)["merge"]
    assert merge["movedTasks"] == 30 and len(_task_titles(hub, survivor["id"])) == 30
    assert hub.get(f"/hub/v1/contacts/{survivor['id']}").json["id"] == survivor["id"]
    kept = hub.get(f"/hub/v1/merges/{merge['id']}").json
    assert (kept["status"], kept["movedTasks"], kept["mergedIds"]) == ("done", 30, [other["id"]])
    assert hub.post(f"/hub/v1/merges/{merge['id']}/undo").status == 200
    assert len(_task_titles(hub, other["id"])) == 30 and _task_titles(hub, survivor["id"]) == []


def test_an_interrupted_merge_is_finished_by_asking_again(hub, services, workspace, monkeypatch):
    # Given a merge that fails after its first merged contact was removed
    ws = workspace.workspace.id
    survivor, other, third = _create(hub, MARIE), _create(hub, MARIE_TOO), _create(hub, {"name": "Third"})
    _task(hub, third, "Call")
    from contacthub.store.merges import MergeRepository

    real = MergeRepository.remove_merged
    calls = []

    def failing(self, record, contact, refs, **options):
        calls.append(contact.id)
        if len(calls) == 2:
            raise RuntimeError("the function was stopped")
        return real(self, record, contact, refs, **options)

    monkeypatch.setattr(MergeRepository, "remove_merged", failing)
    url, body = f"/hub/v1/contacts/{survivor['id']}/merge", {"from": [other["id"], third["id"]]}
    assert hub.post(url, json=body).status == 500
    # Another merge into the survivor, or of the contact not merged yet, waits for it
    fourth = _create(hub, {"name": "Fourth"})
    assert hub.post(url, json={"from": [fourth["id"]]}).status == 409
    assert hub.post(f"/hub/v1/contacts/{fourth['id']}/merge", json={"from": [third["id"]]}).status == 409
    assert hub.post(f"/hub/v1/contacts/{third['id']}/merge", json={"from": [fourth["id"]]}).status == 409
    # When asked again, it finishes
    monkeypatch.setattr(MergeRepository, "remove_merged", real)
    again = hub.post(url, json=body)
    assert again.status == 200, again.text
    assert again.json["merge"]["mergedIds"] == [other["id"], third["id"]]
    assert _task_titles(hub, survivor["id"]) == ["Call"]
    assert hub.get(f"/hub/v1/contacts/{third['id']}").json["id"] == survivor["id"]
    assert hub.get("/api/contacts").json["hydra:totalItems"] == 2
    # And every lock is released
    assert hub.post(f"/hub/v1/contacts/{fourth['id']}/merge", json={"from": [survivor["id"]]}).status == 200
    assert ws


def test_undo_after_30_days_is_410_and_changes_nothing(hub, services, monkeypatch):
    from datetime import datetime, timedelta, timezone

    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    merge = _merge(hub, survivor, other)["merge"]
    later = datetime.now(timezone.utc) + timedelta(days=31)
    monkeypatch.setattr(services.merges, "clock", lambda: later)
    before = workspace_items(hub.workspace_id)
    reply = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert reply.status == 410 and reply.headers["Content-Type"].startswith("application/problem+json"), reply.text
    assert workspace_items(hub.workspace_id) == before


def test_undo_after_the_survivor_was_deleted_restores_the_merged_contacts(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    _task(hub, other, "Send the quote")
    merge = _merge(hub, survivor, other)["merge"]
    assert hub.delete(f"/hub/v1/contacts/{survivor['id']}").status == 204
    reply = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert reply.status == 200, reply.text
    assert reply.json["contact"] is None and "emails" in reply.json["notReverted"]
    assert hub.get(f"/hub/v1/contacts/{other['id']}").json["id"] == other["id"]
    assert hub.get(f"/hub/v1/contacts/{survivor['id']}").status == 404


def test_a_merge_into_a_merged_contacts_id_goes_to_its_survivor(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    _merge(hub, survivor, other)
    third = _create(hub, {"name": "Third", "emails": ["third@x.example"]})
    reply = hub.post(f"/hub/v1/contacts/{other['id']}/merge", json={"from": [third["id"]]})
    assert reply.status == 200, reply.text
    assert reply.json["contact"]["id"] == survivor["id"] and "third@x.example" in reply.json["contact"]["emails"]
    # while a merged contact named in `from` is gone: 404
    assert hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [other["id"]]}).status == 404


def test_contacts_edited_or_deleted_while_their_merge_was_interrupted(hub, monkeypatch):
    # Given a merge stopped before any contact was removed
    survivor, other, third = _create(hub, MARIE), _create(hub, MARIE_TOO), _create(hub, {"name": "Third"})
    from contacthub.store.merges import MergeRepository

    real = MergeRepository.remove_merged

    def stopped(self, record, contact, refs, **options):
        raise RuntimeError("the function was stopped")

    monkeypatch.setattr(MergeRepository, "remove_merged", stopped)
    url, body = f"/hub/v1/contacts/{survivor['id']}/merge", {"from": [other["id"], third["id"]]}
    assert hub.post(url, json=body).status == 500
    monkeypatch.setattr(MergeRepository, "remove_merged", real)
    # When one contact is edited and the other deleted meanwhile, then the merge asked again
    assert hub.patch(f"/hub/v1/contacts/{other['id']}", json={"website": "https://perso.example"}).status == 200
    assert hub.delete(f"/hub/v1/contacts/{third['id']}").status == 204
    again = hub.post(url, json=body)
    # Then it merges the edited contact as it is now, and the deleted one is no part of it
    assert again.status == 200, again.text
    assert again.json["contact"]["website"] == "https://perso.example"
    assert again.json["merge"]["mergedIds"] == [other["id"]]
    assert hub.get(f"/hub/v1/contacts/{third['id']}").status == 404
    # And its undo restores the contact as it was edited
    undone = hub.post(f"/hub/v1/merges/{again.json['merge']['id']}/undo")
    assert undone.status == 200, undone.text
    assert [c["website"] for c in undone.json["restored"]] == ["https://perso.example"]


def test_a_write_through_a_merged_contacts_id_is_a_404_and_changes_nothing(hub, workspace):
    # Given a merged contact (its id reads the survivor)
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    _merge(hub, survivor, other)
    letsligo = hub
    whautomate = ApiClient(workspace.key, header="x-api-key")
    before = workspace_items(hub.workspace_id)
    # When a client writes through that id, in any dialect or in GraphQL
    patched = hub.patch(f"/hub/v1/contacts/{other['id']}", json={"company": "Globex"})
    deleted = hub.delete(f"/hub/v1/contacts/{other['id']}")
    # Then it is a 404; /hub/v1 names the survivor the contact lives on in
    for reply in (patched, deleted):
        assert reply.status == 404 and reply.headers["Content-Type"] == "application/problem+json", reply.text
        assert reply.json["mergedInto"] == survivor["id"]
    ld_patch = letsligo.patch(f"/api/contacts/{other['id']}", json={"company": "Globex"},
                              headers={"Content-Type": "application/merge-patch+json"})
    assert ld_patch.status == 404 and ld_patch.json["@type"] == "hydra:Error", ld_patch.text
    assert letsligo.delete(f"/api/contacts/{other['id']}").status == 404
    assert letsligo.post(f"/api/contacts/{other['id']}/extend", json={"text": "Met at the fair"}).status == 404
    put = whautomate.put(f"/v1/contacts/{other['id']}", json={"name": "Someone", "phoneNumber": "+33612345678"})
    assert put.status == 404, put.text
    assert whautomate.delete(f"/v1/contacts/{other['id']}").status == 404
    assert whautomate.post(f"/v1/contacts/{other['id']}/tags/add", json={"tags": ["x"]}).status == 404
    gql = hub.post("/graphql", json={"query": """mutation($id: ID!) {
        updateContact(input: {id: $id, company: "Globex"}) { error { __typename } }
        deleteContact(input: {id: $id}) { error { __typename } } }""", "variables": {"id": other["id"]}})
    assert gql.status == 200 and gql.json["data"] == {"updateContact": {"error": {"__typename": "NotFoundError"}},
                                                      "deleteContact": {"error": {"__typename": "NotFoundError"}}}
    # And the survivor is untouched, still read through the merged id
    assert workspace_items(hub.workspace_id) == before
    got = hub.get(f"/hub/v1/contacts/{other['id']}")
    assert got.status == 200 and got.json["id"] == survivor["id"] and got.json["company"] == "Acme Corp"
    # While a write through the survivor's own id goes through
    assert hub.patch(f"/hub/v1/contacts/{survivor['id']}", json={"company": "Globex"}).status == 200

"""/hub/v1/events through the real handlers on moto: the stream function fills the feed, read in order."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from client import ApiClient
from contacthub.wiring import services as build_services
from contacthub.wiring import use_settings
from contacthub_local.workers import LocalWorkers, local_settings
from environment import SETTINGS


@pytest.fixture
def hub(aws):
    # Given the local queues, loopback webhooks and retries without waiting
    settings = local_settings(SETTINGS, (0, 0))
    use_settings(settings)
    services = build_services()
    mine = services.workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")
    other = services.workspaces.create_key("Globex", "Hank Scorpio", "hank@globex.example")
    workers = LocalWorkers(settings)
    workers.drain()  # the workspaces' default pipeline states
    yield SimpleNamespace(settings=settings, services=services, workers=workers,
                          api=ApiClient(mine.key), other=ApiClient(other.key, header="X-Api-Key"),
                          whautomate=ApiClient(mine.key, header="x-api-key"))


def _all_events(api, query="", limit=2):
    events, cursor, pages = [], None, 0
    while True:
        url = f"/hub/v1/events?limit={limit}{query}" + (f"&after={cursor}" if cursor else "")
        reply = api.get(url)
        assert reply.status == 200, reply.text
        events += reply.json["data"]
        pages += 1
        cursor = reply.json["next"]
        if cursor is None:
            return events, pages


def test_changes_through_the_dialects_become_events_in_order(hub):
    # Given a contact created in letsligo, updated in whautomate, a task, then the contact deleted
    created = hub.api.post("/api/contacts", json={"name": "Marie Dubois", "emails": ["marie@acme.example"]}).json
    contact_id = created["@id"].rsplit("/", 1)[-1] if "@id" in created else created["id"]
    assert hub.whautomate.put(f"/v1/contacts/{contact_id}", json={"name": "Marie Dubois",
                                                                   "phoneNumber": "+33 6 12 34 56 78"}).status == 200
    assert hub.api.post("/api/contact_tasks", json={"contact": f"/api/contacts/{contact_id}", "title": "Call",
                                                    "type": "call", "dueDate": "2025-03-20T10:00:00+00:00"}).status == 201
    assert hub.api.delete(f"/api/contacts/{contact_id}").status == 204
    # When the stream function has run
    hub.workers.drain()
    # Then the feed pages through them in order, with the contact's every id
    events, pages = _all_events(hub.api)
    mine = [e for e in events if e["resource"]["type"] != "pipeline_state"]
    assert [e["type"] for e in mine] == ["contact.created", "contact.updated", "task.created", "task.deleted",
                                         "contact.deleted"] or \
        [e["type"] for e in mine] == ["contact.created", "contact.updated", "task.created", "contact.deleted",
                                      "task.deleted"]
    assert pages > 1
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    first = mine[0]
    assert first["resource"] == {"type": "contact", "id": contact_id, "number": first["data"]["number"]}
    assert first["data"]["emails"] == ["marie@acme.example"]
    assert "phones" in mine[1]["changes"]


def test_types_filter_and_workspace_isolation(hub):
    hub.api.post("/api/contacts", json={"name": "Marie Dubois"})
    hub.other.post("/api/connect/contacts", json={"firstName": "Jane", "lastName": "Smith"})
    hub.workers.drain()
    # Then the filter keeps the listed types only
    events, _ = _all_events(hub.api, "&types=contact.created,contact.updated", limit=100)
    assert [e["type"] for e in events] == ["contact.created"]
    assert events[0]["data"]["name"] == "Marie Dubois"
    # And the other workspace sees its own contact only
    theirs, _ = _all_events(hub.other, "&types=contact.created", limit=100)
    assert [e["data"]["name"] for e in theirs] == ["Jane Smith"]


def test_a_cursor_from_another_workspace_or_forged_is_a_400_problem(hub):
    for name in ("A", "B"):
        hub.api.post("/api/contacts", json={"name": name})
    hub.workers.drain()
    cursor = hub.api.get("/hub/v1/events?limit=1").json["next"]
    assert cursor
    for client, after in ((hub.other, cursor), (hub.api, "garbage"), (hub.api, cursor + "x")):
        reply = client.get(f"/hub/v1/events?after={after}")
        assert reply.status == 400, reply.text
        assert reply.headers["Content-Type"] == "application/problem+json"
        assert reply.json["errors"][0]["field"] == "after"


def test_unknown_event_types_are_refused(hub):
    reply = hub.api.get("/hub/v1/events?types=contact.created,contact.exploded")
    assert reply.status == 400 and reply.json["errors"][0]["field"] == "types"


def test_redelivered_stream_records_record_each_event_once(hub):
    from contacthub.events.mapper import events_from_record
    from contacthub.store.tables import ContactItem

    hub.api.post("/api/contacts", json={"name": "Marie Dubois"})
    hub.workers.drain()
    before, _ = _all_events(hub.api, limit=100)
    [item] = list(ContactItem.query(ContactItem.pk.startswith("x") if False else before[0]["data"] and
                                    f"WS#{hub.services.workspaces.authenticate(hub.api.key).workspace_id}",
                                    ContactItem.sk.startswith("CONTACT#")))
    record = {"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": item.pk}, "sk": {"S": item.sk}},
                                                  "NewImage": item.serialize(), "ApproximateCreationDateTime": 0,
                                                  "SequenceNumber": before[-1]["id"].removeprefix("evt_")}}
    hub.services.feed.record(events_from_record(record))
    after, _ = _all_events(hub.api, limit=100)
    assert [e["id"] for e in after] == [e["id"] for e in before]

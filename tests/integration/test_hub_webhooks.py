"""/hub/v1/webhooks through the real handlers on moto: subscriptions, signed deliveries, retries, the DLQ."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from standardwebhooks.webhooks import Webhook

from client import ApiClient
from contacthub.store.tables import WebhookItem
from contacthub.wiring import services as build_services
from contacthub.wiring import use_settings
from contacthub_local.workers import LocalWorkers, local_settings
from environment import SETTINGS
from hub_support import Receiver, closed_port_url


def _hub(retry_schedule=(0, 0)):
    settings = local_settings(SETTINGS, retry_schedule)
    use_settings(settings)
    services = build_services()
    mine = services.workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")
    other = services.workspaces.create_key("Globex", "Hank Scorpio", "hank@globex.example")
    workers = LocalWorkers(settings)
    workers.drain()
    return SimpleNamespace(workers=workers, api=ApiClient(mine.key), other=ApiClient(other.key),
                           skarbe=ApiClient(mine.key, header="X-Api-Key"), services=services)


@pytest.fixture
def hub(aws):
    return _hub()


def _subscribe(hub, url, events=("contact.created", "contact.updated", "contact.deleted")):
    reply = hub.api.post("/hub/v1/webhooks", json={"url": url, "events": list(events)})
    assert reply.status == 201, reply.text
    return reply.json


def _webhook_items() -> int:
    return sum(1 for _ in WebhookItem.scan(WebhookItem.sk.startswith("WEBHOOK#")))  # test-only inspection


def test_crud_and_the_secret_shown_once(hub):
    created = _subscribe(hub, "http://127.0.0.1:9/hooks", ["*"])
    assert created["secret"].startswith("whsec_") and created["events"] == ["*"] and created["enabled"] is True
    hook = f"/hub/v1/webhooks/{created['id']}"
    got = hub.api.get(hook).json
    assert "secret" not in got and got["url"] == "http://127.0.0.1:9/hooks"
    assert [w["id"] for w in hub.api.get("/hub/v1/webhooks").json["data"]] == [created["id"]]
    patched = hub.api.patch(hook, json={"events": ["task.created"], "enabled": False}).json
    assert (patched["events"], patched["enabled"]) == (["task.created"], False)
    rotated = hub.api.post(f"{hook}/rotate-secret").json
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    # another workspace reaches nothing
    assert hub.other.get(hook).status == 404 and hub.other.delete(hook).status == 404
    assert hub.api.delete(hook).status == 204
    assert hub.api.get(hook).status == 404


@pytest.mark.parametrize("body, field", [
    ({"url": "ftp://127.0.0.1/x", "events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1/x", "events": ["contact.exploded"]}, "events[0]"),
    ({"url": "http://127.0.0.1/x", "events": []}, "events"),
    ({"events": ["*"]}, "url"),
    ({"url": "http://127.0.0.1/x", "events": ["*"], "secret": "mine"}, "secret"),
    ({"url": "http://169.254.169.254/latest/meta-data", "events": ["*"]}, "url"),
    ({"url": "http://10.0.0.8/hooks", "events": ["*"]}, "url"),
])
def test_invalid_subscriptions_are_400_problems_and_write_nothing(hub, body, field):
    reply = hub.api.post("/hub/v1/webhooks", json=body)
    assert reply.status == 400, reply.text
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.json["status"] == 400 and field in [e["field"] for e in reply.json["errors"]]
    assert _webhook_items() == 0


def test_production_refuses_loopback_and_plain_http(aws):
    use_settings(SETTINGS)  # not the local server
    services = build_services()
    api = ApiClient(services.workspaces.create_key("Acme", "John", "john@acme.example").key)
    for url in ("http://127.0.0.1:8080/hooks", "https://127.0.0.1/hooks", "https://[::1]/hooks"):
        reply = api.post("/hub/v1/webhooks", json={"url": url, "events": ["*"]})
        assert reply.status == 400 and reply.json["errors"][0]["field"] == "url", (url, reply.text)
    assert _webhook_items() == 0


def test_changes_from_every_dialect_arrive_signed(hub):
    with Receiver() as receiver:
        secret = _subscribe(hub, receiver.url)["secret"]
        # When contacts change through letsligo, skarbe and whautomate
        contact = hub.api.post("/api/contacts", json={"name": "Marie Dubois"}).json
        contact_id = contact["@id"].rsplit("/", 1)[-1]
        hub.api.patch(f"/api/contacts/{contact_id}", json={"company": "Acme Corp"},
                      headers={"Content-Type": "application/merge-patch+json"})
        hub.skarbe.post("/api/connect/contacts", json={"firstName": "Jane", "lastName": "Smith"})
        ApiClient(hub.api.key, header="x-api-key").delete(f"/v1/contacts/{contact_id}")
        hub.workers.drain()
        # Then each event arrives once, verified by the standardwebhooks library
        verifier = Webhook(secret)
        types = []
        for headers, body in receiver.received:
            payload = verifier.verify(body, {k: headers[k] for k in ("webhook-id", "webhook-timestamp",
                                                                    "webhook-signature")})
            assert headers["webhook-id"] == payload["id"]
            types.append(payload["type"])
        assert types == ["contact.created", "contact.updated", "contact.created", "contact.deleted"]
        assert json.loads(receiver.received[1][1])["changes"] == ["company"]


def test_a_receiver_failing_twice_gets_the_event_on_the_third_try(hub):
    with Receiver(failures=2) as receiver:
        webhook = _subscribe(hub, receiver.url, ["contact.created"])
        hub.api.post("/api/contacts", json={"name": "Marie Dubois"})
        hub.workers.drain()
        assert len(receiver.received) == 3
        assert len({h["webhook-id"] for h, _ in receiver.received}) == 1  # one message, retried
    [delivery] = hub.api.get(f"/hub/v1/webhooks/{webhook['id']}/deliveries").json["data"]
    assert delivery["status"] == "succeeded"
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 500, 204]


def test_an_unreachable_receiver_ends_in_the_dead_letter_queue_and_the_log_says_so(hub):
    webhook = _subscribe(hub, closed_port_url(), ["contact.created"])
    hub.api.post("/api/contacts", json={"name": "Marie Dubois"})
    hub.workers.drain()
    [delivery] = hub.api.get(f"/hub/v1/webhooks/{webhook['id']}/deliveries").json["data"]
    assert delivery["status"] == "failed" and delivery["nextAttemptAt"] is None
    assert len(delivery["attempts"]) == 3 and all(a["statusCode"] is None and a["error"] for a in delivery["attempts"])
    [parked] = hub.workers.dead_letters()
    assert json.loads(parked)["deliveryId"] == delivery["id"]
    # And a manual retry queues it again
    retried = hub.api.post(f"/hub/v1/webhooks/{webhook['id']}/deliveries/{delivery['id']}/retry")
    assert retried.status == 202 and retried.json["status"] == "pending"


def test_a_slow_retry_schedule_keeps_the_delivery_pending_with_its_next_attempt(aws):
    hub = _hub(retry_schedule=(3600,))
    webhook = _subscribe(hub, closed_port_url(), ["contact.created"])
    hub.api.post("/api/contacts", json={"name": "Marie Dubois"})
    hub.workers.drain()
    [delivery] = hub.api.get(f"/hub/v1/webhooks/{webhook['id']}/deliveries").json["data"]
    assert delivery["status"] == "pending" and delivery["nextAttemptAt"] is not None
    assert len(delivery["attempts"]) == 1


def test_rotated_secrets_sign_side_by_side(hub):
    with Receiver() as receiver:
        created = _subscribe(hub, receiver.url, ["contact.created"])
        rotated = hub.api.post(f"/hub/v1/webhooks/{created['id']}/rotate-secret").json
        hub.api.post("/api/contacts", json={"name": "Marie Dubois"})
        hub.workers.drain()
        [(headers, body)] = receiver.received
    for secret in (created["secret"], rotated["secret"]):
        Webhook(secret).verify(body, {k: headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")})

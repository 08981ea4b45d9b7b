"""The integration platform through GraphQL: the change feed and webhooks, on the same services as /hub/v1."""
from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook

from client import ApiClient
from contacthub.wiring import services as build_services
from contacthub.wiring import use_settings
from contacthub_local.workers import LocalWorkers, local_settings
from environment import SETTINGS
from hub_support import Receiver, closed_port_url

WEBHOOK_FIELDS = "id url events enabled disabledReason failingSince"
SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class Hub:
    def __init__(self) -> None:
        settings = local_settings(SETTINGS, (0, 0))
        use_settings(settings)
        services = build_services()
        mine = services.workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")
        other = services.workspaces.create_key("Globex", "Hank Scorpio", "hank@globex.example")
        self.workers = LocalWorkers(settings)
        self.workers.drain()  # the workspaces' default pipeline states
        self.api, self.other = ApiClient(mine.key), ApiClient(other.key)

    def gql(self, query: str, client: ApiClient | None = None, **variables) -> dict:
        reply = (client or self.api).post("/graphql", json={"query": query, "variables": variables})
        assert reply.status == 200, reply.text
        return reply.json

    def data(self, query: str, client: ApiClient | None = None, **variables) -> dict:
        answer = self.gql(query, client, **variables)
        assert "errors" not in answer, answer
        return answer["data"]

    def subscribe(self, url: str, events: list[str], key: str | None = None) -> dict:
        return self.data(f"""mutation($input: CreateWebhookInput!, $key: String) {{
            createWebhook(input: $input, idempotencyKey: $key) {{
              webhook {{ {WEBHOOK_FIELDS} }} secret error {{ __typename ... on Error {{ message }} }} }} }}""",
                         input={"url": url, "events": events}, key=key)["createWebhook"]

    def create_contact(self, name: str) -> str:
        made = self.data("""mutation($input: CreateContactInput!) {
            createContact(input: $input) { contact { id } error { __typename } } }""", input={"name": name})
        return made["createContact"]["contact"]["id"]

    def events(self, client: ApiClient | None = None, **arguments) -> dict:
        return self.data("""query($first: Int!, $after: String, $types: [String!]) {
            events(first: $first, after: $after, types: $types) {
              nodes { id type time resource data changes } pageInfo { hasNextPage endCursor } } }""",
                         client, **{"first": 50, **arguments})["events"]


@pytest.fixture
def hub(aws):
    return Hub()


def test_a_webhook_made_in_graphql_receives_signed_graphql_changes(hub):
    with Receiver(failures=2) as receiver:
        made = hub.subscribe(receiver.url, ["contact.created", "contact.updated", "contact.deleted"])
        assert made["secret"].startswith("whsec_") and made["error"] is None
        contact_id = hub.create_contact("Marie Dubois")
        hub.data("""mutation($input: UpdateContactInput!) { updateContact(input: $input) { error { __typename } } }""",
                 input={"id": contact_id, "company": "Acme Corp"})
        hub.data("""mutation($input: DeleteContactInput!) { deleteContact(input: $input) { error { __typename } } }""",
                 input={"id": contact_id})
        hub.workers.drain()
    # Two attempts failed and were retried (deliveries are independent: no order between events); every body
    # verifies with the secret
    verifier = Webhook(made["secret"])
    arrived = [verifier.verify(body, {k: headers[k] for k in SIGNATURE_HEADERS})
               for headers, body in receiver.received]
    assert len(arrived) == 5
    assert {e["type"] for e in arrived} == {"contact.created", "contact.updated", "contact.deleted"}
    assert next(e for e in arrived if e["type"] == "contact.updated")["changes"] == ["company"]
    # And the delivery log, read through GraphQL, says so
    log = hub.data("""query($id: ID!) { webhook(id: $id) {
        deliveries(first: 10) { nodes { eventType status attempts { statusCode } } pageInfo { hasNextPage } }
        } }""", id=made["webhook"]["id"])["webhook"]["deliveries"]
    assert sorted(d["eventType"] for d in log["nodes"]) == ["contact.created", "contact.deleted", "contact.updated"]
    assert [d["status"] for d in log["nodes"]] == ["succeeded"] * 3 and not log["pageInfo"]["hasNextPage"]
    assert sorted(a["statusCode"] for d in log["nodes"] for a in d["attempts"]) == [204, 204, 204, 500, 500]


def test_webhook_crud_rotation_and_isolation(hub):
    made = hub.subscribe("http://127.0.0.1:9/hooks", ["*"])
    webhook_id = made["webhook"]["id"]
    listed = hub.data("{ webhooks { id url events } }")["webhooks"]
    assert listed == [{"id": webhook_id, "url": "http://127.0.0.1:9/hooks", "events": ["*"]}]
    updated = hub.data(f"""mutation($input: UpdateWebhookInput!) {{ updateWebhook(input: $input) {{
        webhook {{ {WEBHOOK_FIELDS} }} error {{ __typename }} }} }}""",
                       input={"id": webhook_id, "events": ["task.created"], "enabled": False})["updateWebhook"]
    assert (updated["webhook"]["events"], updated["webhook"]["enabled"]) == (["task.created"], False)
    rotated = hub.data("""mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) {
        secret error { __typename } } }""", input={"id": webhook_id})["rotateWebhookSecret"]
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != made["secret"]
    # Another workspace sees nothing and changes nothing
    assert hub.data("query($id: ID!) { webhook(id: $id) { id } }", hub.other, id=webhook_id)["webhook"] is None
    assert hub.data("{ webhooks { id } }", hub.other)["webhooks"] == []
    refused = hub.data("""mutation($input: DeleteWebhookInput!) { deleteWebhook(input: $input) {
        deletedWebhookId error { __typename } } }""", hub.other, input={"id": webhook_id})["deleteWebhook"]
    assert refused == {"deletedWebhookId": None, "error": {"__typename": "NotFoundError"}}
    deleted = hub.data("""mutation($input: DeleteWebhookInput!) { deleteWebhook(input: $input) {
        deletedWebhookId error { __typename } } }""", input={"id": webhook_id})["deleteWebhook"]
    assert deleted == {"deletedWebhookId": webhook_id, "error": None}
    assert hub.data("{ webhooks { id } }")["webhooks"] == []


def test_invalid_subscriptions_are_validation_errors_and_write_nothing(hub):
    for url, events in (("ftp://example.com/x", ["*"]), ("http://169.254.169.254/latest", ["*"]),
                        ("http://127.0.0.1:9/x", ["contact.exploded"])):
        refused = hub.subscribe(url, events)
        assert refused["webhook"] is None and refused["secret"] is None
        assert refused["error"]["__typename"] == "ValidationError"
    assert hub.data("{ webhooks { id } }")["webhooks"] == []


def test_an_idempotent_replay_answers_the_same_webhook_without_its_secret(hub):
    first = hub.subscribe("http://127.0.0.1:9/hooks", ["*"], key="create-hook-1")
    replay = hub.subscribe("http://127.0.0.1:9/hooks", ["*"], key="create-hook-1")
    assert replay["webhook"]["id"] == first["webhook"]["id"] and first["secret"] and replay["secret"] is None
    assert len(hub.data("{ webhooks { id } }")["webhooks"]) == 1


def test_a_failed_delivery_is_retried_on_request(hub):
    made = hub.subscribe(closed_port_url(), ["contact.created"])
    hub.create_contact("Marie Dubois")
    hub.workers.drain()
    query = """query($id: ID!) { webhook(id: $id) { failingSince deliveries { nodes { id status } } } }"""
    seen = hub.data(query, id=made["webhook"]["id"])["webhook"]
    [delivery] = seen["deliveries"]["nodes"]
    assert delivery["status"] == "failed" and seen["failingSince"]
    retried = hub.data("""mutation($input: RetryWebhookDeliveryInput!) { retryWebhookDelivery(input: $input) {
        delivery { id status } error { __typename } } }""",
                       input={"webhookId": made["webhook"]["id"], "deliveryId": delivery["id"]})
    assert retried["retryWebhookDelivery"]["delivery"] == {"id": delivery["id"], "status": "pending"}
    missing = hub.data("""mutation($input: RetryWebhookDeliveryInput!) { retryWebhookDelivery(input: $input) {
        delivery { id } error { __typename } } }""", input={"webhookId": made["webhook"]["id"], "deliveryId": "dlv_9"})
    assert missing["retryWebhookDelivery"]["error"] == {"__typename": "NotFoundError"}


def test_the_feed_pages_in_order_like_rest_and_resumes_from_the_last_event_id(hub):
    for name in ("A", "B", "C"):
        hub.create_contact(name)
    hub.workers.drain()
    # Paged two at a time through GraphQL, the feed equals /hub/v1/events
    seen, after = [], None
    while True:
        page = hub.events(first=2, after=after, types=["contact.created"])
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    rest = hub.api.get("/hub/v1/events?types=contact.created").json["data"]
    assert [e["id"] for e in seen] == [e["id"] for e in rest] and len(seen) == 3
    assert [e["data"]["name"] for e in seen] == ["A", "B", "C"]
    assert [e["resource"]["type"] for e in seen] == ["contact"] * 3
    # Caught up: poll from the last event's id, which sees only what came after
    last = seen[-1]["id"]
    assert hub.events(after=last)["nodes"] == []
    hub.create_contact("D")
    hub.workers.drain()
    assert [e["data"]["name"] for e in hub.events(after=last, types=["contact.created"])["nodes"]] == ["D"]
    assert [e["data"]["name"] for e in hub.api.get(
        f"/hub/v1/events?after={last}&types=contact.created").json["data"]] == ["D"]


def test_the_feed_refuses_bad_arguments_and_other_workspaces_cursors(hub):
    for name in ("A", "B"):
        hub.create_contact(name)
    hub.workers.drain()
    cursor = hub.events(first=1)["pageInfo"]["endCursor"]
    assert cursor
    assert hub.events(hub.other, types=["contact.created"])["nodes"] == []  # its own feed only
    query = """query($first: Int!, $after: String, $types: [String!]) {
        events(first: $first, after: $after, types: $types) { nodes { id } } }"""
    for client, variables in ((hub.other, {"first": 5, "after": cursor}), (hub.api, {"first": 5, "after": "x"}),
                              (hub.api, {"first": 0}), (hub.api, {"first": 5, "types": ["contact.exploded"]})):
        answer = hub.gql(query, client, **variables)
        assert answer["data"] is None, answer
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

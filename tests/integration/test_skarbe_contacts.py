"""skarbe contacts through the real handler, API Gateway events and moto DynamoDB."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from client import ApiClient

JANE = {"email": "jane.smith@example.com", "firstName": "Jane", "lastName": "Smith",
        "jobTitle": "Marketing Manager", "companyName": "Tech Solutions Inc", "leadStatus": 1}
ATTRIBUTES = {"id", "email", "photo", "firstName", "lastName", "fullName", "jobTitle", "companyName", "phoneNumbers",
              "facebookUrl", "instagramUrl", "linkedinUrl", "note", "lastActivityAt", "createdAt", "leadStatus"}


def _stored(services, workspace) -> tuple:
    """Everything a create could have changed: contacts, the contact count, the next number."""
    from contacthub.store.tables import WorkspaceItem, workspace_pk

    ws = workspace.workspace.id
    item = WorkspaceItem.get(workspace_pk(ws), "WORKSPACE", consistent_read=True)
    return ([c.id for c in services.contacts.recently_active(ws, 100)], int(item.contacts),
            int(item.nextContactNumber), [(s.id, s.contact_count) for s in services.pipeline.list(ws)])


def test_create_answers_the_created_contact_and_reads_back(skarbe):
    # Given a workspace that already has one contact
    assert skarbe.post("/api/connect/contacts", json={"firstName": "John"}).json["id"] == 1
    # When the doc's create example is sent
    created = skarbe.post("/api/connect/contacts", json=JANE)
    # Then 200 with the created contact: the next integer id, the documented fields, the lead status
    assert created.status == 200, created.text
    assert created.headers["Content-Type"].startswith("application/json")
    body = created.json
    assert set(body) == ATTRIBUTES
    assert body["id"] == 2
    assert {k: body[k] for k in ("email", "firstName", "lastName", "jobTitle", "companyName")} == {
        "email": "jane.smith@example.com", "firstName": "Jane", "lastName": "Smith",
        "jobTitle": "Marketing Manager", "companyName": "Tech Solutions Inc"}
    assert body["fullName"] == "Jane Smith"
    assert body["leadStatus"] == {"id": 1, "label": "New Lead", "color": "#3B82F6"}
    assert body["createdAt"].endswith("Z") and body["lastActivityAt"] == body["createdAt"]
    # And it reads back by its integer id, identical
    assert skarbe.get("/api/connect/contacts/2").json == body


def test_every_documented_field_round_trips(skarbe, services, workspace):
    sent = {"email": "Ana@Example.COM", "firstName": "Ana", "lastName": "Lima", "jobTitle": "CTO",
            "companyName": "Lima SA", "phoneNumbers": ["+33 6 12 34 56 78", "01 23 45 67 89"],
            "facebookUrl": "https://facebook.com/ana", "instagramUrl": "https://instagram.com/ana",
            "linkedinUrl": "https://linkedin.com/in/ana", "twitterUrl": "https://x.com/ana", "note": "Met in Lisbon"}
    body = skarbe.post("/api/connect/contacts", json=sent).json
    assert body["email"] == "Ana@example.com"  # the domain part is normalised, the local part kept
    assert body["phoneNumbers"] == sent["phoneNumbers"]  # as typed
    for key in ("facebookUrl", "instagramUrl", "linkedinUrl", "note", "jobTitle", "companyName"):
        assert body[key] == sent[key]
    assert "twitterUrl" not in body  # accepted and stored, but not a documented response attribute
    stored = services.contacts.get_by_number(workspace.workspace.id, body["id"])
    assert stored.twitter_url == "https://x.com/ana" and stored.notes == "Met in Lisbon"
    one_phone = skarbe.post("/api/connect/contacts", json={"firstName": "Bo", "phoneNumbers": "+44 20 7946 0000"})
    assert one_phone.json["phoneNumbers"] == ["+44 20 7946 0000"]


def test_email_only_contact(skarbe):
    body = skarbe.post("/api/connect/contacts", json={"email": "solo@example.com"}).json
    assert body["email"] == "solo@example.com" and body["firstName"] is None and body["fullName"] is None
    assert body["leadStatus"] is None


def test_query_matches_first_name_last_name_or_email_by_prefix(skarbe):
    # Given the doc's John Doe and a few others
    john = skarbe.post("/api/connect/contacts", json={"email": "john.doe@example.com", "firstName": "John",
                                                      "lastName": "Doe", "jobTitle": "Developer",
                                                      "companyName": "Acme Corp", "leadStatus": 1}).json
    elodie = skarbe.post("/api/connect/contacts", json={"firstName": "Élodie", "lastName": "Martín",
                                                        "email": "e.martin@corp.example"}).json
    skarbe.post("/api/connect/contacts", json={"firstName": "Johnny", "lastName": "Smith"})
    skarbe.post("/api/connect/contacts", json={"email": "zed@zcorp.example"})

    def ids(query):
        reply = skarbe.get(f"/api/connect/contacts?query={query}")
        assert reply.status == 200, reply.text
        return sorted(c["id"] for c in reply.json)

    # When searching the doc's way, Then the example answer
    found = skarbe.get("/api/connect/contacts?query=john").json
    # John then Johnny, both first-name prefixes: a one-word search answers in the matched word's order
    assert [c["id"] for c in found] == [1, 3]
    assert {k: found[0][k] for k in ("email", "firstName", "lastName", "fullName", "jobTitle", "companyName",
                                     "leadStatus")} == {
        "email": "john.doe@example.com", "firstName": "John", "lastName": "Doe", "fullName": "John Doe",
        "jobTitle": "Developer", "companyName": "Acme Corp",
        "leadStatus": {"id": 1, "label": "New Lead", "color": "#3B82F6"}}
    assert ids("doe") == [john["id"]]  # last name
    assert ids("JOHN.DOE@") == [john["id"]]  # email prefix, any case
    assert ids("elodie") == ids("ÉLO") == ids("marti") == [elodie["id"]]  # accents and case folded
    assert ids("e.mar") == [elodie["id"]]
    assert ids("john%20doe") == [john["id"]]  # every word must match
    assert ids("zed") == [4]
    assert ids("acme") == []  # company is not searched by skarbe's query
    assert ids("nobody") == [] and ids("%25%23") == []


def test_without_query_most_recently_active_first_with_a_cap(skarbe, services, workspace):
    numbers = [skarbe.post("/api/connect/contacts", json={"firstName": f"P{i}"}).json["id"] for i in range(4)]
    assert [c["id"] for c in skarbe.get("/api/connect/contacts").json] == numbers[::-1]
    assert [c["id"] for c in skarbe.get("/api/connect/contacts?query=%20%20").json] == numbers[::-1]
    # activity moves a contact to the front
    first = services.contacts.get_by_number(workspace.workspace.id, numbers[0])
    services.contacts.record_activity(workspace.workspace.id, first.id)
    assert skarbe.get("/api/connect/contacts").json[0]["id"] == numbers[0]
    assert len(skarbe.get("/api/connect/contacts?limit=2").json) == 2
    assert len(skarbe.get("/api/connect/contacts?query=p&limit=3").json) == 3
    for bad in ("limit=0", "limit=101", "limit=abc", "query=" + "x" * 101):
        reply = skarbe.get(f"/api/connect/contacts?{bad}")
        assert reply.status == 400 and set(reply.json) == {"error"}, (bad, reply.text)


def test_documented_validation_messages(skarbe, services, workspace):
    before = _stored(services, workspace)
    cases = [
        ({}, "At least email or firstName is required"),
        ({"lastName": "Smith"}, "At least email or firstName is required"),
        ({"email": "", "firstName": "   "}, "At least email or firstName is required"),
        ({"email": "not-an-email"}, "Invalid email"),
        ({"email": "jane@", "firstName": "Jane"}, "Invalid email"),
        ({"email": 42, "firstName": "Jane"}, "Invalid email"),
        ({"firstName": "Jane", "leadStatus": 99}, "Invalid lead status"),
        ({"firstName": "Jane", "leadStatus": -1}, "Invalid lead status"),
        ({"firstName": "Jane", "leadStatus": "1"}, "Invalid lead status"),
        ({"firstName": "Jane", "leadStatus": True}, "Invalid lead status"),
        ({"firstName": "Jane", "leadStatus": {"id": 1}}, "Invalid lead status"),
    ]
    for sent, message in cases:
        reply = skarbe.post("/api/connect/contacts", json=sent)
        assert (reply.status, reply.json) == (400, {"error": message}), (sent, reply.text)
    assert _stored(services, workspace) == before


def test_rejected_writes_change_nothing(skarbe, services, workspace):
    # Given one contact
    skarbe.post("/api/connect/contacts", json=JANE)
    before = _stored(services, workspace)
    cases = [
        ({"json": {"firstName": "X", "jobTitle": "y" * 300}}, 400, "jobTitle: "),
        ({"json": {"firstName": "X", "phoneNumbers": ["+33 6", "no digits"]}}, 400, "phoneNumbers[1]: "),
        ({"json": {"firstName": "X", "phoneNumbers": [f"+33 6 12 34 56 {i:02d}" for i in range(6)]}}, 400,
         "phoneNumbers: "),
        ({"json": {"firstName": "X", "note": "n" * 10_001}}, 400, "note: "),
        ({"json": {"firstName": "X", "linkedinUrl": 5}}, 400, "linkedinUrl: "),
        ({"json": {"firstName": "X", "id": 7}}, 400, "id: "),
        ({"json": {"firstName": "X", "createdAt": "2020-01-01T00:00:00Z"}}, 400, "createdAt: "),
        ({"json": {"firstName": "X", "fullName": "X Y"}}, 400, "fullName: "),
        ({"json": {"firstName": ["X"]}}, 400, "firstName: "),
        ({"body": "{not json", "headers": {"Content-Type": "application/json"}}, 400, "Syntax error"),
        ({"body": "[]", "headers": {"Content-Type": "application/json"}}, 400, ""),
        ({"body": "firstName=X", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 415, ""),
        ({"json": {"firstName": "X", "note": "n" * 300_000}}, 413, ""),
    ]
    for kwargs, status, starts in cases:
        reply = skarbe.post("/api/connect/contacts", **kwargs)
        assert reply.status == status, (kwargs.get("json", kwargs.get("body")), reply.status, reply.text[:200])
        assert set(reply.json) == {"error"} and reply.json["error"].startswith(starts), reply.text[:200]
    # Then nothing was written, no number was spent: the next contact gets the next id
    assert _stored(services, workspace) == before
    assert skarbe.post("/api/connect/contacts", json={"firstName": "Next"}).json["id"] == 2


def test_get_by_integer_id_and_unknown_ids(skarbe):
    skarbe.post("/api/connect/contacts", json=JANE)
    assert skarbe.get("/api/connect/contacts/1").json["firstName"] == "Jane"
    for missing in ("2", "0", "-1", "1.0", "abc", "9999999999999", "1%20OR%201", "%C2%B9"):
        reply = skarbe.get(f"/api/connect/contacts/{missing}")
        assert (reply.status, reply.json) == (404, {"error": "Contact not found"}), (missing, reply.text)


def test_lead_statuses_path_is_not_taken_for_an_id(skarbe):
    reply = skarbe.get("/api/connect/contacts/lead-statuses")
    assert reply.status == 200 and isinstance(reply.json, list) and reply.json[0]["label"] == "New Lead"


def test_authentication(workspace):
    assert ApiClient(workspace.key).get("/api/connect/contacts").status == 200  # Authorization: Bearer
    assert ApiClient(workspace.key, header="X-Api-Key").get("/api/connect/me").status == 200
    for client, headers in [(ApiClient(None), None), (ApiClient("chk_" + "0" * 43, header="X-Api-Key"), None),
                            (ApiClient("short", header="X-Api-Key"), None),
                            (ApiClient(None), {"Authorization": "Basic abc"})]:
        for method, url, body in [("GET", "/api/connect/contacts", None), ("POST", "/api/connect/contacts", JANE),
                                  ("GET", "/api/connect/contacts/1", None), ("GET", "/api/connect/me", None),
                                  ("GET", "/api/connect/contacts/lead-statuses", None)]:
            reply = client.request(method, url, json=body, headers=headers)
            assert reply.status == 401 and set(reply.json) == {"error"}, (method, url, reply.text)


def test_contacts_of_other_dialects_have_integer_ids(skarbe, letsligo):
    letsligo.post("/api/contacts", json={"name": "Marie Dubois", "emails": ["marie@acme.example"],
                                         "additionalInfo": "Met at the fair"})
    [marie] = skarbe.get("/api/connect/contacts?query=marie").json
    assert (marie["id"], marie["firstName"], marie["lastName"], marie["fullName"], marie["note"]) == (
        1, "Marie", "Dubois", "Marie Dubois", "Met at the fair")


def test_other_workspace_cannot_see_or_reach(skarbe, other_skarbe, services, workspace):
    # Given contacts 1 and 2 in our workspace, and a fifth lead status only we have
    skarbe.post("/api/connect/contacts", json=JANE)
    skarbe.post("/api/connect/contacts", json={"firstName": "John", "email": "john@acme.example"})
    ours = services.pipeline.create(workspace.workspace.id, "Nurturing", "#F59E0B")
    assert ours.number == 5
    # Then the other workspace finds nothing of ours: by number, by search, by listing
    assert other_skarbe.get("/api/connect/contacts/1").status == 404
    assert other_skarbe.get("/api/connect/contacts/2").status == 404
    assert other_skarbe.get("/api/connect/contacts?query=jane").json == []
    assert other_skarbe.get("/api/connect/contacts?query=john@acme").json == []
    assert other_skarbe.get("/api/connect/contacts").json == []
    # nor can it use our lead status
    assert other_skarbe.post("/api/connect/contacts", json={"firstName": "X", "leadStatus": 5}).json == {
        "error": "Invalid lead status"}
    assert [s["id"] for s in other_skarbe.get("/api/connect/contacts/lead-statuses").json] == [1, 2, 3, 4]
    # And its own contact #1 is its own, while ours is untouched
    theirs = other_skarbe.post("/api/connect/contacts", json={"firstName": "Hank", "leadStatus": 2}).json
    assert theirs["id"] == 1 and theirs["leadStatus"]["label"] == "Qualified Lead"
    assert other_skarbe.get("/api/connect/contacts/1").json["firstName"] == "Hank"
    assert skarbe.get("/api/connect/contacts/1").json["firstName"] == "Jane"
    assert skarbe.post("/api/connect/contacts", json={"firstName": "Y", "leadStatus": 5}).json["leadStatus"] == {
        "id": 5, "label": "Nurturing", "color": "#F59E0B"}


@pytest.fixture
def atomic_moto(monkeypatch):
    """Each moto API call runs alone, as each DynamoDB request is atomic; threads still interleave between calls."""
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    original = BotocoreStubber.process_request

    def process_request(self, request):
        with lock:
            return original(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", process_request)


def test_concurrent_creates_get_distinct_numbers(atomic_moto, services, workspace, skarbe):
    # Given 20 creates released at once (a Lambda container handles one event at a time, so concurrent
    # invocations are modelled as threads calling the service)
    ws = workspace.workspace.id
    start = threading.Barrier(20)

    def create(i):
        start.wait()
        return services.contacts.create(ws, {"first_name": f"Racer{i}"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        created = list(pool.map(create, range(20)))
    # Then 20 distinct numbers, 1..20, each reading back its own contact
    assert sorted(c.number for c in created) == list(range(1, 21))
    by_number = {c.number: c.first_name for c in created}
    for number in (1, 7, 20):
        assert skarbe.get(f"/api/connect/contacts/{number}").json["firstName"] == by_number[number]

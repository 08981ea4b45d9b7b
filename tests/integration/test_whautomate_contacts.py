"""whautomate contacts through the real handler, API Gateway events and moto DynamoDB."""
import json
from urllib.parse import quote

import pytest
from client import ApiClient

# The doc's POST /v1/contacts example with its "text" placeholders made concrete.
SEED = {"id": "text", "name": "Amira Haddad", "phoneNumber": "+971 50 123 4567",
        "location": {"id": "loc-dubai", "title": "Dubai Marina"}, "stage": "Subscriber",
        "notes": "Asked about the spa package", "customFields": {"membership": "gold", "visits": 3},
        "tags": ["spa", "newsletter"]}
WIRE_KEYS = {"id", "name", "phoneNumber", "location", "stage", "notes", "customFields", "tags", "channel"}
MISSING = "123e4567-e89b-12d3-a456-426614174000"


def test_create_get_put_delete(whautomate):
    # Given the doc's create request
    created = whautomate.post("/v1/contacts", json=SEED)
    # Then a 200 with the contact under a server-assigned UUID (the client's "id" is ignored)
    assert created.status == 200, created.text
    assert created.headers["Content-Type"].startswith("application/json")
    contact = created.json
    assert contact.keys() == WIRE_KEYS and contact["id"] != "text" and len(contact["id"]) == 36
    assert {k: contact[k] for k in SEED if k != "id"} == {k: v for k, v in SEED.items() if k != "id"}
    assert contact["channel"] is None
    assert whautomate.get(f"/v1/contacts/{contact['id']}").json == contact
    # When it is replaced with what the client read back, changed
    sent = {**contact, "stage": "Customer", "tags": ["spa"], "channel": "whatsapp"}
    put = whautomate.put(f"/v1/contacts/{contact['id']}", json=sent)
    assert put.status == 200, put.text
    assert put.json == sent
    assert whautomate.get(f"/v1/contacts/{contact['id']}").json == sent
    # And deleted
    deleted = whautomate.delete(f"/v1/contacts/{contact['id']}")
    assert deleted.status == 200 and deleted.json == {"success": True}
    assert whautomate.get(f"/v1/contacts/{contact['id']}").status == 404
    assert whautomate.delete(f"/v1/contacts/{contact['id']}").status == 404


def test_client_chosen_id_never_selects_or_overwrites_a_contact(whautomate):
    first = whautomate.post("/v1/contacts", json={"name": "First", "phoneNumber": "+33 6 11 11 11 11"}).json
    second = whautomate.post("/v1/contacts", json={"id": first["id"], "name": "Second", "phoneNumber": "0622222222"})
    assert second.status == 200 and second.json["id"] != first["id"]
    assert whautomate.get(f"/v1/contacts/{first['id']}").json == first


def test_put_clears_what_whautomate_owns_and_keeps_the_rest(whautomate, workspace, services):
    # Given a contact with fields only the other dialects show
    ws = workspace.workspace.id
    state = services.pipeline.list(ws)[1]
    made = services.contacts.create(ws, {
        "first_name": "Marie Anne", "last_name": "Dubois", "emails": ["marie@acme.example"], "company": "Acme",
        "phones": ["+33 6 12 34 56 78", "+33 1 40 00 00 00"], "stage": "Lead", "notes": "n", "tags": ["vip"],
        "custom_fields": {"a": 1}, "location": {"id": "paris"}, "channel": "telegram",
        "pipeline_state_id": state.id})
    # When whautomate PUTs only the two required fields, the same name and a new primary phone
    reply = whautomate.put(f"/v1/contacts/{made.id}", json={"name": "Marie Anne Dubois", "phoneNumber": "07 00 00 00 00"})
    # Then what whautomate documents is replaced (omitted = cleared), channel and the rest are kept
    assert reply.status == 200, reply.text
    assert reply.json == {"id": made.id, "name": "Marie Anne Dubois", "phoneNumber": "07 00 00 00 00",
                          "location": None, "stage": None, "notes": None, "customFields": {}, "tags": [],
                          "channel": "telegram"}
    after = services.contacts.get(ws, made.id)
    assert (after.first_name, after.last_name) == ("Marie Anne", "Dubois")  # not re-split
    assert after.emails == ("marie@acme.example",) and after.company == "Acme"
    assert [p.raw for p in after.phones] == ["07 00 00 00 00", "+33 1 40 00 00 00"]
    assert after.pipeline_state_id == state.id
    assert services.contacts.tag_counts(ws) == []
    assert services.contacts.location_counts(ws) == []


def test_put_that_lost_a_race_is_a_409_and_loses_nothing(whautomate, workspace, services, monkeypatch):
    ws = workspace.workspace.id
    cid = whautomate.post("/v1/contacts", json={"name": "Race", "phoneNumber": "0611111111"}).json["id"]
    stale = services.contacts.get(ws, cid)
    services.contacts.update(ws, cid, {"emails": ["winner@x.example"]})  # someone else wrote meanwhile
    monkeypatch.setattr(type(services.contacts), "get", lambda self, w, c: stale)
    reply = whautomate.put(f"/v1/contacts/{cid}", json={"name": "Race", "phoneNumber": "0622222222"})
    monkeypatch.undo()
    assert reply.status == 409 and reply.json["error"] == "Conflict"
    kept = services.contacts.get(ws, cid)
    assert kept.emails == ("winner@x.example",) and kept.phones[0].raw == "0611111111"


def _ids(reply):
    assert reply.status == 200, reply.text
    assert isinstance(reply.json, list)
    return [c["id"] for c in reply.json]


def test_search_filters_combine(whautomate):
    def add(name, phone, **extra):
        return whautomate.post("/v1/contacts", json={"name": name, "phoneNumber": phone, **extra}).json["id"]

    elodie = add("Élodie Martin", "+33 6 12 34 56 78", tags=["VIP", "paid"], channel="whatsapp",
                 location={"id": "paris", "title": "Paris"})
    eloi = add("Eloi Durand", "+44 20 7946 0000", tags=["vip"], channel="telegram",
               location={"id": "paris", "title": "Paris"})
    zoe = add("Zoé Petit", "0699887766", tags=["paid"], channel="whatsapp", location={"id": "lyon"})

    assert _ids(whautomate.get("/v1/contacts")) == [zoe, eloi, elodie]  # newest first
    assert whautomate.get("/v1/contacts").headers["X-Total-Count"] == "3"
    assert set(_ids(whautomate.get("/v1/contacts?searchText=elo"))) == {elodie, eloi}  # accents folded
    assert _ids(whautomate.get("/v1/contacts?searchText=" + quote("élodie mar"))) == [elodie]
    for phone in ("0612345678", "+33612", "06 12 34", "+33 6 12 34 56 78", "612345678"):
        assert _ids(whautomate.get("/v1/contacts?searchText=" + quote(phone))) == [elodie], phone
    assert _ids(whautomate.get("/v1/contacts?searchText=" + quote("020 7946"))) == [eloi]
    assert _ids(whautomate.get("/v1/contacts?tags=vip")) == [eloi, elodie]  # case-insensitive
    assert _ids(whautomate.get("/v1/contacts?tags=" + quote("vip, PAID"))) == [elodie]  # AND
    assert _ids(whautomate.get("/v1/contacts?tags=vip,nope")) == []
    assert _ids(whautomate.get("/v1/contacts?locationId=paris")) == [eloi, elodie]
    assert _ids(whautomate.get("/v1/contacts?channel=WhatsApp")) == [zoe, elodie]
    assert _ids(whautomate.get("/v1/contacts?channel=whatsapp&tags=paid&locationId=lyon")) == [zoe]
    assert _ids(whautomate.get("/v1/contacts?searchText=elo&channel=whatsapp")) == [elodie]
    assert _ids(whautomate.get("/v1/contacts?searchText=zzz")) == []


def test_search_by_email_set_elsewhere(whautomate, workspace, services):
    made = services.contacts.create(workspace.workspace.id, {"name": "Kai", "emails": ["kai.lee@corp.example"]})
    assert _ids(whautomate.get("/v1/contacts?searchText=KAI.LE")) == [made.id]
    assert whautomate.get(f"/v1/contacts/{made.id}").json["phoneNumber"] is None


def test_pages(whautomate):
    ids = [whautomate.post("/v1/contacts", json={"name": f"Person {i}", "phoneNumber": f"06000000{i:02d}"}).json["id"]
           for i in range(5)]
    newest = list(reversed(ids))
    assert _ids(whautomate.get("/v1/contacts?limit=2")) == newest[:2]
    assert _ids(whautomate.get("/v1/contacts?limit=2&page=2")) == newest[2:4]
    last = whautomate.get("/v1/contacts?limit=2&page=3")
    assert _ids(last) == newest[4:] and last.headers["X-Total-Count"] == "5"
    assert _ids(whautomate.get("/v1/contacts?limit=2&page=4")) == []
    # a one-word search is ordered by the matched word (its index's order), so pages are compared as sets
    searched = [_ids(whautomate.get(f"/v1/contacts?searchText=person&limit=3&page={n}")) for n in (1, 2)]
    assert len(searched[1]) == 2 and sorted(searched[0] + searched[1]) == sorted(ids)
    assert len(_ids(whautomate.get("/v1/contacts"))) == 5  # default limit 20


@pytest.mark.parametrize(("query", "field"), [
    ("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"), ("limit=-1", "limit"),
    ("page=0", "page"), ("page=-2", "page"), ("page=x", "page"),
    ("searchText=" + "a" * 101, "searchText"), ("tags=" + ",".join(f"t{i}" for i in range(11)), "tags"),
    ("tags=" + "x" * 51, "tags"), ("channel=" + "c" * 40, "channel"),
])
def test_invalid_list_parameters_are_400(whautomate, query, field):
    reply = whautomate.get(f"/v1/contacts?{query}")
    assert reply.status == 400, reply.text
    assert reply.json["error"] == "ValidationError" and reply.json["field"] == field


def _snapshot(whautomate, services, ws):
    contacts = whautomate.get("/v1/contacts?limit=100").json
    return json.dumps([contacts, [(t.tag, t.count) for t in services.contacts.tag_counts(ws)],
                       [(l.id, l.count) for l in services.contacts.location_counts(ws)]], sort_keys=True)


def test_rejected_writes_change_nothing(whautomate, workspace, services):
    ws = workspace.workspace.id
    cid = whautomate.post("/v1/contacts", json={**SEED, "channel": "whatsapp"}).json["id"]
    before = _snapshot(whautomate, services, ws)
    ok = {"name": "X", "phoneNumber": "0612345678"}
    json_header = {"Content-Type": "application/json"}
    cases = [
        ("POST", "/v1/contacts", {"body": "{not json", "headers": json_header}, 400, None),
        ("POST", "/v1/contacts", {"body": "", "headers": json_header}, 400, None),
        ("POST", "/v1/contacts", {"json": []}, 400, None),
        ("POST", "/v1/contacts", {"json": {"phoneNumber": "0612345678"}}, 400, "name"),
        ("POST", "/v1/contacts", {"json": {"name": "X"}}, 400, "phoneNumber"),
        ("POST", "/v1/contacts", {"json": {"name": "  ", "phoneNumber": "0612345678"}}, 400, "name"),
        ("POST", "/v1/contacts", {"json": {"name": "X", "phoneNumber": "call me"}}, 400, "phoneNumber"),
        ("POST", "/v1/contacts", {"json": {"name": "X", "phoneNumber": "1" * 50}}, 400, "phoneNumber"),
        ("POST", "/v1/contacts", {"json": {**ok, "stage": "Prospect"}}, 400, "stage"),
        ("POST", "/v1/contacts", {"json": {**ok, "customFields": {"a": {"nested": 1}}}}, 400, "customFields.a"),
        ("POST", "/v1/contacts", {"json": {**ok, "customFields": {"a": [1]}}}, 400, "customFields.a"),
        ("POST", "/v1/contacts", {"json": {**ok, "customFields": {"a": "v" * 1001}}}, 400, "customFields.a"),
        ("POST", "/v1/contacts", {"json": {**ok, "customFields": {f"k{i}": i for i in range(51)}}}, 400,
         "customFields"),
        ("POST", "/v1/contacts", {"json": {**ok, "customFields": "text"}}, 400, "customFields"),
        ("POST", "/v1/contacts", {"body": json.dumps(ok)[:-1] + ', "customFields": {"a": NaN}}',
                                  "headers": json_header}, 400, "customFields"),
        ("POST", "/v1/contacts", {"body": '{"name": "X\\ud800", "phoneNumber": "0612345678"}',
                                  "headers": json_header}, 400, "name"),
        ("POST", "/v1/contacts", {"json": {**ok, "tags": [f"t{i}" for i in range(11)]}}, 400, "tags"),
        ("POST", "/v1/contacts", {"json": {**ok, "tags": ["ok", " "]}}, 400, "tags[1]"),
        ("POST", "/v1/contacts", {"json": {**ok, "tags": ["t" * 51]}}, 400, "tags[0]"),
        ("POST", "/v1/contacts", {"json": {**ok, "tags": "vip"}}, 400, "tags"),
        ("POST", "/v1/contacts", {"json": {**ok, "location": {"title": "No id"}}}, 400, "location.id"),
        ("POST", "/v1/contacts", {"json": {**ok, "location": {"id": " "}}}, 400, "location.id"),
        ("POST", "/v1/contacts", {"json": {**ok, "channel": "What's App"}}, 400, "channel"),
        ("POST", "/v1/contacts", {"json": {**ok, "notes": "n" * 10_001}}, 400, "notes"),
        ("POST", "/v1/contacts", {"json": {**ok, "name": "n" * 256}}, 400, "name"),
        ("POST", "/v1/contacts", {"json": {**ok, "email": "x@example.com"}}, 400, "email"),
        ("POST", "/v1/contacts", {"json": {**ok, "notes": "y" * 300_000}}, 413, None),
        ("POST", "/v1/contacts", {"body": "name=X", "headers": {"Content-Type": "text/plain"}}, 415, None),
        ("PUT", f"/v1/contacts/{cid}", {"json": {"name": "X"}}, 400, "phoneNumber"),
        ("PUT", f"/v1/contacts/{cid}", {"json": {**ok, "id": MISSING}}, 400, "id"),
        ("PUT", f"/v1/contacts/{cid}", {"json": {**ok, "stage": "lead"}}, 400, "stage"),
        ("PUT", f"/v1/contacts/{cid}", {"json": {**ok, "name": None}}, 400, "name"),
        ("PUT", f"/v1/contacts/{cid}", {"json": {**ok, "phoneNumber": ""}}, 400, "phoneNumber"),
        ("PUT", f"/v1/contacts/{cid}", {"json": {**ok, "tags": [f"t{i}" for i in range(11)]}}, 400, "tags"),
        ("PUT", f"/v1/contacts/{cid}", {"json": {**ok, "customFields": {"": 1}}}, 400, "customFields."),
        ("PUT", f"/v1/contacts/{MISSING}", {"json": ok}, 404, None),
        ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {}}, 400, "tags"),
        ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {"tags": "vip"}}, 400, "tags"),
        ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {"tags": [1]}}, 400, "tags[0]"),
        ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {"tags": ["x", ""]}}, 400, "tags[1]"),
        ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {"tags": [f"n{i}" for i in range(9)]}}, 400, "tags"),
        ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {"tags": ["x"], "extra": 1}}, 400, "extra"),
        ("POST", f"/v1/contacts/{cid}/tags/remove", {"body": "nope", "headers": json_header}, 400, None),
        ("POST", f"/v1/contacts/{cid}/tags/remove", {"json": {"tags": ["t" * 51]}}, 400, "tags[0]"),
        ("POST", f"/v1/contacts/{MISSING}/tags/add", {"json": {"tags": ["x"]}}, 404, None),
        ("DELETE", f"/v1/contacts/{MISSING}", {}, 404, None),
        ("DELETE", "/v1/contacts/not-a-uuid", {}, 404, None),
    ]
    for method, url, kwargs, status, field in cases:
        reply = whautomate.request(method, url, **kwargs)
        case = (method, url, kwargs.get("json", kwargs.get("body")), reply.status, reply.text[:300])
        assert reply.status == status, case
        assert reply.json["error"] and reply.json["message"], case
        if field is not None:
            assert reply.json["error"] == "ValidationError" and reply.json["field"] == field, case
            assert reply.json["details"][0]["field"] == field, case
        else:
            assert "field" not in reply.json, case
    assert _snapshot(whautomate, services, ws) == before


def test_authentication(whautomate, workspace):
    assert ApiClient(workspace.key).get("/v1/contacts").status == 200  # Authorization: Bearer
    assert ApiClient(workspace.key, header="X-API-KEY").get("/v1/contacts").status == 200
    for client in (ApiClient(None), ApiClient("chk_unknown_key_000000000000000000000", header="x-api-key"),
                   ApiClient("short", header="x-api-key")):
        reply = client.get("/v1/contacts")
        assert reply.status == 401 and reply.json["error"] == "Unauthorized", reply.text
    malformed = ApiClient(None).get("/v1/contacts", headers={"Authorization": "Basic abc"})
    assert malformed.status == 401 and malformed.json["error"] == "Unauthorized"
    # a bad key is refused before the body is even looked at
    assert ApiClient(None).post("/v1/contacts", json={"name": "X"}).status == 401


def test_unknown_ids_are_404(whautomate):
    for cid in (MISSING, "not-a-uuid", "1"):
        for method, url, kwargs in (("GET", f"/v1/contacts/{cid}", {}),
                                    ("PUT", f"/v1/contacts/{cid}", {"json": {"name": "X", "phoneNumber": "0611"}}),
                                    ("DELETE", f"/v1/contacts/{cid}", {}),
                                    ("POST", f"/v1/contacts/{cid}/tags/add", {"json": {"tags": ["x"]}}),
                                    ("POST", f"/v1/contacts/{cid}/tags/remove", {"json": {"tags": ["x"]}})):
            reply = whautomate.request(method, url, **kwargs)
            assert reply.status == 404 and reply.json == {"error": "NotFound", "message": "Not Found"}, (method, url)

"""One contact, three wire shapes: what one dialect writes, the other two read, find, change and delete.

letsligo and whautomate address a contact by its UUID, skarbe by its per-workspace number; the tests find
each through the other dialect's own search, never through the store.
"""
from urllib.parse import quote



def ok(reply, status=200):
    assert reply.status == status, reply.text
    return reply.json


def ll_ids(letsligo, query):
    return [m["id"] for m in ok(letsligo.get(f"/api/contacts?{query}"))["hydra:member"]]


def wa_ids(whautomate, search_text):
    return [c["id"] for c in ok(whautomate.get(f"/v1/contacts?searchText={quote(search_text)}"))]


def sk_ids(skarbe, query):
    return [c["id"] for c in ok(skarbe.get(f"/api/connect/contacts?query={quote(query)}"))]


def gone_everywhere(letsligo, skarbe, whautomate, uuid, number):
    assert letsligo.get(f"/api/contacts/{uuid}").status == 404
    assert whautomate.get(f"/v1/contacts/{uuid}").status == 404
    assert skarbe.get(f"/api/connect/contacts/{number}").status == 404


def test_letsligo_contact_through_whautomate_and_skarbe(letsligo, skarbe, whautomate):
    # Given a contact written in letsligo, in the second pipeline state
    states = ok(letsligo.get("/api/pipeline_states"))["hydra:member"]
    made = ok(letsligo.post("/api/contacts", json={
        "name": "Élodie Martin", "emails": ["elodie@acme.example", "e.martin@perso.example"],
        "phones": ["+33 6 12 34 56 78", "+33 1 40 00 00 00"], "company": "Acme", "position": "CTO",
        "linkedinUrl": "https://linkedin.example/elodie", "additionalInfo": "Met at the fair"}), 201)
    uuid = made["id"]
    ok(letsligo.patch(f"/api/contacts/{uuid}/pipeline-state", json={"stateId": states[1]["id"]}))

    # whautomate reads it under the same id
    assert ok(whautomate.get(f"/v1/contacts/{uuid}")) == {
        "id": uuid, "name": "Élodie Martin", "phoneNumber": "+33 6 12 34 56 78", "location": None, "stage": None,
        "notes": "Met at the fair", "customFields": {}, "tags": [], "channel": None}
    # skarbe finds it by its number and reads every field it knows
    [number] = sk_ids(skarbe, "elodie@acme")
    seen = ok(skarbe.get(f"/api/connect/contacts/{number}"))
    assert {k: seen[k] for k in ("email", "firstName", "lastName", "fullName", "jobTitle", "companyName",
                                 "phoneNumbers", "linkedinUrl", "note", "leadStatus")} == {
        "email": "elodie@acme.example", "firstName": "Élodie", "lastName": "Martin", "fullName": "Élodie Martin",
        "jobTitle": "CTO", "companyName": "Acme", "phoneNumbers": ["+33 6 12 34 56 78", "+33 1 40 00 00 00"],
        "linkedinUrl": "https://linkedin.example/elodie", "note": "Met at the fair",
        "leadStatus": {"id": 2, "label": "Qualified Lead", "color": states[1]["color"]}}

    # When whautomate replaces what it owns
    put = ok(whautomate.put(f"/v1/contacts/{uuid}", json={
        "id": uuid, "name": "Élodie Martin", "phoneNumber": "+33 7 00 00 00 01", "stage": "MQL",
        "notes": "Called back", "customFields": {"budget": 1200, "newsletter": True}, "tags": ["VIP", "fair"],
        "location": {"id": "paris", "title": "Paris"}, "channel": "whatsapp"}))
    assert put["phoneNumber"] == "+33 7 00 00 00 01" and put["stage"] == "MQL"
    # Then letsligo and skarbe see the change and keep everything whautomate does not show
    after = ok(letsligo.get(f"/api/contacts/{uuid}"))
    assert after["phones"] == ["+33 7 00 00 00 01", "+33 1 40 00 00 00"]
    assert after["emails"] == made["emails"] and after["company"] == "Acme" and after["position"] == "CTO"
    assert after["additionalInfo"] == "Called back" and after["pipelineState"]["id"] == states[1]["id"]
    seen = ok(skarbe.get(f"/api/connect/contacts/{number}"))
    assert (seen["firstName"], seen["lastName"], seen["note"]) == ("Élodie", "Martin", "Called back")
    assert seen["leadStatus"]["id"] == 2 and seen["email"] == "elodie@acme.example"

    # And a letsligo edit keeps whautomate's stage, tags, custom fields, location and channel
    ok(letsligo.patch(f"/api/contacts/{uuid}", json={"company": "Acme SA", "additionalInfo": "Signed"}))
    ok(whautomate.post(f"/v1/contacts/{uuid}/tags/add", json={"tags": ["signed"]}))
    assert ok(whautomate.get(f"/v1/contacts/{uuid}")) == {**put, "notes": "Signed", "tags": ["VIP", "fair", "signed"]}

    # Deleted in whautomate: gone in all three, and from every search
    assert ok(whautomate.delete(f"/v1/contacts/{uuid}")) == {"success": True}
    gone_everywhere(letsligo, skarbe, whautomate, uuid, number)
    assert ll_ids(letsligo, "name=elo") == [] and wa_ids(whautomate, "elo") == [] and sk_ids(skarbe, "elo") == []


def test_whautomate_contact_through_letsligo_and_skarbe(letsligo, skarbe, whautomate, workspace, services):
    # Given a contact written in whautomate with everything it knows
    sent = {"name": "Amira Haddad", "phoneNumber": "+971 50 123 4567", "stage": "Customer", "notes": "Spa",
            "customFields": {"membership": "gold", "visits": 3, "vip": True, "since": None},
            "tags": ["spa", "Newsletter"], "location": {"id": "dubai", "title": "Dubai Marina"},
            "channel": "instagram"}
    made = ok(whautomate.post("/v1/contacts", json=sent))
    uuid = made["id"]

    # letsligo reads it under the same id; skarbe finds it by name and by number
    seen = ok(letsligo.get(f"/api/contacts/{uuid}"))
    assert (seen["name"], seen["phones"], seen["additionalInfo"], seen["emails"]) == (
        "Amira Haddad", ["+971 50 123 4567"], "Spa", [])
    [number] = sk_ids(skarbe, "amira")
    seen = ok(skarbe.get(f"/api/connect/contacts/{number}"))
    assert (seen["firstName"], seen["lastName"], seen["fullName"], seen["phoneNumbers"], seen["note"]) == (
        "Amira", "Haddad", "Amira Haddad", ["+971 50 123 4567"], "Spa")

    # When letsligo edits it and moves it in the pipeline
    states = ok(letsligo.get("/api/pipeline_states"))["hydra:member"]
    ok(letsligo.patch(f"/api/contacts/{uuid}", json={
        "name": "Amira Al-Haddad", "emails": ["amira@haddad.example"], "company": "Haddad Trading",
        "phones": ["+971 50 123 4567", "+971 4 000 0000"], "additionalInfo": "Spa, then gym"}))
    ok(letsligo.patch(f"/api/contacts/{uuid}/pipeline-state", json={"stateId": states[2]["id"]}))
    # Then whautomate sees the new name and notes and still has its own fields
    assert ok(whautomate.get(f"/v1/contacts/{uuid}")) == {**made, "name": "Amira Al-Haddad", "notes": "Spa, then gym"}
    seen = ok(skarbe.get(f"/api/connect/contacts/{number}"))
    assert (seen["email"], seen["companyName"], seen["leadStatus"]["label"]) == (
        "amira@haddad.example", "Haddad Trading", states[2]["name"])
    assert sk_ids(skarbe, "amira@") == [number]

    # A whautomate PUT echoing what it read changes nothing at all
    before = services.contacts.get(workspace.workspace.id, uuid)
    ok(whautomate.put(f"/v1/contacts/{uuid}", json=ok(whautomate.get(f"/v1/contacts/{uuid}"))))
    assert services.contacts.get(workspace.workspace.id, uuid) == before

    # Deleted in letsligo: gone in all three, tag catalogue emptied
    assert letsligo.delete(f"/api/contacts/{uuid}").status == 204
    gone_everywhere(letsligo, skarbe, whautomate, uuid, number)
    assert ok(whautomate.get("/v1/contacts?tags=spa")) == []
    assert services.contacts.tag_counts(workspace.workspace.id) == []


def test_skarbe_contact_through_letsligo_and_whautomate(letsligo, skarbe, whautomate):
    # Given a contact written in skarbe with a two-word first name and a lead status
    made = ok(skarbe.post("/api/connect/contacts", json={
        "email": "marie-anne@dubois.example", "firstName": "Marie Anne", "lastName": "Dubois",
        "jobTitle": "Directrice", "companyName": "Dubois & Fils", "phoneNumbers": ["06 12 34 56 78", "01 40 00 00 00"],
        "facebookUrl": "https://facebook.example/mad", "twitterUrl": "https://x.example/mad",
        "note": "Prefers email", "leadStatus": 2}))
    number = made["id"]

    # letsligo and whautomate find it by their own searches and agree on its UUID
    [uuid] = ll_ids(letsligo, "email=marie-anne@")
    assert wa_ids(whautomate, "marie") == [uuid] and wa_ids(whautomate, "0612345678") == [uuid]
    seen = ok(letsligo.get(f"/api/contacts/{uuid}"))
    assert (seen["name"], seen["emails"], seen["phones"], seen["company"], seen["position"], seen["additionalInfo"],
            seen["pipelineState"]["name"]) == (
        "Marie Anne Dubois", ["marie-anne@dubois.example"], ["06 12 34 56 78", "01 40 00 00 00"], "Dubois & Fils",
        "Directrice", "Prefers email", "Qualified Lead")
    read = ok(whautomate.get(f"/v1/contacts/{uuid}"))
    assert (read["name"], read["phoneNumber"], read["notes"]) == ("Marie Anne Dubois", "06 12 34 56 78", "Prefers email")

    # When whautomate replaces its fields and letsligo echoes the name it read
    ok(whautomate.put(f"/v1/contacts/{uuid}", json={**read, "stage": "Lead", "tags": ["b2b"], "notes": "Prefers calls"}))
    ok(letsligo.patch(f"/api/contacts/{uuid}", json={"name": "Marie Anne Dubois", "position": "CEO"}))
    # Then skarbe keeps the first/last name split it was given, and every field it alone shows
    seen = ok(skarbe.get(f"/api/connect/contacts/{number}"))
    assert {k: seen[k] for k in ("firstName", "lastName", "jobTitle", "note", "facebookUrl", "phoneNumbers")} == {
        "firstName": "Marie Anne", "lastName": "Dubois", "jobTitle": "CEO", "note": "Prefers calls",
        "facebookUrl": "https://facebook.example/mad", "phoneNumbers": ["06 12 34 56 78", "01 40 00 00 00"]}
    assert seen["leadStatus"]["id"] == 2
    # A renamed contact is re-split, and found under its new name
    ok(letsligo.patch(f"/api/contacts/{uuid}", json={"name": "Marie-Anne Dubois-Leroy"}))
    seen = ok(skarbe.get(f"/api/connect/contacts/{number}"))
    assert (seen["firstName"], seen["lastName"]) == ("Marie-Anne", "Dubois-Leroy")
    assert sk_ids(skarbe, "leroy") == [number] and wa_ids(whautomate, "dubois-leroy") == [uuid]

    # Deleted in whautomate: gone in all three
    ok(whautomate.delete(f"/v1/contacts/{uuid}"))
    gone_everywhere(letsligo, skarbe, whautomate, uuid, number)


def test_search_examples_agree_across_dialects(letsligo, skarbe, whautomate):
    elodie = ok(whautomate.post("/v1/contacts", json={"name": "Élodie Roux", "phoneNumber": "+33 6 12 34 56 78"}))["id"]
    ok(letsligo.patch(f"/api/contacts/{elodie}", json={"emails": ["elodie.roux@mail.example"]}))
    other = ok(skarbe.post("/api/connect/contacts", json={"firstName": "Eloise", "lastName": "Blanc",
                                                          "email": "eb@mail.example", "phoneNumbers": ["0700000000"]}))
    [eloise] = ll_ids(letsligo, "email=eb@")
    [elodie_number] = sk_ids(skarbe, "roux")

    # name prefix, accents folded both ways
    for text in ("elo", "Élo", "ELO"):
        assert set(wa_ids(whautomate, text)) == {elodie, eloise}, text
        assert set(ll_ids(letsligo, f"name={quote(text)}")) == {elodie, eloise}, text
        assert set(sk_ids(skarbe, text)) == {elodie_number, other["id"]}, text
    assert wa_ids(whautomate, "élodie") == [elodie] and ll_ids(letsligo, "name=elodie") == [elodie]
    assert sk_ids(skarbe, "élodie") == [elodie_number]
    # email prefix, case-insensitive
    assert wa_ids(whautomate, "ELODIE.R") == [elodie] and ll_ids(letsligo, "email=elodie.r") == [elodie]
    assert sk_ids(skarbe, "elodie.roux@") == [elodie_number]
    # one phone, whatever the formatting (skarbe's search covers names and emails only)
    for typed in ("0612345678", "+33612", "06 12 34", "+33 6 12 34 56 78", "0033 612"):
        assert wa_ids(whautomate, typed) == [elodie], typed
        assert ll_ids(letsligo, f"phone={quote(typed)}") == [elodie], typed
    assert wa_ids(whautomate, "0612 99") == []


def test_workspaces_stay_apart_in_every_dialect(skarbe, whautomate, other_letsligo, other_skarbe, other_whautomate):
    uuid = ok(whautomate.post("/v1/contacts", json={"name": "Secret Agent", "phoneNumber": "0611111111",
                                                    "tags": ["classified"]}))["id"]
    [number] = sk_ids(skarbe, "secret")
    their_ll, their_sk, their_wa = other_letsligo, other_skarbe, other_whautomate
    gone_everywhere(their_ll, their_sk, their_wa, uuid, number)
    assert ll_ids(their_ll, "name=secret") == [] and sk_ids(their_sk, "secret") == []
    assert wa_ids(their_wa, "0611111111") == [] and ok(their_wa.get("/v1/contacts?tags=classified")) == []
    # numbers are per workspace: their own first contact has the same number and is theirs alone
    theirs = ok(their_sk.post("/api/connect/contacts", json={"firstName": "Own"}))
    assert theirs["id"] == number
    assert ok(skarbe.get(f"/api/connect/contacts/{number}"))["firstName"] == "Secret"
    assert ok(their_sk.get(f"/api/connect/contacts/{number}"))["firstName"] == "Own"

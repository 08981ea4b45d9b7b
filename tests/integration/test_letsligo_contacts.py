"""letsligo contacts through the real handler, API Gateway events and moto DynamoDB."""
import json

SEED_CREATE = {"name": "Marie Dubois", "emails": ["marie@acme.example", "m.dubois@acme.example"],
               "company": "Acme Corp"}
SEED_PATCH = {"company": "Acme Corp", "position": "Directrice", "phones": ["+33 6 00 00 00 00", "+33 1 00 00 00 00"]}


def test_create_get_patch_delete(letsligo):
    # Given the seed's create request
    created = letsligo.post("/api/contacts", json=SEED_CREATE)
    # Then a 201 with the full contact
    assert created.status == 201, created.text
    body = created.json
    assert body["name"] == "Marie Dubois" and body["emails"] == SEED_CREATE["emails"]
    assert body["status"] == "pending" and body["pipelineState"] is None
    assert body["@id"] == f"/api/contacts/{body['id']}" and body["createdAt"]
    for key in ("phones", "position", "address", "website", "linkedinUrl", "additionalInfo", "meetingContext",
                "updatedAt"):
        assert key in body
    # When the seed's PATCH is sent
    patched = letsligo.patch(f"/api/contacts/{body['id']}", json=SEED_PATCH)
    assert patched.status == 200, patched.text
    assert patched.json["phones"] == SEED_PATCH["phones"] and patched.json["position"] == "Directrice"
    assert patched.json["emails"] == SEED_CREATE["emails"]  # untouched
    assert letsligo.get(f"/api/contacts/{body['id']}").json == patched.json
    # And deleted
    assert letsligo.delete(f"/api/contacts/{body['id']}").status == 204
    assert letsligo.get(f"/api/contacts/{body['id']}").status == 404


def test_extend_appends_on_new_line(letsligo):
    cid = letsligo.post("/api/contacts", json={"name": "Jean Martin"}).json["id"]
    first = letsligo.post(f"/api/contacts/{cid}/extend", json={"text": "Met at the fair"})
    assert first.status == 200 and first.json["additionalInfo"] == "Met at the fair"
    second = letsligo.post(f"/api/contacts/{cid}/extend", json={"text": "Likes golf"})
    assert second.json["additionalInfo"] == "Met at the fair\nLikes golf"
    ctx = letsligo.post(f"/api/contacts/{cid}/extend", json={"text": "Salon 2025", "field": "meetingContext"})
    assert ctx.json["meetingContext"] == "Salon 2025" and ctx.json["additionalInfo"] == "Met at the fair\nLikes golf"
    bad = letsligo.post(f"/api/contacts/{cid}/extend", json={"text": "x", "field": "company"})
    assert bad.status == 422 and bad.json["violations"][0]["propertyPath"] == "field"


def test_pipeline_state_move_and_remove(letsligo):
    states = letsligo.get("/api/pipeline_states").json["hydra:member"]
    assert [s["position"] for s in states] == list(range(len(states)))
    assert states[0]["name"] == "New Lead"
    cid = letsligo.post("/api/contacts", json=SEED_CREATE).json["id"]
    moved = letsligo.patch(f"/api/contacts/{cid}/pipeline-state", json={"stateId": states[1]["id"]})
    assert moved.status == 200
    assert moved.json["pipelineState"] == {"id": states[1]["id"], "name": states[1]["name"]}
    assert {"id", "name", "company", "status", "pipelineState"} <= moved.json.keys()
    assert letsligo.get(f"/api/contacts/{cid}").json["pipelineState"]["id"] == states[1]["id"]
    removed = letsligo.patch(f"/api/contacts/{cid}/pipeline-state", json={"stateId": None})
    assert removed.status == 200 and removed.json["pipelineState"] is None
    letsligo.patch(f"/api/contacts/{cid}/pipeline-state", json={"stateId": states[0]["id"]})
    omitted = letsligo.patch(f"/api/contacts/{cid}/pipeline-state", body="", headers={"Content-Type": "application/json"})
    assert omitted.status == 200 and omitted.json["pipelineState"] is None
    one = letsligo.get(f"/api/pipeline_states/{states[0]['id']}")
    assert one.status == 200 and one.json["name"] == "New Lead" and one.json["position"] == 0


def test_list_filters_and_pages(letsligo):
    ids = [letsligo.post("/api/contacts", json={"name": f"Person {i}", "company": "Acme" if i % 2 else "Globex",
                                                "emails": [f"p{i}@x.example"]}).json["id"] for i in range(5)]
    everything = letsligo.get("/api/contacts?itemsPerPage=2").json
    assert everything["hydra:totalItems"] == 5 and len(everything["hydra:member"]) == 2
    assert everything["hydra:member"][0]["id"] == ids[-1]  # newest first
    assert everything["hydra:view"]["hydra:next"].startswith("/api/contacts?itemsPerPage=2&page=2&cursor=")
    second = letsligo.get(everything["hydra:view"]["hydra:next"]).json
    assert [m["id"] for m in second["hydra:member"]] == [ids[2], ids[1]]
    assert second["hydra:view"]["@id"] == "/api/contacts?itemsPerPage=2&page=2"
    assert everything["hydra:view"]["hydra:last"] == "/api/contacts?itemsPerPage=2&page=3"
    last = letsligo.get("/api/contacts?itemsPerPage=2&page=3").json
    assert [m["id"] for m in last["hydra:member"]] == [ids[0]]
    assert letsligo.get("/api/contacts?company=acme").json["hydra:totalItems"] == 2
    assert letsligo.get("/api/contacts?email=P3@X").json["hydra:member"][0]["id"] == ids[3]
    assert letsligo.get("/api/contacts?name=person&status=pending").json["hydra:totalItems"] == 5
    assert letsligo.get("/api/contacts?status=lost").json["hydra:totalItems"] == 0
    assert letsligo.get("/api/contacts?status=bogus").status == 400
    state = letsligo.get("/api/pipeline_states").json["hydra:member"][2]
    letsligo.patch(f"/api/contacts/{ids[1]}/pipeline-state", json={"stateId": state["id"]})
    by_state = letsligo.get(f"/api/contacts?pipelineState=/api/pipeline_states/{state['id']}").json
    assert [m["id"] for m in by_state["hydra:member"]] == [ids[1]]


def test_phones_keep_typed_form_and_search_by_e164(letsligo):
    cid = letsligo.post("/api/contacts", json={"name": "Ana", "phones": ["+33 6 12 34 56 78"]}).json["id"]
    assert letsligo.get(f"/api/contacts/{cid}").json["phones"] == ["+33 6 12 34 56 78"]
    assert letsligo.get("/api/contacts?phone=0612345678").json["hydra:totalItems"] == 1


def _store_snapshot(letsligo):
    return json.dumps(letsligo.get("/api/contacts?itemsPerPage=100").json, sort_keys=True)


def test_rejected_writes_change_nothing(letsligo):
    cid = letsligo.post("/api/contacts", json=SEED_CREATE).json["id"]
    before = _store_snapshot(letsligo)
    cases = [
        ("POST", "/api/contacts", {"body": "{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ("POST", "/api/contacts", {"json": {"company": "No name"}}, 422),
        ("POST", "/api/contacts", {"json": {"name": "X", "emails": ["ok@x.example", "not-an-email"]}}, 422),
        ("POST", "/api/contacts", {"json": {"name": "X", "id": "123e4567-e89b-12d3-a456-426614174000"}}, 422),
        ("POST", "/api/contacts", {"json": {"name": "X", "status": "converted"}}, 422),
        ("POST", "/api/contacts", {"json": {"name": "X", "createdAt": "2020-01-01T00:00:00Z"}}, 422),
        ("POST", "/api/contacts", {"json": {"name": "X" * 300}}, 422),
        ("POST", "/api/contacts", {"json": {"name": "X", "additionalInfo": "y" * 300_000}}, 413),
        ("POST", "/api/contacts", {"json": {"name": "X", "emails": [f"a{i}@x.example" for i in range(50)]}}, 422),
        ("POST", "/api/contacts", {"body": "name=X", "headers": {"Content-Type": "text/plain"}}, 415),
        ("PATCH", f"/api/contacts/{cid}", {"json": {"name": None}}, 422),
        ("PATCH", f"/api/contacts/{cid}", {"json": {"emails": ["bad"]}}, 422),
        ("PATCH", f"/api/contacts/{cid}", {"json": {"status": "lost"}}, 422),
        ("PATCH", f"/api/contacts/{cid}/pipeline-state", {"json": {"stateId": "123e4567-e89b-12d3-a456-426614174000"}}, 422),
        ("PATCH", f"/api/contacts/{cid}/pipeline-state", {"json": {"stateId": "nope"}}, 422),
        ("POST", f"/api/contacts/{cid}/extend", {"json": {}}, 422),
        ("POST", f"/api/contacts/{cid}/extend", {"json": {"text": "   "}}, 422),
    ]
    for method, url, kwargs, status in cases:
        reply = letsligo.request(method, url, **kwargs)
        assert reply.status == status, (method, url, kwargs.get("json"), reply.status, reply.text[:300])
        assert reply.json["@type"] in ("hydra:Error", "ConstraintViolationList"), reply.text[:300]
        if status == 422:
            assert reply.json["violations"] and all("propertyPath" in v for v in reply.json["violations"])
    assert _store_snapshot(letsligo) == before


def test_violation_paths_use_wire_names(letsligo):
    reply = letsligo.post("/api/contacts", json={"name": "X", "emails": ["ok@x.example", "bad"], "linkedinUrl": "y" * 3000})
    paths = {v["propertyPath"] for v in reply.json["violations"]}
    assert paths == {"emails[1]", "linkedinUrl"}


def test_authentication(letsligo, workspace):
    from client import ApiClient

    assert ApiClient(None).get("/api/contacts").status == 401
    assert ApiClient("chk_unknown_key_000000000000000000000").get("/api/contacts").status == 401
    assert ApiClient("short").get("/api/contacts").status == 401
    malformed = ApiClient(None).get("/api/contacts", headers={"Authorization": "Basic abc"})
    assert malformed.status == 401 and malformed.json["@type"] == "hydra:Error"
    assert ApiClient(workspace.key, header="X-Api-Key").get("/api/contacts").status == 200


def test_revoked_key_is_refused(letsligo, workspace, services):
    assert letsligo.get("/api/contacts").status == 200
    assert services.workspaces.revoke(workspace.principal.key_prefix) == 1
    assert letsligo.get("/api/contacts").status == 401


def test_other_workspace_cannot_see_or_touch(letsligo, other_letsligo):
    cid = letsligo.post("/api/contacts", json=SEED_CREATE).json["id"]
    theirs_state = other_letsligo.get("/api/pipeline_states").json["hydra:member"][0]["id"]
    assert other_letsligo.get(f"/api/contacts/{cid}").status == 404
    assert other_letsligo.patch(f"/api/contacts/{cid}", json={"company": "Hijack"}).status == 404
    assert other_letsligo.delete(f"/api/contacts/{cid}").status == 404
    assert other_letsligo.post(f"/api/contacts/{cid}/extend", json={"text": "x"}).status == 404
    assert other_letsligo.patch(f"/api/contacts/{cid}/pipeline-state", json={"stateId": theirs_state}).status == 404
    assert other_letsligo.get("/api/contacts?name=marie").json["hydra:totalItems"] == 0
    assert other_letsligo.get("/api/contacts?email=marie").json["hydra:totalItems"] == 0
    assert other_letsligo.get("/api/contacts").json["hydra:totalItems"] == 0
    # a state of another workspace is not a valid target either
    assert letsligo.patch(f"/api/contacts/{cid}/pipeline-state", json={"stateId": theirs_state}).status == 422
    assert letsligo.get(f"/api/pipeline_states/{theirs_state}").status == 404
    assert letsligo.get(f"/api/contacts/{cid}").json["company"] == "Acme Corp"


def test_unknown_ids_are_404(letsligo):
    assert letsligo.get("/api/contacts/123e4567-e89b-12d3-a456-426614174000").status == 404
    assert letsligo.get("/api/contacts/not-a-uuid").status == 404
    assert letsligo.get("/api/pipeline_states/not-a-uuid").status == 404


def test_revoking_twice_reports_nothing_the_second_time(workspace, services):
    assert services.workspaces.revoke(workspace.principal.key_prefix) == 1
    assert services.workspaces.revoke(workspace.principal.key_prefix) == 0


def test_broken_unicode_is_a_422_not_a_500(letsligo):
    reply = letsligo.post("/api/contacts", body='{"name": "Bad \\ud800"}', headers={"Content-Type": "application/json"})
    assert reply.status == 422 and reply.json["violations"][0]["propertyPath"] == "name"


def test_ids_match_whatever_their_case(letsligo):
    cid = letsligo.post("/api/contacts", json={"name": "Case Test"}).json["id"]
    assert letsligo.get(f"/api/contacts/{cid.upper()}").json["id"] == cid
    state = letsligo.get("/api/pipeline_states").json["hydra:member"][0]["id"]
    assert letsligo.get(f"/api/pipeline_states/{state.upper()}").status == 200


def test_deep_pages_are_answered_not_refused(letsligo):
    letsligo.post("/api/contacts", json={"name": "Only One"})
    reply = letsligo.get("/api/contacts?page=101&itemsPerPage=100")
    assert reply.status == 200 and reply.json["hydra:member"] == [] and reply.json["hydra:totalItems"] == 1

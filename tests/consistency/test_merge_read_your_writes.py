"""A merge and its undo are seen at once, in every dialect and GraphQL, even where DynamoDB serves reads stale."""
from __future__ import annotations

from client import ApiClient


def _create(api, body) -> dict:
    reply = api.post("/hub/v1/contacts", json=body)
    assert reply.status == 201, reply.text
    return reply.json


def _everywhere(api, workspace, contact: dict) -> dict:
    """The contact each API answers for this contact's ids, and what listings and searches count."""
    skarbe = ApiClient(workspace.key, header="X-Api-Key")
    data = api.post("/graphql", json={"query": "query($id: ID!) { contact(id: $id) { id } }",
                                      "variables": {"id": contact["id"]}}).json["data"]
    return {"hub": api.get(f"/hub/v1/contacts/{contact['id']}").json["id"],
            "letsligo": api.get(f"/api/contacts/{contact['id']}").json["id"],
            "whautomate": ApiClient(workspace.key, header="x-api-key").get(f"/v1/contacts/{contact['id']}").status,
            "skarbe": skarbe.get(f"/api/connect/contacts/{contact['number']}").json["id"],
            "graphql": (data["contact"] or {}).get("id"),
            "total": api.get("/api/contacts").json["hydra:totalItems"],
            "found": [c["id"] for c in api.get("/hub/v1/contacts?search=perso.example").json["data"]]}


def test_a_merge_and_its_undo_are_seen_at_once(stale_dynamodb, api, workspace):
    # Given two contacts, then stale reads from now on
    survivor = _create(api, {"name": "Zoé Quintard", "emails": ["zoe@quintard.example"]})
    other = _create(api, {"name": "Z. Quintard", "emails": ["zq@perso.example"]})
    # When merged, every read answers the survivor at once
    merged = api.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [other["id"]]})
    assert merged.status == 200, merged.text
    assert _everywhere(api, workspace, other) == {
        "hub": survivor["id"], "letsligo": survivor["id"], "whautomate": 200, "skarbe": survivor["number"],
        "graphql": survivor["id"], "total": 1, "found": [survivor["id"]]}
    # When undone, every read answers the merged contact again at once
    assert api.post(f"/hub/v1/merges/{merged.json['merge']['id']}/undo").status == 200
    assert _everywhere(api, workspace, other) == {
        "hub": other["id"], "letsligo": other["id"], "whautomate": 200, "skarbe": other["number"],
        "graphql": other["id"], "total": 2, "found": [other["id"]]}

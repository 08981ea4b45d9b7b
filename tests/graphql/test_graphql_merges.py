"""mergeContacts and undoMerge through the real GraphQL handler: the /hub/v1 merges, the same rules."""
from __future__ import annotations

import pytest

from contacthub_graphql.types.node import encode_node_id

MERGE = """mutation($input: MergeContactsInput!, $key: String) { mergeContacts(input: $input, idempotencyKey: $key) {
  merge { id status survivorId mergedIds mergedNumbers changes movedTasks undoableUntil }
  contact { id name emails tags { name } position company }
  dryRun
  error { __typename ...on Error { message } ...on ValidationError { violations { path code } } } } }"""
UNDO = """mutation($input: UndoMergeInput!) { undoMerge(input: $input) {
  merge { id status } contact { id emails tags { name } position } restored { id number tags { name } emails } notReverted
  error { __typename ...on Error { message } } } }"""
CONTACT = """query($id: ID!, $node: ID!) { contact(id: $id) { id } node(id: $node) { ...on Contact { id } } }"""


def _create(gql, **fields) -> dict:
    made = gql.mutate("createContact", fields, "contact { id number name emails tags { name } position company }")
    assert made["error"] is None, made
    return _flat(made["contact"])


def _flat(contact: dict | None) -> dict | None:
    """Tags as their names."""
    return {**contact, "tags": [t["name"] for t in contact["tags"]]} if contact else contact


@pytest.fixture
def pair(gql):
    survivor = _create(gql, name="Marie Dubois", emails=["marie@acme.example"], tags=["VIP"], company="Acme")
    other = _create(gql, name="M. Dubois", emails=["m@perso.example"], tags=["Paris"], position="Directrice")
    return survivor, other


def _merge(gql, survivor, other, **extra) -> dict:
    merged = gql.data(MERGE, {"input": {"contactId": survivor["id"], "mergeIds": [other["id"]], **extra}})
    return {**merged["mergeContacts"], "contact": _flat(merged["mergeContacts"]["contact"])}


def _resolved(gql, contact_id: str) -> tuple:
    data = gql.data(CONTACT, {"id": contact_id, "node": encode_node_id("Contact", contact_id)})
    return (data["contact"] or {}).get("id"), (data["node"] or {}).get("id")


def test_merge_then_undo(gql, pair):
    survivor, other = pair
    # When merged
    merged = _merge(gql, survivor, other, prefer=[{"field": "emails", "contactId": other["id"]}])
    assert merged["error"] is None, merged
    assert merged["contact"]["emails"] == ["m@perso.example", "marie@acme.example"]
    assert merged["contact"]["tags"] == ["VIP", "Paris"] and merged["contact"]["position"] == "Directrice"
    assert merged["merge"]["status"] == "done" and merged["merge"]["mergedIds"] == [other["id"]]
    assert set(merged["merge"]["changes"]) == {"emails", "tags", "position", "lastActivityAt"}
    # Then the merged contact's id and node id answer the survivor
    assert _resolved(gql, other["id"]) == (survivor["id"], survivor["id"])
    # When undone, both are back as they were
    undone = gql.data(UNDO, {"input": {"mergeId": merged["merge"]["id"]}})["undoMerge"]
    assert undone["error"] is None and undone["notReverted"] == []
    undone = {**undone, "contact": _flat(undone["contact"]), "restored": [_flat(c) for c in undone["restored"]]}
    assert undone["contact"]["emails"] == survivor["emails"] and undone["contact"]["tags"] == survivor["tags"]
    assert [(c["id"], c["number"], c["tags"]) for c in undone["restored"]] == [
        (other["id"], other["number"], other["tags"])]
    assert _resolved(gql, other["id"]) == (other["id"], other["id"])
    # And a second undo is a ConflictError
    again = gql.data(UNDO, {"input": {"mergeId": merged["merge"]["id"]}})["undoMerge"]
    assert again["error"]["__typename"] == "ConflictError"


def test_dry_run_and_refusals_write_nothing(gql, pair, workspace, snapshot):
    survivor, other = pair
    before = snapshot(workspace)
    preview = _merge(gql, survivor, other, dryRun=True)
    assert preview["dryRun"] is True and preview["contact"]["tags"] == ["VIP", "Paris"]
    crowded = _create(gql, name="Tags", tags=[f"t{i}" for i in range(10)])
    before = snapshot(workspace)
    refused = _merge(gql, survivor, crowded)
    assert refused["error"]["__typename"] == "ValidationError"
    assert refused["error"]["violations"] == [{"path": "tags", "code": "merge_over_limit"}]
    stale = _merge(gql, survivor, other, expectedVersion=99)
    assert stale["error"]["__typename"] == "VersionConflict"
    bad = _merge(gql, survivor, other, prefer=[{"field": "nope", "contactId": other["id"]}])
    assert bad["error"]["__typename"] == "ValidationError"
    assert snapshot(workspace) == before


def test_an_idempotent_retry_answers_the_same_merge(gql, pair):
    survivor, other = pair
    first = gql.data(MERGE, {"input": {"contactId": survivor["id"], "mergeIds": [other["id"]]}, "key": "k1"})
    again = gql.data(MERGE, {"input": {"contactId": survivor["id"], "mergeIds": [other["id"]]}, "key": "k1"})
    assert first["mergeContacts"]["error"] is None
    assert again["mergeContacts"]["merge"]["id"] == first["mergeContacts"]["merge"]["id"]


def test_another_workspace_can_neither_merge_nor_undo_nor_resolve(gql, other_gql, pair, workspace, snapshot):
    survivor, other = pair
    merge = _merge(gql, survivor, other)["merge"]
    theirs = _create(other_gql, name="Hank")
    before = snapshot(workspace)
    for ref in (survivor["id"], other["id"], str(other["number"])):
        reply = other_gql.data(MERGE, {"input": {"contactId": theirs["id"], "mergeIds": [ref]}})["mergeContacts"]
        assert reply["error"]["__typename"] == "NotFoundError", ref
    undo = other_gql.data(UNDO, {"input": {"mergeId": merge["id"]}})["undoMerge"]
    assert undo["error"]["__typename"] == "NotFoundError"
    assert _resolved(other_gql, other["id"]) == (None, None)
    assert snapshot(workspace) == before

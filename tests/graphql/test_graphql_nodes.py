"""Global object identification: `nodeId` on every object, `node(id:)` and `nodes(ids:)` through the loaders,
and workspace isolation (another workspace's node id reads as null, exactly as an unknown one)."""
from __future__ import annotations

import base64

from contacthub_local.meter import DynamoMeter

EVERY_TYPE = """{
  me { user { nodeId id } workspace { nodeId id } }
  contacts { edges { node { nodeId id
    pipelineState { nodeId id } tags { nodeId name } location { nodeId id } tasks { nodeId id } } } }
}"""
NODE = """query($id: ID!) { node(id: $id) { __typename nodeId
  ...on Contact { id name } ...on Task { id title } ...on PipelineState { id name } ...on Tag { name contactCount }
  ...on Location { locationId: id } ...on User { id } ...on Workspace { id } } }"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename nodeId } }"


def node_ids(gql) -> dict[str, tuple[str, str]]:
    """Type name -> (nodeId, id or name) of one object of each type."""
    data = gql.data(EVERY_TYPE)
    contact = data["contacts"]["edges"][0]["node"]
    found = {"User": data["me"]["user"], "Workspace": data["me"]["workspace"], "Contact": contact,
             "PipelineState": contact["pipelineState"], "Tag": contact["tags"][0], "Location": contact["location"],
             "Task": contact["tasks"][0]}
    return {kind: (o["nodeId"], o.get("id") or o["name"]) for kind, o in found.items()}


def seed(gql, services, workspace) -> None:
    state = services.pipeline.list(workspace.workspace.id)[0]
    contact = gql.mutate("createContact", {"name": "Ana", "tags": ["VIP"], "pipelineStateId": state.id,
                                           "location": {"id": "paris", "title": "Paris"}})["contact"]
    gql.mutate("createTask", {"contactId": contact["id"], "title": "Call", "dueDate": "2030-01-01T09:00:00Z"},
               "task { id }")


def test_every_type_is_a_node_fetched_back_by_its_id(gql, services, workspace):
    seed(gql, services, workspace)
    for kind, (node_id, key) in node_ids(gql).items():
        # The id is base64 of "<Type>:<key>"
        decoded = base64.urlsafe_b64decode(node_id + "=" * (-len(node_id) % 4)).decode()
        assert decoded.partition(":")[0] == kind
        node = gql.data(NODE, {"id": node_id})["node"]
        assert node["__typename"] == kind and node["nodeId"] == node_id, (kind, node)
        assert (node.get("id") or node.get("locationId") or node["name"]) == key, (kind, node)


def test_nodes_answer_in_order_with_null_for_unknown_ids(gql, services, workspace):
    seed(gql, services, workspace)
    ids = node_ids(gql)
    unknown = base64.urlsafe_b64encode(b"Contact:00000000-0000-4000-8000-000000000000").decode()
    asked = [ids["Task"][0], unknown, "not base64 at all!", ids["Contact"][0]]
    found = gql.data(NODES, {"ids": asked})["nodes"]
    assert [n and n["__typename"] for n in found] == ["Task", None, None, "Contact"]
    assert gql("{ nodes(ids: [%s]) { nodeId } }" % ",".join(['"x"'] * 101)).json["errors"]


def test_another_workspace_reads_null_for_every_node(gql, other_gql, services, workspace):
    seed(gql, services, workspace)
    ids = [node_id for node_id, _ in node_ids(gql).values()]
    for node_id in ids:
        assert other_gql.data(NODE, {"id": node_id})["node"] is None, node_id
    assert other_gql.data(NODES, {"ids": ids})["nodes"] == [None] * len(ids)


def test_nodes_are_batched_per_type(gql, services, workspace):
    for i in range(20):
        gql.mutate("createContact", {"name": f"Contact {i}"})
    ids = [e["node"]["nodeId"] for e in gql.data("{ contacts(first: 20) { edges { node { nodeId } } } }")
           ["contacts"]["edges"]]
    with DynamoMeter() as meter:
        assert len(gql.data(NODES, {"ids": ids})["nodes"]) == 20
    # the API key, then one BatchGetItem for the twenty contacts
    assert meter.calls == {"GetItem": 1, "BatchGetItem": 1}, meter.calls

"""Pipeline states through GraphQL, checked against letsligo's /api/pipeline_states."""
from __future__ import annotations

STATE = "pipelineState { id name color position type contactCount }"


def board(gql) -> list[dict]:
    return gql.data("{ pipelineStates { id name color position type contactCount } }")["pipelineStates"]


def test_manage_the_pipeline(gql, letsligo):
    # Given the default pipeline
    states = board(gql)
    assert [s["name"] for s in states] == ["New Lead", "Qualified Lead", "Client", "Disqualified"]
    assert [s["position"] for s in states] == [0, 1, 2, 3] and states[3]["type"] == "DISQUALIFIED"
    # When a state is created at position 1, renamed, recolored and moved to the end
    created = gql.mutate("createPipelineState", {"name": "Contacted", "color": "#aabbcc", "position": 1}, STATE)
    state = created["pipelineState"]
    assert created["error"] is None and state["position"] == 1 and state["color"] == "#AABBCC"
    assert gql.mutate("renamePipelineState", {"id": state["id"], "name": "Reached"}, STATE)["pipelineState"][
        "name"] == "Reached"
    assert gql.mutate("recolorPipelineState", {"id": state["id"], "color": "#000000"}, STATE)["pipelineState"][
        "color"] == "#000000"
    moved = gql.mutate("reorderPipelineState", {"id": state["id"], "position": 4}, STATE)["pipelineState"]
    assert moved["position"] == 4
    # Then the board and letsligo agree on the order
    names = [s["name"] for s in board(gql)]
    assert names == ["New Lead", "Qualified Lead", "Client", "Disqualified", "Reached"]
    rest = letsligo.get("/api/pipeline_states").json["hydra:member"]
    assert [(m["name"], m["position"]) for m in rest] == [(s["name"], s["position"]) for s in board(gql)]
    # And an empty state can be deleted; the others close the gap
    deleted = gql.mutate("deletePipelineState", {"id": state["id"]}, "deletedPipelineStateId")
    assert deleted == {"deletedPipelineStateId": state["id"], "error": None}
    assert [s["position"] for s in board(gql)] == [0, 1, 2, 3]
    assert letsligo.get(f"/api/pipeline_states/{state['id']}").status == 404


def test_a_state_in_use_cannot_be_deleted(gql, workspace, snapshot):
    state = board(gql)[0]
    contact = gql.mutate("createContact", {"name": "Ana", "pipelineStateId": state["id"]},
                         "contact { id pipelineState { contactCount } }")["contact"]
    assert contact["pipelineState"]["contactCount"] == 1
    before = snapshot(workspace)
    refused = gql.mutate("deletePipelineState", {"id": state["id"]}, "deletedPipelineStateId")
    assert refused["error"]["__typename"] == "ConflictError" and refused["deletedPipelineStateId"] is None
    assert snapshot(workspace) == before


def test_rejected_state_writes_change_nothing(gql, workspace, snapshot):
    state = board(gql)[0]
    before = snapshot(workspace)
    for field, input, kind in [
        ("createPipelineState", {"name": "   "}, "ValidationError"),
        ("createPipelineState", {"name": "X" * 101}, "ValidationError"),
        ("createPipelineState", {"name": "Ok", "color": "red"}, "ValidationError"),
        ("renamePipelineState", {"id": state["id"], "name": ""}, "ValidationError"),
        ("recolorPipelineState", {"id": state["id"], "color": "#12345"}, "ValidationError"),
        ("renamePipelineState", {"id": "123e4567-e89b-12d3-a456-426614174000", "name": "X"}, "NotFoundError"),
        ("reorderPipelineState", {"id": "nope", "position": 0}, "NotFoundError"),
        ("deletePipelineState", {"id": "nope"}, "NotFoundError"),
    ]:
        payload = gql.mutate(field, input, "__typename")
        assert payload["error"]["__typename"] == kind, (field, input, payload)
        assert snapshot(workspace) == before, (field, input)

"""WorkspaceService and PipelineService on the in-memory fakes."""
from __future__ import annotations

import pytest
from fakes import InMemoryApiKeys, InMemoryStates, InMemoryWorkspaces

from contacthub.domain.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from contacthub.services.pipeline import PipelineService
from contacthub.services.workspaces import WorkspaceService


@pytest.fixture
def states():
    return InMemoryStates()


@pytest.fixture
def workspaces(states):
    return WorkspaceService(InMemoryWorkspaces(states), InMemoryApiKeys())


def test_keys_authenticate_until_revoked(workspaces, states):
    issued = workspaces.create_key("Acme", "Jane", "jane@acme.example")
    assert workspaces.authenticate(issued.key) == issued.principal
    assert workspaces.get(issued.workspace.id) == issued.workspace
    assert workspaces.find_by_name(" acme ") == issued.workspace
    assert [s.name for s in states.list(issued.workspace.id)] == ["New Lead", "Qualified Lead", "Client",
                                                                  "Disqualified"]
    again = workspaces.create_key("Acme", "Jane", "JANE@acme.example")  # same workspace and user
    assert (again.workspace, again.user) == (issued.workspace, issued.user)
    assert workspaces.revoke(issued.principal.key_prefix) == 1
    with pytest.raises(Unauthorized):
        workspaces.authenticate(issued.key)
    assert workspaces.known_key(issued.key) is None and workspaces.known_key("short") is None


def test_pipeline_states_are_kept_dense_and_ordered(workspaces, states):
    ws = workspaces.ensure_workspace("Acme").id
    pipeline = PipelineService(states)
    first = pipeline.list(ws)[0]
    assert pipeline.find(ws, first.id.upper()) == first and pipeline.find(ws, None) is None
    added = pipeline.create(ws, "Proposal", "#aabbcc", position=1)
    assert added.color == "#AABBCC"
    assert [s.name for s in pipeline.list(ws)] == ["New Lead", "Proposal", "Qualified Lead", "Client",
                                                   "Disqualified"]
    assert [s.position for s in pipeline.list(ws)] == [0, 1, 2, 3, 4]
    pipeline.delete(ws, added.id)
    assert [s.position for s in pipeline.list(ws)] == [0, 1, 2, 3]
    with pytest.raises(NotFound):
        pipeline.get(ws, added.id)
    with pytest.raises(ValidationFailed):
        pipeline.update(ws, first.id, color="red")
    busy = states.save(first.with_changes(contact_count=2))
    with pytest.raises(Conflict):
        pipeline.delete(ws, busy.id)

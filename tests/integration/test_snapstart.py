"""SnapStart hooks: priming before the snapshot, fresh clients after restore; requests work on both sides."""
from __future__ import annotations

import importlib
import pytest
from contacthub import aws_clients, snapstart
from contacthub.store.tables import ApiKeyItem

from client import ApiClient


@pytest.fixture
def handlers():
    for module in ("contacthub.api.letsligo.handler", "contacthub_graphql.handler"):
        importlib.import_module(module)


def test_requests_answer_after_priming_and_after_restore(handlers, workspace):
    client = ApiClient(workspace.key)
    # Given a primed container (what SnapStart snapshots)
    snapstart.run_before_snapshot()
    primed = ApiKeyItem._get_connection().connection.client
    assert client.get("/api/pipeline_states").status == 200
    # When it is restored
    snapstart.run_after_restore()
    # Then its clients are new (credentials and connections of this container) and requests still answer
    assert ApiKeyItem._get_connection().connection.client is not primed
    assert client.get("/api/pipeline_states").status == 200
    graphql = client.post("/graphql", json={"query": "query Q { pipelineStates { name } }", "operationName": "Q"})
    assert graphql.status == 200 and "errors" not in graphql.json


def test_reset_keeps_the_parsed_service_models(aws):
    loader = aws_clients.session().get_component("data_loader")
    aws_clients.client("dynamodb", "us-east-1")
    aws_clients.reset()
    assert aws_clients.session().get_component("data_loader") is loader
    assert not aws_clients._clients


def test_hooks_reach_the_runtime_when_it_offers_them(monkeypatch):
    # Given the Lambda runtime's registration functions (snapshot_restore_py) and no hook yet
    registered: dict[str, list] = {"before": [], "after": []}
    monkeypatch.setattr(snapstart, "register_before_snapshot", registered["before"].append)
    monkeypatch.setattr(snapstart, "register_after_restore", registered["after"].append)
    monkeypatch.setattr(snapstart, "_before", [])
    monkeypatch.setattr(snapstart, "_after", [])
    # When two handlers register their priming (the local server imports several)
    snapstart.on_snapshot(snapstart.prime_store)
    snapstart.on_snapshot(snapstart.prime_store)
    # Then the runtime gets one hook each way
    assert len(registered["before"]) == 1 and len(registered["after"]) == 1

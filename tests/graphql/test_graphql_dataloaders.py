"""No N+1: a contact list's DynamoDB calls grow only by what DynamoDB forces (one Query per contact for its
open tasks); every other relation is batched into a fixed number of calls (bench/graphql.py prints them)."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

BENCH_PATH = Path(__file__).resolve().parents[2] / "bench" / "graphql.py"


def _load_bench():
    # Loaded by path under another name: on sys.path, bench/graphql.py would shadow graphql-core.
    spec = importlib.util.spec_from_file_location("bench_graphql", BENCH_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def test_list_cost_is_fixed_plus_one_query_per_contact(services, workspace, gql):
    # Given 50 contacts, each with a pipeline state, tags, a location and tasks
    bench.seed(services, workspace.workspace.id, 50, completed_tasks=False)
    post = lambda query, variables: gql(query, variables).json
    # When a frontend lists 10, then 50 of them with every relation
    small, large = bench.measure(post, 10), bench.measure(post, 50)
    # Then the calls stay within the bound, without a Scan
    for row in (small, large):
        assert row["calls"] <= bench.FIXED_CALLS + bench.PER_CONTACT_CALLS * row["contacts"], row
        assert row["scans"] == 0, row
    # And only the per-contact open-task Queries grow with the page; every other relation is batched
    growth = Counter(large["by_operation"])
    growth.subtract(small["by_operation"])
    assert +growth == Counter({"Query": 40}), (small, large)


def test_loaders_are_per_request(gql, services, workspace):
    # A warm container serves many requests: a state renamed between two requests is seen renamed.
    state = services.pipeline.list(workspace.workspace.id)[0]
    gql.mutate("createContact", {"name": "Ana", "pipelineStateId": state.id})
    query = "{ contacts { edges { node { pipelineState { name } } } } }"
    assert gql.data(query)["contacts"]["edges"][0]["node"]["pipelineState"]["name"] == state.name
    services.pipeline.update(workspace.workspace.id, state.id, name="Renamed")
    assert gql.data(query)["contacts"]["edges"][0]["node"]["pipelineState"]["name"] == "Renamed"


def test_a_mutation_sees_its_own_write_in_the_same_request(gql):
    # Loaders are cleared after each write: the payload's relations reflect the change.
    contact = gql.mutate("createContact", {"name": "Ana", "tags": ["VIP"]}, "contact { id }")["contact"]
    document = """mutation($id: ID!) {
      first: addTags(input: {contactId: $id, tags: ["Gold"]}) { contact { tags { name contactCount } } }
      second: removeTags(input: {contactId: $id, tags: ["VIP"]}) { contact { tags { name contactCount } } }
    }"""
    result = gql.data(document, {"id": contact["id"]})
    assert result["first"]["contact"]["tags"] == [{"name": "VIP", "contactCount": 1}, {"name": "Gold", "contactCount": 1}]
    assert result["second"]["contact"]["tags"] == [{"name": "Gold", "contactCount": 1}]

"""No N+1: a list's DynamoDB calls and sequential waves are fixed, whatever the page size (bench/graphql.py
prints them); every relation is batched, and the batches of one round run in parallel."""
from __future__ import annotations

from benches import load_bench
from contacthub.services.paging import MAX_PAGE_SIZE


bench = load_bench("graphql")


def test_lists_cost_fixed_calls_in_fixed_waves(services, workspace, gql):
    # Given a full page of contacts, each with a pipeline state, tags, a location and open tasks
    bench.seed(services, workspace.workspace.id, MAX_PAGE_SIZE, completed_tasks=False)
    post = lambda query, variables: gql(query, variables).json
    for query in (bench.CONTACT_LIST, bench.CONTACT_LIST_BY_NAME, bench.TASK_LIST):
        # When a frontend lists 10, 50, then the most items a page holds, with every relation
        rows = [bench.measure(post, size, query) for size in (10, 50, MAX_PAGE_SIZE)]
        # Then each list stays within the bound on calls and on sequential waves, without a Scan
        for row in rows:
            assert row["calls"] <= bench.MAX_CALLS, row
            assert row["waves"] <= bench.MAX_WAVES, row
            assert row["scans"] == 0, row
        # And nothing grows with the page: the same calls in the same waves, the same chain of round trips
        assert len({(str(r["by_wave"]), r["round_trips"]) for r in rows}) == 1, rows


def test_the_relations_of_a_page_are_one_round(services, workspace, gql):
    # Given contacts with every relation
    bench.seed(services, workspace.workspace.id, 5, completed_tasks=False)
    row = bench.measure(lambda query, variables: gql(query, variables).json, 5)
    # Then the API key, the page, and every relation batch come in three rounds, the relations together
    assert list(row["by_wave"]) == [1, 2, 3], row
    assert row["by_wave"][3] == {"BatchGetItem": 1, "Query": 3}, row


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

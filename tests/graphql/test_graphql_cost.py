"""The query cost limit: computed from the document before anything runs, reported on accepted queries."""
from __future__ import annotations

from contacthub_local.meter import DynamoMeter
from contacthub_graphql.settings import Settings

LIMIT = Settings().max_cost


def test_an_accepted_query_reports_its_cost(gql):
    # 10 contacts x (the contact's edge, node and pipeline state): scalars are free
    reply = gql("{ contacts(first: 10) { totalCount edges { node { id name pipelineState { id } } } } }")
    assert "errors" not in reply.json, reply.text
    assert reply.json["extensions"]["cost"] == {"requested": 40, "limit": LIMIT}
    # Nested pages multiply: 5 contacts x (contact page item, edge, node + 3 x (open tasks, open task))
    reply = gql("{ contacts(first: 5) { edges { node { openTasks(first: 3) { nodes { id } } } } } }")
    assert reply.json["extensions"]["cost"]["requested"] == 5 * (1 + 1 + 1 + 3 * (1 + 1)), reply.text


def test_a_query_over_the_limit_is_refused_before_any_data_is_read(graphql_http):
    query = "{ contacts(first: 100) { edges { node { tasks(first: 100) { contact { tasks(first: 100) { id } } } } } } }"
    with DynamoMeter() as meter:
        reply = graphql_http.post("/graphql", json={"query": query},
                                  headers={"Accept": "application/graphql-response+json"})
    assert reply.status == 400, reply.text
    message = reply.json["errors"][0]["message"]  # 3 x 100 + 2 x 100 x 100 + 100 x 100 x 100
    assert "The query costs 1020300" in message and f"the limit is {LIMIT} per request" in message, message
    assert "extensions" not in reply.json or "cost" not in reply.json["extensions"]
    # Only the API key was looked up
    assert meter.calls == {"GetItem": 1}, meter.calls


def test_only_the_operation_that_runs_is_costed(gql):
    big = " ".join(f"a{i}: contacts(first: 100) {{ edges {{ node {{ tasks(first: 100) {{ id }} }} }} }}"
                   for i in range(3))
    document = f"query Big {{ {big} }} query Small {{ contacts(first: 1) {{ totalCount }} }}"
    reply = gql(document, operation_name="Small")
    assert "errors" not in reply.json, reply.text
    assert reply.json["extensions"]["cost"]["requested"] == 1

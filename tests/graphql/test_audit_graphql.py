"""Release audit: GraphQL abuse found against the local server, kept as regressions.

Nested page sizes multiply: within the depth, alias and token limits, one document could ask for a million
tasks (`contact > tasks(100) > contact > tasks(100) > contact > tasks(100)`: a 46 MB answer in 9 s locally).
"""
from __future__ import annotations

from contacthub_graphql.settings import Settings

GRAPHQL_RESPONSE = "application/graphql-response+json"
LIMIT = Settings().max_cost


def run(graphql_http, query, variables=None):
    return graphql_http.post("/graphql", json={"query": query, "variables": variables or {}},
                             headers={"Accept": GRAPHQL_RESPONSE})


def contact_with_tasks(gql, count: int) -> str:
    contact_id = gql.mutate("createContact", {"name": "Ana Lima"})["contact"]["id"]
    for i in range(count):
        gql.mutate("createTask", {"contactId": contact_id, "title": f"t{i}", "dueDate": "2025-03-20T10:00:00Z"},
                   "task { id }")
    return contact_id


def test_nested_page_sizes_that_multiply_past_the_limit_are_refused_before_running(graphql_http, gql):
    # Given a contact with tasks
    contact_id = contact_with_tasks(gql, 2)
    # When a document nests three task pages of 100 under one contact (1,000,000 tasks at most)
    query = ("query($id: ID!) { contact(id: $id) { tasks(first: 100) { contact { tasks(first: 100) { "
             "contact { tasks(first: 100) { id } } } } } } }")
    reply = run(graphql_http, query, {"id": contact_id})
    # Then nothing runs: a request error naming the limit
    assert reply.status == 400, reply.text
    assert "data" not in reply.json
    assert f"the limit is {LIMIT}" in reply.json["errors"][0]["message"]


def test_page_sizes_given_as_variables_and_defaults_count_too(graphql_http, gql):
    contact_id = contact_with_tasks(gql, 1)
    # Variables: 100 x 100 x 100
    query = ("query($id: ID!, $n: Int!) { contact(id: $id) { tasks(first: $n) { contact { tasks(first: $n) { "
             "contact { tasks(first: $n) { id } } } } } } }")
    assert run(graphql_http, query, {"id": contact_id, "n": 100}).status == 400
    # Defaults through a fragment: contacts (20) x tasks (50) x tasks (50) x tasks (50)
    query = ("{ contacts { edges { node { ...T } } } } fragment T on Contact { tasks { contact { tasks { "
             "contact { tasks { id } } } } } }")
    assert run(graphql_http, query).status == 400
    # Aliases add up: 20 x (100 contacts + 100 x 100 tasks)
    query = "{ " + " ".join(f"a{i}: contacts(first: 100) {{ edges {{ node {{ tasks(first: 100) {{ id }} }} }} }}"
                            for i in range(20)) + " }"
    assert run(graphql_http, query).status == 400


def test_frontend_sized_queries_still_run(graphql_http, gql):
    contact_id = contact_with_tasks(gql, 3)
    # A full page of contacts with a full page of tasks each, and a task list with each task's contact
    reply = run(graphql_http, "{ contacts(first: 100) { edges { node { tasks(first: 100) { id title } } } } "
                     "tasks(first: 100) { edges { node { contact { name } } } } }")
    assert reply.status == 200 and "errors" not in reply.json, reply.text
    assert len(reply.json["data"]["contacts"]["edges"][0]["node"]["tasks"]) == 3
    # Small nested pages (a task's contact's other tasks) are fine
    reply = run(graphql_http, "query($id: ID!, $n: Int!) { contact(id: $id) { tasks(first: $n) { contact { "
                     "tasks(first: $n) { id } } } } }", {"id": contact_id, "n": 10})
    assert reply.status == 200 and "errors" not in reply.json, reply.text

"""Abuse is refused before it costs anything: depth, aliases, tokens, page sizes, cursors, filter sizes."""
from __future__ import annotations

import base64

import pytest

from contacthub_graphql.settings import Settings

LIMITS = Settings()
GRAPHQL_RESPONSE = "application/graphql-response+json"


def run(graphql_http, query, variables=None):
    return graphql_http.post("/graphql", json={"query": query, "variables": variables or {}},
                             headers={"Accept": GRAPHQL_RESPONSE})


def nested(levels: int) -> str:
    """contacts > edges > node, then task > contact hops until `levels` fields deep."""
    inner, depth = "id", 3
    hops = []
    while depth < levels:
        # one task per hop: this probes depth alone (nested page sizes multiply; see test_audit_graphql.py)
        hops.append("tasks(first: 1) {" if len(hops) % 2 == 0 else "contact {")
        depth += 1
    return "{ contacts { edges { node { " + " ".join(hops) + f" {inner} " + "}" * len(hops) + " } } } }"


def test_depth_limit(graphql_http):
    assert run(graphql_http, nested(LIMITS.max_depth)).status == 200
    reply = run(graphql_http, nested(LIMITS.max_depth + 1))
    assert reply.status == 400 and "exceeds maximum operation depth" in reply.json["errors"][0]["message"]


def test_alias_limit(graphql_http):
    allowed = " ".join(f"a{i}: __typename" for i in range(LIMITS.max_aliases))
    assert run(graphql_http, "{ " + allowed + " }").status == 200
    reply = run(graphql_http, "{ " + allowed + " extra: me { user { id } } }")
    assert reply.status == 400 and "aliases" in reply.json["errors"][0]["message"]


def test_token_limit(graphql_http):
    reply = run(graphql_http, "{ me { user { " + "id " * LIMITS.max_tokens + "} } }")
    assert reply.status == 400 and "token" in reply.json["errors"][0]["message"].lower()


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("query, variables, message", [
    ("query($n: Int!) { contacts(first: $n) { totalCount } }", {"n": 101}, "`first` must be between 0 and 100"),
    ("query($n: Int!) { contacts(first: $n) { totalCount } }", {"n": -1}, "`first` must be between 0 and 100"),
    ("query($n: Int!) { tasks(first: $n) { totalCount } }", {"n": 1000}, "`first` must be between 0 and 100"),
    ("query($a: String) { contacts(after: $a) { totalCount } }", {"a": "garbage!"}, "not a cursor of this list"),
    ("query($a: String) { contacts(after: $a) { totalCount } }", {"a": cursor("tasks:3")}, "not a cursor of this list"),
    ("query($a: String) { contacts(after: $a) { totalCount } }", {"a": cursor("contacts:-1")},
     "not a cursor of this list"),
    ("query($s: String) { contacts(search: $s) { totalCount } }", {"s": "x" * 101}, "`search` has at most"),
    ("query($t: [String!]) { contacts(filter: {tags: $t}) { totalCount } }", {"t": [f"t{i}" for i in range(11)]},
     "at most 10 tags"),
    ("{ contacts { edges { node { tasks(first: 101) { id } } } } }", None, None),
])
def test_page_and_filter_bounds(graphql_http, gql, query, variables, message):
    if message is None:  # a relation's page size is checked per contact: needs one contact to run
        gql.mutate("createContact", {"name": "Ana"})
        message = "`first` must be between 0 and 100"
    reply = run(graphql_http, query, variables)
    assert reply.status == 200 and reply.json["data"] is None, reply.text  # a field error: the document was fine
    error = reply.json["errors"][0]
    assert message in error["message"] and error["extensions"]["code"] == "BAD_USER_INPUT"

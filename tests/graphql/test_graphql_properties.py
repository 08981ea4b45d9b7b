"""Generated GraphQL operations, valid and invalid against the published SDL, through the real Lambda handler:
never a server error, always a GraphQL-shaped answer, and a refused mutation writes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

SDL = (Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql").read_text(encoding="utf-8")
GRAPHQL_RESPONSE = "application/graphql-response+json"
SCALARS = {
    "DateTime": st.sampled_from(["2025-03-20T10:00:00Z", "2025-03-20", "", "\ud800", "9999-99-99T99:99:99Z",
                                 "1899-12-31T23:59:59Z"]).map(nodes.String),
    "JSON": st.recursive(st.none().map(lambda _: nodes.Null) | st.booleans().map(nodes.Boolean)
                         | st.integers(-(10 ** 40), 10 ** 40).map(nodes.Int) | st.text(max_size=10).map(nodes.String),
                         lambda inner: st.lists(inner, max_size=3).map(nodes.List), max_leaves=8),
}
BUDGET = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.filter_too_much])


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
@BUDGET
@given(data=st.data())
def test_no_generated_operation_reaches_a_5xx(graphql_http, workspace, snapshot, mode, accept, data):
    # Given any operation the SDL allows (or one that breaks it in one place)
    document = data.draw(from_schema(SDL, custom_scalars=SCALARS, mode=mode))
    before = snapshot(workspace)
    # When it is posted as a frontend would
    reply = graphql_http.post("/graphql", json={"query": document}, headers={"Accept": accept})
    # Then the answer is a GraphQL response, never a server error
    assert reply.status < 500, (document, reply.text)
    body = reply.json
    assert isinstance(body, dict) and ("data" in body or "errors" in body), (document, reply.text)
    for error in body.get("errors") or []:
        assert isinstance(error.get("message"), str), (document, reply.text)
    if mode is Mode.NEGATIVE:
        # invalid documents never run: 400 for graphql-response+json clients, 200 with errors otherwise
        assert body.get("errors") and body.get("data") is None, (document, reply.text)
        assert reply.status == (400 if accept == GRAPHQL_RESPONSE else 200), (document, reply.text)
        assert snapshot(workspace) == before

"""What may be stored is decided by the domain rules, whatever the entry point: GraphQL refuses what the REST
dialects refuse (non-finite numbers, lone surrogates, JSON nested too deeply), and writes nothing."""
from __future__ import annotations

import json

import pytest

CREATE = ("mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } "
          "error { __typename ...on ValidationError { violations { path code } } } } }")
UPDATE = ("mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id } "
          "error { __typename ...on ValidationError { violations { path code } } } } }")
CREATE_TASK = ("mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } "
               "error { __typename ...on ValidationError { violations { path code } } } } }")


def nested(levels: int) -> dict:
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    return value  # type: ignore[return-value]


def raw_json(document: str, variables: str) -> str:
    """A request body with variables written by hand: Python's json reads NaN and Infinity, clients can send them."""
    return '{"query": %s, "variables": %s}' % (json.dumps(document), variables)


def strict_json(text: str):
    """Parse as a JSON client would: NaN and Infinity are not JSON."""
    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def violations(reply, field: str) -> dict[str, str]:
    assert reply.status == 200, reply.text
    payload = reply.json["data"][field]
    assert payload["error"]["__typename"] == "ValidationError", payload
    return {v["path"]: v["code"] for v in payload["error"]["violations"]}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_create_contact_with_a_non_finite_custom_field_is_refused(graphql_http, workspace, snapshot, number):
    # Given a workspace (it answered NaN from GET /v1/contacts after GraphQL stored one)
    before = snapshot(workspace)
    # When a frontend creates a contact with a number JSON cannot carry
    body = raw_json(CREATE, '{"input": {"name": "N", "customFields": {"x": %s}}}' % number)
    reply = graphql_http.post("/graphql", body=body, headers={"Content-Type": "application/json"})
    # Then a ValidationError names customFields, nothing is written, and the REST list stays valid JSON
    assert violations(reply, "createContact") == {"customFields": "not_finite"}
    assert snapshot(workspace) == before
    assert strict_json(graphql_http.get("/v1/contacts").text) == []


def test_update_contact_with_a_non_finite_custom_field_is_refused(graphql_http, gql, workspace, snapshot):
    cid = gql.mutate("createContact", {"name": "Ana", "customFields": {"x": 1.5}})["contact"]["id"]
    before = snapshot(workspace)
    body = raw_json(UPDATE, '{"input": {"id": "%s", "customFields": {"x": NaN}}}' % cid)
    reply = graphql_http.post("/graphql", body=body, headers={"Content-Type": "application/json"})
    assert violations(reply, "updateContact") == {"customFields": "not_finite"}
    assert snapshot(workspace) == before
    assert strict_json(graphql_http.get(f"/v1/contacts/{cid}").text)["customFields"] == {"x": 1.5}


def test_task_payload_with_a_non_finite_number_is_refused(graphql_http, gql, workspace, snapshot):
    cid = gql.mutate("createContact", {"name": "Ana"})["contact"]["id"]
    before = snapshot(workspace)
    body = raw_json(CREATE_TASK, '{"input": {"contactId": "%s", "title": "Call", "dueDate": "2025-03-20T10:00:00Z", '
                                 '"payload": {"score": [1, Infinity]}}}' % cid)
    reply = graphql_http.post("/graphql", body=body, headers={"Content-Type": "application/json"})
    assert violations(reply, "createTask") == {"payload": "not_finite"}
    assert snapshot(workspace) == before


@pytest.mark.parametrize("levels", [33, 400])
def test_custom_fields_nested_too_deeply_are_refused_on_create_and_update(graphql_http, gql, workspace, snapshot, levels):
    cid = gql.mutate("createContact", {"name": "Ana"})["contact"]["id"]
    before = snapshot(workspace)
    created = gql(CREATE, {"input": {"name": "Deep", "customFields": {"x": nested(levels)}}})
    assert violations(created, "createContact") == {"customFields": "too_deep"}
    updated = gql(UPDATE, {"input": {"id": cid, "customFields": {"x": nested(levels)}}})
    assert violations(updated, "updateContact") == {"customFields": "too_deep"}
    assert snapshot(workspace) == before


def test_a_flat_object_within_the_depth_bound_is_still_only_scalars(gql):
    # One level of nesting passes the depth rule but not the custom-field shape: named at its key.
    payload = gql.mutate("createContact", {"name": "Ana", "customFields": {"x": nested(2)}})
    assert payload["contact"] is None and payload["error"]["__typename"] == "ValidationError"


@pytest.mark.parametrize("order", ["CREATED_AT_DESC", "CREATED_AT_ASC"])
def test_a_search_term_with_a_lone_surrogate_is_a_user_error(graphql_http, gql, order):
    # Given a contact, so the search would have something to read
    gql.mutate("createContact", {"name": "Ana"})
    # When the search variable holds a lone surrogate (JSON can escape one: "\ud800")
    query = "query($s: String, $o: ContactOrder) { contacts(search: $s, orderBy: $o) { totalCount } }"
    body = raw_json(query, '{"s": "ana\\ud800", "o": "%s"}' % order)
    reply = graphql_http.post("/graphql", body=body, headers={"Content-Type": "application/json"})
    # Then the client is told, like for any other bad argument (never an internal error)
    assert reply.status == 200 and reply.json["data"] is None, reply.text
    error = reply.json["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "`search`" in error["message"]


def test_a_filter_with_a_lone_surrogate_is_a_user_error(graphql_http):
    query = "query($c: String) { contacts(filter: {company: $c}) { totalCount } }"
    reply = graphql_http.post("/graphql", body=raw_json(query, '{"c": "\\udfff"}'), headers={"Content-Type": "application/json"})
    assert reply.status == 200 and reply.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", reply.text

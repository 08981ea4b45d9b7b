"""Query.duplicateCandidates through the real handler: groups and reasons, paging to the end, the tenant wall,
bad arguments, and nested contact fields in a fixed number of calls whatever the number of groups."""
from __future__ import annotations

import pytest

from contacthub_local.meter import DynamoMeter

GROUPS = """query($first: Int!, $after: String) {
  duplicateCandidates(first: $first, after: $after) {
    nodes { contact { id name } score reasons duplicates { contact { id } score reasons } }
    pageInfo { hasNextPage endCursor }
  }
}"""
NESTED = """query {
  duplicateCandidates(first: 100) {
    nodes { contact { id pipelineState { name } openTasks { totalCount } }
            duplicates { contact { id pipelineState { name } openTasks { totalCount } } } }
    pageInfo { hasNextPage }
  }
}"""


def _create(services, ws: str, **fields) -> str:
    return services.contacts.create(ws, fields).id


def _walk(gql, first: int = 20) -> tuple[list[dict], int]:
    nodes, pages, after = [], 0, None
    while True:
        page = gql.data(GROUPS, {"first": first, "after": after})["duplicateCandidates"]
        pages += 1
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["pageInfo"]["endCursor"] is None
            return nodes, pages
        after = page["pageInfo"]["endCursor"]


@pytest.fixture
def people(services, workspace):
    ws = workspace.workspace.id
    return {
        "marie": _create(services, ws, name="Marie Dubois", emails=["marie@acme.example"], company="Acme"),
        "other": _create(services, ws, name="Zed Loner", emails=["zed@gmail.com"]),
        "marie2": _create(services, ws, name="Marie Dubois", emails=["Marie@Acme.example"],
                          phones=["+33 6 12 34 56 78"]),
        "jean": _create(services, ws, name="Jean Martin", phones=["+33 6 98 76 54 32"]),
        "jm": _create(services, ws, name="J. Martin", phones=["+33698765432"]),
    }


def test_groups_with_reasons_page_to_the_end(gql, people):
    nodes, _ = _walk(gql)
    assert [(n["contact"]["id"], [(d["contact"]["id"], d["reasons"]) for d in n["duplicates"]]) for n in nodes] == [
        (people["marie"], [(people["marie2"], ["EMAIL", "NAME_EMAIL_DOMAIN"])]),
        (people["jean"], [(people["jm"], ["PHONE"])]),
    ]
    assert nodes[0]["reasons"] == ["EMAIL", "NAME_EMAIL_DOMAIN"]
    assert 0 < nodes[1]["score"] <= 1 and nodes[1]["score"] == nodes[1]["duplicates"][0]["score"]
    one_by_one, pages = _walk(gql, first=1)
    assert one_by_one == nodes and pages >= 2


def test_another_workspace_sees_none_of_them_nor_takes_the_cursor(gql, other_gql, people, services, monkeypatch):
    assert _walk(other_gql)[0] == []
    monkeypatch.setattr(services.duplicates, "examined_per_page", 1)
    cursor = gql.data(GROUPS, {"first": 1})["duplicateCandidates"]["pageInfo"]["endCursor"]
    assert cursor
    reply = other_gql(GROUPS, {"first": 1, "after": cursor})
    assert reply.json["data"] is None
    assert reply.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("first, after", [(0, None), (101, None), (5, "garbage")])
def test_bad_arguments_are_the_clients_errors(gql, first, after):
    reply = gql(GROUPS, {"first": first, "after": after})
    assert reply.status == 200 and reply.json["data"] is None
    assert reply.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def _nested_calls(gql) -> tuple[dict, int]:
    with DynamoMeter() as plain:
        gql.data(GROUPS, {"first": 100})
    with DynamoMeter() as nested:
        found = gql.data(NESTED)["duplicateCandidates"]["nodes"]
    extra = {k: nested.calls[k] - plain.calls.get(k, 0) for k in nested.calls}
    return {k: v for k, v in extra.items() if v}, len(found)


def test_nested_contact_fields_cost_fixed_calls_whatever_the_groups(gql, services, workspace, people):
    # Given two groups, the calls that nested contact fields add to the walk
    small, groups = _nested_calls(gql)
    assert groups == 2
    # When there are more groups
    ws = workspace.workspace.id
    for n, (first, second) in enumerate([("Ada Byron", "Kurt Vogel"), ("Olga Petrova", "Hiro Tanaka"),
                                         ("Rosa Parks", "Ivan Drago"), ("Lena Horne", "Omar Sy")]):
        _create(services, ws, name=first, emails=[f"shared{n}@x.example"])
        _create(services, ws, name=second, emails=[f"shared{n}@x.example"])
    big, groups = _nested_calls(gql)
    assert groups == 6
    # Then the nested fields still add the same calls (one batch per relation), and the contacts are not read
    # again (the walk's reads prime the contact loader)
    assert big == small
    assert "GetItem" not in big

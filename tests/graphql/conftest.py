"""GraphQL through the real Lambda handler: API Gateway events routed by template.yaml (tests/client.py)."""
from __future__ import annotations

import json
from functools import cache
from typing import Any

import boto3
import pytest

from client import ApiClient, Reply


class GraphQLClient:
    """Posts GraphQL documents to /graphql the way a frontend does."""

    def __init__(self, api: ApiClient):
        self.api = api

    def __call__(self, query: str, variables: dict | None = None, headers: dict | None = None,
                 operation_name: str | None = None) -> Reply:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name:
            body["operationName"] = operation_name
        return self.api.post("/graphql", json=body, headers=headers)

    def data(self, query: str, variables: dict | None = None) -> dict:
        """The `data` of a reply that must have succeeded without any error."""
        reply = self(query, variables)
        assert reply.status == 200, reply.text
        assert "errors" not in reply.json, reply.json["errors"]
        return reply.json["data"]

    def mutate(self, field: str, input: dict, selection: str = "contact { id }") -> dict:
        """Run `field(input: $input)` and return its payload, `error` selected with what its members carry."""
        extra = {"ValidationError": "violations { path message code }", "NotFoundError": "entity id"}
        members = "".join(f" ...on {m} {{ {extra[m]} }}" for m in error_members(field) if m in extra)
        document = (f"mutation($input: {field[0].upper() + field[1:]}Input!) {{ {field}(input: $input) "
                    f"{{ {selection} error {{ __typename ...on Error {{ message }}{members} }} }} }}")
        return self.data(document, {"input": input})[field]


@cache
def error_members(mutation: str) -> tuple[str, ...]:
    """Names of the types in a mutation payload's `error` union, read from the schema."""
    from graphql import get_named_type

    from contacthub_graphql.schema import build_schema

    payload = get_named_type(build_schema()._schema.mutation_type.fields[mutation].type)
    return tuple(t.name for t in get_named_type(payload.fields["error"].type).types)


@pytest.fixture
def graphql_http(workspace) -> ApiClient:
    """Plain HTTP to /graphql with the workspace's key, sent as frontends do (Bearer)."""
    return ApiClient(workspace.key)


@pytest.fixture
def gql(graphql_http) -> GraphQLClient:
    return GraphQLClient(graphql_http)


@pytest.fixture
def other_gql(other_workspace) -> GraphQLClient:
    return GraphQLClient(ApiClient(other_workspace.key))


def partition(workspace_id: str) -> str:
    """Every stored item of a workspace (contacts, index entries, counters, tasks), as canonical JSON."""
    pages = boto3.client("dynamodb").get_paginator("query").paginate(
        TableName="test-crm", KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WS#{workspace_id}"}}, ConsistentRead=True)
    return json.dumps([item for page in pages for item in page["Items"]], sort_keys=True)


@pytest.fixture
def snapshot():
    """snapshot(issued_key) -> the workspace's stored items: equal before and after means nothing changed."""
    return lambda issued: partition(issued.workspace.id)

"""/hub/v1 merges through the real handlers on moto: a merge folds contacts into one whose old ids keep resolving
in every dialect and in GraphQL; undo brings them back; a refused merge changes nothing."""
from __future__ import annotations

import json

import boto3
import pytest

from client import ApiClient
from environment import SETTINGS

MARIE = {"name": "Marie Dubois", "emails": ["marie@acme.example"], "phones": ["+33 6 12 34 56 78"],
         "company": "Acme Corp", "tags": ["VIP"], "customFields": {"source": "fair"}}
MARIE_TOO = {"name": "M. Dubois", "emails": ["m.dubois@perso.example"], "phones": ["+33 1 23 45 67 89"],
             "position": "Directrice", "tags": ["Paris", "vip"], "customFields": {"size": "xl"}}


@pytest.fixture
def hub(workspace):
    client = ApiClient(workspace.key)
    client.workspace_id = workspace.workspace.id  # type: ignore[attr-defined]
    return client


@pytest.fixture
def other_hub(other_workspace):
    return ApiClient(other_workspace.key)


def _stored(workspace_id: str) -> str:
    """Every item of the workspace but the rate limiter's, as JSON."""
    pages = boto3.client("dynamodb").get_paginator("query").paginate(
        TableName=SETTINGS.crm_table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WS#{workspace_id}"}}, ConsistentRead=True)
    items = [i for page in pages for i in page["Items"] if not i["sk"]["S"].startswith("RATE#")]
    return json.dumps(items, sort_keys=True)


def _create(hub, body) -> dict:
    reply = hub.post("/hub/v1/contacts", json=body)
    assert reply.status == 201, reply.text
    return reply.json


def _merge(hub, survivor: dict, *merged: dict, **extra) -> dict:
    reply = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [m["id"] for m in merged], **extra})
    assert reply.status == 200, reply.text
    return reply.json


def test_merge_unites_and_old_ids_resolve_to_the_survivor(hub):
    # Given two contacts for one person
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    # When the second is merged into the first
    answer = _merge(hub, survivor, other)
    merged = answer["contact"]
    # Then the survivor keeps its values, fills its blanks and unites emails, phones, tags and custom fields
    assert merged["id"] == survivor["id"] and merged["name"] == "Marie Dubois"
    assert merged["position"] == "Directrice" and merged["company"] == "Acme Corp"
    assert merged["emails"] == ["marie@acme.example", "m.dubois@perso.example"]
    assert [p["e164"] for p in merged["phones"]] == ["+33612345678", "+33123456789"]
    assert merged["tags"] == ["VIP", "Paris"]
    assert merged["customFields"] == {"source": "fair", "size": "xl"}
    assert answer["merge"]["mergedIds"] == [other["id"]] and answer["merge"]["status"] == "done"
    assert answer["merge"]["mergedNumbers"] == [other["number"]]
    # And the merged contact's id answers the survivor in /hub/v1
    got = hub.get(f"/hub/v1/contacts/{other['id']}")
    assert got.status == 200 and got.json["id"] == survivor["id"]

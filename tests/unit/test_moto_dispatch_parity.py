"""DynamoDB calls answered directly (scalable_moto_dispatch) answer exactly as through moto's HTTP emulation.

Each scenario drives a fresh mock_aws through boto3 and records what every call answered: the whole parsed
response without its request metadata, or the whole error response (code, message, modeled fields such as
CancellationReasons or the Item of a failed condition). Run with and without the direct path, both records
must be equal. The scaling patches are installed in both runs, as `contacthub serve` has them.
"""
from __future__ import annotations

import random
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from contacthub_local import scalable_moto, scalable_moto_dispatch


def record(calls: list, call, *args, **kwargs) -> Any:
    try:
        answer = call(*args, **kwargs)
        answer.pop("ResponseMetadata", None)
        calls.append(("ok", answer))
    except ClientError as error:
        response = dict(error.response)
        response.pop("ResponseMetadata", None)
        calls.append(("error", type(error).__name__, response))
    except Exception as error:  # noqa: BLE001 - moto's own crashes must match too
        calls.append(("crash", type(error).__name__, str(error)))
    return calls[-1]


def run(scenario, direct: str | None) -> list:
    """`direct`: None (moto's HTTP emulation), "before-call" (a client of a session made after install) or
    "before-send" (one whose session does not have the before-call handler: moto's patched stubber answers)."""
    was_scaled, was_direct = scalable_moto.installed(), scalable_moto_dispatch.installed()
    scalable_moto.install()
    (scalable_moto_dispatch.install if direct else scalable_moto_dispatch.uninstall)()
    try:
        with mock_aws():
            client = boto3.session.Session().client("dynamodb", region_name="us-east-1")
            if direct == "before-send":
                client.meta.events.unregister("before-call.dynamodb", scalable_moto_dispatch._before_call)
            return scenario(client)
    finally:
        (scalable_moto_dispatch.install if was_direct else scalable_moto_dispatch.uninstall)()
        (scalable_moto.install if was_scaled else scalable_moto.uninstall)()


def assert_same(scenario) -> list:
    emulated = run(scenario, None)
    for via in ("before-call", "before-send"):
        direct = run(scenario, via)
        assert len(direct) == len(emulated)
        for index, (mine, theirs) in enumerate(zip(direct, emulated, strict=True)):
            assert mine == theirs, f"call {index} differs ({via})"
    return emulated


def create_table(client, name="t", streams=False):
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [
            {"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}],
        **({"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
           if streams else {}))


def every_type(n: int) -> dict[str, Any]:
    return {"pk": {"S": "P"}, "sk": {"S": f"A#{n:04d}"}, "g": {"S": "G"}, "n": {"N": str(n)},
            "f": {"N": "1.50"}, "b": {"B": bytes([n % 256, 0, 255])}, "t": {"BOOL": n % 2 == 0},
            "z": {"NULL": True}, "l": {"L": [{"S": "x"}, {"N": "2"}, {"B": b"\x01"}]},
            "m": {"M": {"inner": {"S": "é"}, "deep": {"M": {"k": {"N": "3"}}}}}, "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2.0"]}, "bs": {"BS": [b"\x00", b"\xff"]}, "e": {"S": ""}}


def test_item_reads_and_writes_of_every_type_alike():
    def scenario(client):
        create_table(client)
        calls: list = []
        for n in range(12):
            record(calls, client.put_item, TableName="t", Item=every_type(n), ReturnConsumedCapacity="TOTAL")
        key = {"pk": {"S": "P"}, "sk": {"S": "A#0003"}}
        record(calls, client.get_item, TableName="t", Key=key)
        record(calls, client.get_item, TableName="t", Key=key, ConsistentRead=True,
               ProjectionExpression="sk, b, m.inner, l[1], missing")
        record(calls, client.get_item, TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "none"}})
        record(calls, client.put_item, TableName="t", Item=every_type(3), ReturnValues="ALL_OLD")
        record(calls, client.update_item, TableName="t", Key=key, UpdateExpression="SET n = n + :one, #b = :b",
               ExpressionAttributeNames={"#b": "b"}, ExpressionAttributeValues={":one": {"N": "1"}, ":b": {"B": b"z"}},
               ReturnValues="ALL_NEW")
        record(calls, client.update_item, TableName="t", Key=key, UpdateExpression="REMOVE z ADD ss :s",
               ExpressionAttributeValues={":s": {"SS": ["c"]}}, ReturnValues="UPDATED_OLD")
        record(calls, client.delete_item, TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "A#0004"}},
               ReturnValues="ALL_OLD", ReturnConsumedCapacity="INDEXES")
        # conditions that fail, with and without the old item in the error
        record(calls, client.put_item, TableName="t", Item=every_type(5), ConditionExpression="attribute_not_exists(pk)")
        record(calls, client.put_item, TableName="t", Item=every_type(5), ConditionExpression="attribute_not_exists(pk)",
               ReturnValuesOnConditionCheckFailure="ALL_OLD")
        record(calls, client.update_item, TableName="t", Key=key, UpdateExpression="SET n = :v",
               ConditionExpression="n = :w", ExpressionAttributeValues={":v": {"N": "1"}, ":w": {"N": "-1"}})
        record(calls, client.delete_item, TableName="t", Key=key, ConditionExpression="attribute_not_exists(sk)")
        # requests moto refuses
        record(calls, client.put_item, TableName="missing", Item=every_type(1))
        record(calls, client.put_item, TableName="t", Item={"pk": {"S": "P"}})
        record(calls, client.update_item, TableName="t", Key=key, UpdateExpression="SET n = :v")
        record(calls, client.update_item, TableName="t", Key=key, UpdateExpression="SET n = n + :v",
               ExpressionAttributeValues={":v": {"S": "x"}})
        record(calls, client.get_item, TableName="t", Key=key, ProjectionExpression="sk, sk")
        record(calls, client.put_item, TableName="t", Item={**every_type(1), "huge": {"S": "x" * 410_000}})
        record(calls, client.put_item, TableName="t", Item=every_type(1), ReturnConsumedCapacity="SOMETIMES")
        return calls

    calls = assert_same(scenario)
    assert {c[2]["Error"]["Code"] for c in calls if c[0] == "error"} >= {
        "ConditionalCheckFailedException", "ResourceNotFoundException", "ValidationException"}
    assert any(c[0] == "error" and "Item" in c[2] for c in calls)  # the old item came with the failure


def test_queries_scans_and_batches_alike():
    def scenario(client):
        create_table(client)
        calls: list = []
        for n in range(30):
            client.put_item(TableName="t", Item={**every_type(n), "sk": {"S": f"{'AB'[n % 2]}#{n:04d}"},
                                                 "pad": {"S": "p" * 200_000 if n % 7 == 0 else "p"}})
        base = {"TableName": "t", "ExpressionAttributeValues": {":p": {"S": "P"}, ":a": {"S": "A#"}}}
        for extra in ({}, {"Limit": 3}, {"ScanIndexForward": False, "Limit": 4}, {"ProjectionExpression": "sk, g"},
                      {"ProjectionExpression": "sk, n, b"}, {"Select": "COUNT"}, {"ConsistentRead": True},
                      {"ReturnConsumedCapacity": "TOTAL"}):
            request = {**base, "KeyConditionExpression": "pk = :p AND begins_with(sk, :a)", **extra}
            while True:
                answer = record(calls, client.query, **request)
                if answer[0] != "ok" or "LastEvaluatedKey" not in answer[1]:
                    break
                request["ExclusiveStartKey"] = answer[1]["LastEvaluatedKey"]
        record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p", FilterExpression="n > :n",
               ExpressionAttributeValues={":p": {"S": "P"}, ":n": {"N": "20"}})
        record(calls, client.query, TableName="t", IndexName="byG", KeyConditionExpression="g = :g",
               ExpressionAttributeValues={":g": {"S": "G"}}, Limit=5)
        record(calls, client.query, TableName="t", KeyConditionExpression="nope = :p",
               ExpressionAttributeValues={":p": {"S": "P"}})
        record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
               ExpressionAttributeValues={":p": {"S": "P"}, ":a": {"S": "A#"}}, ProjectionExpression="sk, ghost")
        record(calls, client.scan, TableName="t", Limit=7)
        record(calls, client.scan, TableName="t", FilterExpression="t = :t", ExpressionAttributeValues={":t": {"BOOL": True}})
        keys = [{"pk": {"S": "P"}, "sk": {"S": f"{'AB'[n % 2]}#{n:04d}"}} for n in range(0, 30, 3)]
        record(calls, client.batch_get_item, RequestItems={"t": {"Keys": keys, "ConsistentRead": True}})
        record(calls, client.batch_get_item, RequestItems={"t": {"Keys": keys, "ProjectionExpression": "sk, b"}})
        record(calls, client.batch_get_item, RequestItems={"missing": {"Keys": keys}})
        record(calls, client.batch_write_item, RequestItems={"t": [
            {"PutRequest": {"Item": every_type(100)}}, {"DeleteRequest": {"Key": keys[0]}}]})
        record(calls, client.batch_write_item, RequestItems={"t": [{"PutRequest": {"Item": {"pk": {"S": "P"}}}}]})
        record(calls, client.transact_get_items, TransactItems=[{"Get": {"TableName": "t", "Key": k}} for k in keys[:4]])
        record(calls, client.transact_get_items, TransactItems=[
            {"Get": {"TableName": "t", "Key": keys[1], "ProjectionExpression": "sk, ns"}}])
        return calls

    assert_same(scenario)


def test_transactions_and_their_stream_records_alike():
    def scenario(client):
        create_table(client, streams=True)
        calls: list = []
        key = lambda sk: {"pk": {"S": "P"}, "sk": {"S": sk}}  # noqa: E731
        new = lambda sk: {"Put": {"TableName": "t", "Item": {**key(sk), "g": {"S": "G"}, "b": {"B": b"\x07"}},  # noqa: E731
                                  "ConditionExpression": "attribute_not_exists(pk)"}}
        for items in ([new("N#1"), new("N#2")],
                      [new("N#3"), new("N#1")],  # N#1 exists: cancelled
                      [new("N#4"), {"Update": {"TableName": "t", "Key": key("N#2"), "UpdateExpression": "SET c = :c",
                                               "ConditionExpression": "attribute_not_exists(c)",
                                               "ExpressionAttributeValues": {":c": {"N": "1"}}}}],
                      [{"ConditionCheck": {"TableName": "t", "Key": key("N#2"), "ConditionExpression": "c = :z",
                                           "ExpressionAttributeValues": {":z": {"N": "9"}},
                                           "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}, new("N#5")],
                      [new("N#6"), new("N#6")],  # the same item twice
                      [new("N#7"), {"Put": {"TableName": "missing", "Item": key("x")}}],
                      [{"Delete": {"TableName": "t", "Key": key("N#1")}}]):
            record(calls, client.transact_write_items, TransactItems=items)
        record(calls, client.scan, TableName="t")
        from moto.dynamodb.models import dynamodb_backends

        shard = dynamodb_backends["123456789012"]["us-east-1"].get_table("t").stream_shard
        calls.append(("stream", [(r.record["eventName"], r.record["dynamodb"]["SequenceNumber"],
                                  r.record["dynamodb"]["Keys"], r.record["dynamodb"].get("NewImage"),
                                  r.record["dynamodb"].get("OldImage")) for r in shard.items]))
        return calls

    calls = assert_same(scenario)
    reasons = [c[2].get("CancellationReasons") for c in calls if c[0] == "error"]
    assert any(reasons) and any(r.get("Item") for rs in reasons if rs for r in rs)


def test_random_workloads_alike():
    def scenario(client):
        rng = random.Random(5)
        create_table(client)
        calls: list = []
        keys = [f"{rng.choice('ABC')}#{rng.randint(0, 30):02d}" for _ in range(40)]
        for step in range(200):
            sk = rng.choice(keys)
            action = rng.random()
            if action < 0.35:
                record(calls, client.put_item, TableName="t", Item={"pk": {"S": "P"}, "sk": {"S": sk}, "g": {"S": "G"},
                                                                    "v": {"N": str(step)}},
                       ConditionExpression="attribute_not_exists(sk) OR v < :v",
                       ExpressionAttributeValues={":v": {"N": str(step - 20)}})
            elif action < 0.5:
                record(calls, client.update_item, TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": sk}},
                       UpdateExpression="ADD c :one", ExpressionAttributeValues={":one": {"N": "1"}},
                       ReturnValues=rng.choice(["NONE", "ALL_NEW", "UPDATED_NEW"]))
            elif action < 0.6:
                record(calls, client.delete_item, TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": sk}})
            else:
                prefix = rng.choice(["A#", "B#1", "C#2", ""])
                record(calls, client.query, TableName="t", ScanIndexForward=rng.random() < 0.5,
                       KeyConditionExpression="pk = :p AND begins_with(sk, :a)" if prefix else "pk = :p",
                       ExpressionAttributeValues={":p": {"S": "P"}, **({":a": {"S": prefix}} if prefix else {})},
                       Limit=rng.choice([1, 3, 50]), ProjectionExpression=rng.choice(["sk, v", "sk, c", "g"]))
        return calls

    assert_same(scenario)


def test_other_services_and_operations_take_motos_path():
    """Table management and other services never reach the direct path."""
    with mock_aws():
        scalable_moto_dispatch.install()
        seen = []
        original = scalable_moto_dispatch._answer
        try:
            scalable_moto_dispatch._answer = lambda request, operation: seen.append(operation) or original(
                request, operation)
            client = boto3.session.Session().client("dynamodb", region_name="us-east-1")
            create_table(client)
            client.describe_table(TableName="t")
            client.put_item(TableName="t", Item={"pk": {"S": "P"}, "sk": {"S": "1"}})
            boto3.session.Session().client("sqs", region_name="us-east-1").create_queue(QueueName="q")
        finally:
            scalable_moto_dispatch._answer = original
            scalable_moto_dispatch.uninstall()
    assert seen == ["PutItem"]


def test_installed_moto_is_the_one_the_direct_path_was_written_for():
    scalable_moto_dispatch.check_compatible()


def test_install_refuses_another_moto_or_changed_internals(monkeypatch):
    was = scalable_moto_dispatch.installed()
    scalable_moto_dispatch.uninstall()
    try:
        monkeypatch.setattr(scalable_moto_dispatch, "WRITTEN_FOR_MOTO", "0.0.1")
        with pytest.raises(scalable_moto_dispatch.IncompatibleMoto):
            scalable_moto_dispatch.install()
        monkeypatch.undo()
        path = next(iter(scalable_moto_dispatch._EXPECTED_SOURCES))
        monkeypatch.setitem(scalable_moto_dispatch._EXPECTED_SOURCES, path, "0" * 64)
        with pytest.raises(scalable_moto_dispatch.IncompatibleMoto, match="source changed"):
            scalable_moto_dispatch.install()
        assert not scalable_moto_dispatch.installed()
    finally:
        monkeypatch.undo()
        (scalable_moto_dispatch.install if was else scalable_moto_dispatch.uninstall)()


def test_calls_with_another_accounts_keys_reach_that_account_alike():
    """moto maps assumed-role keys to the role's account: the direct path, which answers before signing, must too."""
    def scenario(client):
        sts = boto3.session.Session().client("sts", region_name="us-east-1")
        keys = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/other", RoleSessionName="parity")["Credentials"]
        other = boto3.session.Session(
            aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
            aws_session_token=keys["SessionToken"]).client("dynamodb", region_name="us-east-1")
        create_table(other)
        calls: list = []
        record(calls, other.put_item, TableName="t", Item={"pk": {"S": "P"}, "sk": {"S": "1"}})
        record(calls, other.get_item, TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "1"}})
        record(calls, client.get_item, TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "1"}})  # not this account's
        return calls

    calls = assert_same(scenario)
    assert calls[1][0] == "ok" and calls[2][0] == "error"

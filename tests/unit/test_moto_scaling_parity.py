"""The scaling patches answer exactly as unpatched moto: the same calls run both ways, compared.

Each scenario drives a fresh mock_aws through boto3 and returns what every call answered (responses
without their metadata, or the error code, message and cancellation reasons); the patched and the
unpatched run must record the same thing.
"""
from __future__ import annotations

import random

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from contacthub_local import scalable_moto

COMPARISONS = [
    ("sk = :a", {":a": {"S": "B#0005"}}),
    ("sk < :a", {":a": {"S": "B#0005"}}),
    ("sk <= :a", {":a": {"S": "B#0005"}}),
    ("sk > :a", {":a": {"S": "B#0005"}}),
    ("sk >= :a", {":a": {"S": "B#0005"}}),
    ("sk BETWEEN :a AND :b", {":a": {"S": "A#0003"}, ":b": {"S": "B#0002"}}),
    ("sk BETWEEN :a AND :b", {":a": {"S": "B#0002"}, ":b": {"S": "A#0003"}}),
    ("begins_with(sk, :a)", {":a": {"S": "B#"}}),
    ("begins_with(sk, :a)", {":a": {"S": "A#000"}}),
    ("begins_with(sk, :a)", {":a": {"S": "Z"}}),
    ("begins_with(sk, :a)", {":a": {"S": "0"}}),
    ("begins_with(sk, :a)", {":a": {"S": "C#é"}}),
    ("sk = :a", {":a": {"S": "nothing"}}),
    (None, {}),
]


def record(calls: list, call, *args, **kwargs):
    try:
        answer = call(*args, **kwargs)
        answer.pop("ResponseMetadata", None)
        calls.append(("ok", answer))
    except ClientError as error:
        calls.append(("error", error.response["Error"].get("Code"), error.response["Error"].get("Message"),
                      error.response.get("CancellationReasons")))
    except Exception as error:  # noqa: BLE001 - moto's own crashes must match too
        calls.append(("crash", type(error).__name__, str(error)))
    return calls[-1]


def run(scenario, patched: bool):
    was_installed = scalable_moto.installed()
    (scalable_moto.install if patched else scalable_moto.uninstall)()
    try:
        with mock_aws():
            return scenario(boto3.client("dynamodb", region_name="us-east-1"))
    finally:
        (scalable_moto.install if was_installed else scalable_moto.uninstall)()


def assert_same(scenario):
    patched, unpatched = run(scenario, True), run(scenario, False)
    assert len(patched) == len(unpatched)
    for index, (mine, theirs) in enumerate(zip(patched, unpatched)):
        assert mine == theirs, f"call {index} differs"
    return patched


def create_table(client, name="t", range_type="S", streams=False, gsi=True):
    definition = {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": range_type},
                                 {"AttributeName": "g", "AttributeType": "S"}],
    }
    if gsi:
        definition["GlobalSecondaryIndexes"] = [{"IndexName": "byG", "KeySchema": [
            {"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}]
    else:
        definition["AttributeDefinitions"].pop()
    if streams:
        definition["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    client.create_table(**definition)


def fill(client, name="t", big=False):
    rng = random.Random(3)
    keys = [f"{p}#{i:04d}" for p in ("A", "B") for i in range(12)] + ["C#é1", "C#e2", "B#", "B", "Z", "0"]
    rng.shuffle(keys)
    for n, sk in enumerate(keys):
        item = {"pk": {"S": "P"}, "sk": {"S": sk}, "n": {"N": str(n)}, "g": {"S": "G" if n % 2 else "H"}}
        if big:
            item["blob"] = {"S": "x" * (90_000 + 1000 * (n % 7))}
        client.put_item(TableName=name, Item=item)
    for sk in ("A#0001", "B#0005", "Q"):
        client.put_item(TableName=name, Item={"pk": {"S": "other"}, "sk": {"S": sk}})


def query_all_pages(client, calls, **request):
    """Query page after page with ExclusiveStartKey, recording each page, until no LastEvaluatedKey."""
    for _ in range(200):
        outcome = record(calls, client.query, **request)
        if outcome[0] != "ok" or "LastEvaluatedKey" not in outcome[1]:
            return
        request["ExclusiveStartKey"] = outcome[1]["LastEvaluatedKey"]
    raise AssertionError("pagination did not end")


def key_condition_queries(client, calls, name="t"):
    for condition, values in COMPARISONS:
        for forward in (True, False):
            for limit in (None, 1, 3, 5, 100):
                expression = "pk = :p" + (f" AND {condition}" if condition else "")
                request = {"TableName": name, "KeyConditionExpression": expression,
                           "ExpressionAttributeValues": {":p": {"S": "P"}, **values}, "ScanIndexForward": forward}
                if limit:
                    request["Limit"] = limit
                query_all_pages(client, calls, **request)


def test_key_condition_queries_page_alike():
    def scenario(client):
        create_table(client)
        fill(client)
        calls = []
        key_condition_queries(client, calls)
        return calls

    calls = assert_same(scenario)
    assert max(c[1]["Count"] for c in calls if c[0] == "ok") >= 12  # the scenario does find things


def test_filters_projections_counts_and_odd_start_keys():
    def scenario(client):
        create_table(client)
        fill(client)
        calls = []
        base = {"TableName": "t", "KeyConditionExpression": "pk = :p AND begins_with(sk, :a)"}
        values = {":p": {"S": "P"}, ":a": {"S": "A#"}}
        query_all_pages(client, calls, **base, FilterExpression="n > :n", Limit=4,
                        ExpressionAttributeValues={**values, ":n": {"N": "10"}})
        query_all_pages(client, calls, **base, ProjectionExpression="sk, n", ExpressionAttributeValues=values)
        record(calls, client.query, **base, Select="COUNT", ExpressionAttributeValues=values)
        record(calls, client.query, **base, ConsistentRead=True, ExpressionAttributeValues=values)
        for start in ("A#0003x", "A#", "B#0011", "zzz", "0"):  # start keys that are not stored items
            for forward in (True, False):
                query_all_pages(client, calls, **base, ExpressionAttributeValues=values, Limit=2,
                                ScanIndexForward=forward,
                                ExclusiveStartKey={"pk": {"S": "P"}, "sk": {"S": start}})
        record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p",
               ExpressionAttributeValues={":p": {"S": "nobody"}})
        record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p AND sk > :a",
               ExpressionAttributeValues={":p": {"S": "P"}, ":a": {"N": "1"}})
        record(calls, client.query, TableName="t", KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "P"}]},
            "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "B#"}]}})
        record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p",
               ExpressionAttributeValues={":p": {"S": "P"}}, Limit=0)
        query_all_pages(client, calls, TableName="t", IndexName="byG", KeyConditionExpression="g = :g",
                        ExpressionAttributeValues={":g": {"S": "G"}}, Limit=4)
        return calls

    assert_same(scenario)


def test_pages_cut_at_one_megabyte_alike():
    def scenario(client):
        create_table(client)
        fill(client, big=True)
        calls = []
        for condition, values in COMPARISONS[:9]:
            for forward in (True, False):
                query_all_pages(client, calls, TableName="t", KeyConditionExpression=f"pk = :p AND {condition}",
                                ExpressionAttributeValues={":p": {"S": "P"}, **values}, ScanIndexForward=forward,
                                ProjectionExpression="sk")
        return calls

    calls = assert_same(scenario)
    assert any(c[0] == "ok" and "LastEvaluatedKey" in c[1] and c[1]["Count"] < 12 for c in calls)


def test_page_size_rule_beyond_the_matching_run_alike():
    """moto also stops (with a LastEvaluatedKey) at a non-matching item that would pass 1 MB."""
    def scenario(client):
        create_table(client, gsi=False)
        sizes = {"A#1": 350_000, "A#2": 350_000, "B#1": 10, "B#2": 350_000, "C#1": 350_000}
        for sk, size in sizes.items():
            client.put_item(TableName="t", Item={"pk": {"S": "P"}, "sk": {"S": sk}, "blob": {"S": "x" * size}})
        calls = []
        for prefix in ("A#", "B#", "C#"):
            for forward in (True, False):
                record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
                       ExpressionAttributeValues={":p": {"S": "P"}, ":a": {"S": prefix}}, ScanIndexForward=forward,
                       ProjectionExpression="sk")
        return calls

    calls = assert_same(scenario)
    assert "LastEvaluatedKey" in calls[0][1] and calls[0][1]["Count"] == 2


def test_number_range_keys_alike():
    def scenario(client):
        create_table(client, range_type="N", gsi=False)
        for value in ("1", "2.5", "-3", "10", "1e2", "0.001", "7"):
            client.put_item(TableName="t", Item={"pk": {"S": "P"}, "sk": {"N": value}})
        client.put_item(TableName="t", Item={"pk": {"S": "P"}, "sk": {"N": "1.0"}, "again": {"BOOL": True}})
        client.delete_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"N": "7.00"}})
        calls = []
        for condition in ("sk = :a", "sk < :a", "sk <= :a", "sk > :a", "sk >= :a", "sk BETWEEN :a AND :b"):
            for forward in (True, False):
                query_all_pages(client, calls, TableName="t", KeyConditionExpression=f"pk = :p AND {condition}",
                                ExpressionAttributeValues={":p": {"S": "P"}, ":a": {"N": "1"}, ":b": {"N": "10"}}
                                if ":b" in condition else {":p": {"S": "P"}, ":a": {"N": "1"}},
                                ScanIndexForward=forward, Limit=2)
        record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
               ExpressionAttributeValues={":p": {"S": "P"}, ":a": {"N": "1"}})
        return calls

    assert_same(scenario)


def scan(client, calls, name="t"):
    record(calls, client.scan, TableName=name)


def test_transactions_commit_and_cancel_alike():
    def scenario(client):
        create_table(client, streams=True)
        fill(client)
        client.create_table(TableName="h", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        client.put_item(TableName="h", Item={"id": {"S": "counter"}, "value": {"N": "1"}})
        calls = []
        key = lambda sk: {"pk": {"S": "P"}, "sk": {"S": sk}}
        update = lambda sk, by="1": {"Update": {"TableName": "t", "Key": key(sk), "UpdateExpression": "ADD n :one",
                                                "ExpressionAttributeValues": {":one": {"N": by}}}}
        bump = {"Update": {"TableName": "h", "Key": {"id": {"S": "counter"}}, "UpdateExpression": "ADD #v :one",
                           "ExpressionAttributeNames": {"#v": "value"},
                           "ExpressionAttributeValues": {":one": {"N": "1"}}}}
        new = lambda sk: {"Put": {"TableName": "t", "Item": {**key(sk), "g": {"S": "G"}},
                                  "ConditionExpression": "attribute_not_exists(pk)"}}
        transactions = [
            [new("N#1"), update("A#0001"), bump],  # commits
            [new("N#2"), update("A#0002"), bump, new("N#1")],  # N#1 exists: cancelled, nothing kept
            [update("A#0003"), {"Put": {"TableName": "t", "Item": key("A#0004"), "ConditionExpression": "n = :z",
                                        "ExpressionAttributeValues": {":z": {"N": "-1"}},
                                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}, new("N#3")],
            [{"Delete": {"TableName": "t", "Key": key("B#0001")}}, update("A#0001", "x")],  # bad number
            [{"Delete": {"TableName": "t", "Key": key("B#0002")}}, {"ConditionCheck": {
                "TableName": "t", "Key": key("B#0003"), "ConditionExpression": "attribute_not_exists(pk)"}}],
            [update("A#0005"), update("A#0005")],  # the same item twice: ValidationException
            [new("N#4"), {"Put": {"TableName": "missing", "Item": key("x")}}],
            [new("N#5"), {"Update": {"TableName": "t", "Key": key("A#0006"), "UpdateExpression": "SET #a = :v",
                                     "ExpressionAttributeNames": {"#a": "a"},
                                     "ExpressionAttributeValues": {":v": {"S": "x" * 410_000}}}}],
            [{"Delete": {"TableName": "t", "Key": key("B#0004")}}, new("N#6"), bump],  # commits
            [{"Put": {"TableName": "t", "Item": {"pk": {"S": "P"}}}}, new("N#7")],  # missing range key
        ]
        for items in transactions:
            record(calls, client.transact_write_items, TransactItems=items)
            scan(client, calls)
            scan(client, calls, "h")
            for prefix in ("A#", "B#", "N#"):
                query_all_pages(client, calls, TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
                                ExpressionAttributeValues={":p": {"S": "P"}, ":a": {"S": prefix}}, Limit=4)
        from moto.dynamodb.models import dynamodb_backends

        shard = dynamodb_backends["123456789012"]["us-east-1"].get_table("t").stream_shard
        calls.append(("stream", [(r.record["eventName"], r.record["dynamodb"]["SequenceNumber"],
                                  r.record["dynamodb"]["Keys"], r.record["dynamodb"].get("NewImage"),
                                  r.record["dynamodb"].get("OldImage")) for r in shard.items]))
        return calls

    calls = assert_same(scenario)
    outcomes = [c for c in calls if c[0] == "error"]
    assert {c[1] for c in outcomes} >= {"TransactionCanceledException", "ValidationException"}


def test_random_workloads_alike():
    def scenario(client):
        rng = random.Random(11)
        create_table(client, gsi=False)
        calls = []
        keys = [f"{rng.choice('ABC')}#{rng.randint(0, 40):02d}" for _ in range(60)]
        for step in range(250):
            sk = rng.choice(keys)
            action = rng.random()
            if action < 0.4:
                record(calls, client.put_item, TableName="t", Item={"pk": {"S": rng.choice("PQ")}, "sk": {"S": sk},
                                                                    "v": {"N": str(step)}})
            elif action < 0.55:
                record(calls, client.delete_item, TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": sk}})
            elif action < 0.75:
                ops = [{"Put": {"TableName": "t", "Item": {"pk": {"S": "P"}, "sk": {"S": s}, "v": {"N": str(step)}},
                                "ConditionExpression": "attribute_not_exists(sk) OR v < :v",
                                "ExpressionAttributeValues": {":v": {"N": str(step - 30)}}}}
                       for s in set(rng.sample(keys, 3))]
                record(calls, client.transact_write_items, TransactItems=ops)
            else:
                prefix = rng.choice(["A#", "B#1", "C#2", "A#0", "", "B"])
                request = {"TableName": "t", "ScanIndexForward": rng.random() < 0.5,
                           "KeyConditionExpression": "pk = :p AND begins_with(sk, :a)" if prefix else "pk = :p",
                           "ExpressionAttributeValues": {":p": {"S": "P"}, **({":a": {"S": prefix}} if prefix else {})},
                           "Limit": rng.choice([1, 2, 5, 50])}
                query_all_pages(client, calls, **request)
        scan(client, calls)
        return calls

    assert_same(scenario)


def test_sorted_partition_is_a_dict_that_keeps_order():
    from moto.dynamodb.models.dynamo_type import DynamoType

    partition = scalable_moto.SortedPartition()
    for value in ("b", "a", "d", "c"):
        partition[DynamoType({"S": value})] = value.upper()
    partition[DynamoType({"S": "a"})] = "again"
    assert partition._sort_values == ["a", "b", "c", "d"] and len(partition) == 4
    del partition[DynamoType({"S": "b"})]
    assert partition.pop(DynamoType({"S": "zz"}), None) is None
    with pytest.raises(KeyError):
        partition.pop(DynamoType({"S": "zz"}))
    assert partition.pop(DynamoType({"S": "c"})) == "C"
    partition.setdefault(DynamoType({"S": "e"}), "E")
    partition.update({DynamoType({"S": "0"}): "zero"})
    assert partition._sort_values == ["0", "a", "d", "e"]
    import copy
    import pickle

    for clone in (copy.deepcopy(partition), pickle.loads(pickle.dumps(partition)), partition.copy()):
        assert isinstance(clone, scalable_moto.SortedPartition)
        assert clone == partition and clone._sort_values == partition._sort_values
    assert partition.span(1, 3) == ["again", "D"]
    partition.clear()
    assert partition._sort_values == [] and not partition


def test_key_condition_queries_never_walk_the_table(monkeypatch):
    """The patched path answers them: moto's whole-table walk is never reached."""
    from moto.dynamodb.models.table import Table

    def scenario(client):
        create_table(client)
        fill(client)
        monkeypatch.setattr(Table, "all_items", lambda self: pytest.fail("walked the whole table"))
        calls = []
        key_condition_queries(client, calls)
        return calls

    assert run(scenario, True)


def test_stream_read_in_place_and_trimmed_matches_get_records():
    """What the local stream worker reads from the shard is what GetRecords answers; trimmed records are gone
    for a new TRIM_HORIZON reader, and the records after them keep their sequence numbers."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, streams=True)
        for n in range(7):
            client.put_item(TableName="t", Item={"pk": {"S": "P"}, "sk": {"S": f"A#{n}"}, "n": {"N": str(n)}})
        client.update_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "A#1"}}, UpdateExpression="SET n = :v",
                           ExpressionAttributeValues={":v": {"N": "10"}})
        streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                               endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
        arn = client.describe_table(TableName="t")["Table"]["LatestStreamArn"]
        shard_id = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

        def get_records() -> list[dict]:
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            return streams.get_records(ShardIterator=iterator, Limit=100)["Records"]

        def comparable(record: dict) -> tuple:
            change = record["dynamodb"]
            return (record["eventName"], change["SequenceNumber"], change["Keys"], change.get("NewImage"),
                    change.get("OldImage"))

        from moto.dynamodb.models import dynamodb_backends

        shard = dynamodb_backends["123456789012"]["us-east-1"].get_table("t").stream_shard
        served = get_records()
        first, position = scalable_moto.stream_records(shard, None, 3)
        rest, end = scalable_moto.stream_records(shard, position, 100)
        assert [comparable(r) for r in first + rest] == [comparable(r) for r in served]
        assert scalable_moto.stream_records(shard, end, 100) == ([], end)

        scalable_moto.trim_stream(shard, position)
        assert [comparable(r) for r in get_records()] == [comparable(r) for r in served[3:]]
        assert [comparable(r) for r in scalable_moto.stream_records(shard, None, 100)[0]] == \
            [comparable(r) for r in served[3:]]
        client.delete_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "A#2"}})
        after = get_records()
        assert int(after[-1]["dynamodb"]["SequenceNumber"]) == int(served[-1]["dynamodb"]["SequenceNumber"]) + 1
        scalable_moto.trim_stream(shard, end + 100)  # beyond the last record: all of them
        assert get_records() == []


def test_item_size_bound_alike():
    """Items near moto's 400 KB bound, reached by one attribute or by many: refused or stored alike."""
    def scenario(client):
        create_table(client, gsi=False)
        calls = []
        for count, width in ((1, 404_990), (1, 405_000), (50, 8_090), (50, 8_100), (400, 1_000), (3, 10)):
            item = {"pk": {"S": "P"}, "sk": {"S": f"{count}-{width}"}}
            item.update({f"a{i:03d}": {"S": "x" * width} for i in range(count)})
            record(calls, client.put_item, TableName="t", Item=item)
            record(calls, client.transact_write_items, TransactItems=[{"Put": {"TableName": "t", "Item": {
                **item, "sk": {"S": f"tx-{count}-{width}"}}}}])
        record(calls, client.query, TableName="t", KeyConditionExpression="pk = :p",
               ExpressionAttributeValues={":p": {"S": "P"}}, ProjectionExpression="sk")
        return calls

    calls = assert_same(scenario)
    assert {c[0] for c in calls} == {"ok", "error"}

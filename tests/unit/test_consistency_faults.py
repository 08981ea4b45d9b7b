"""The consistency fault mode itself: stale where DynamoDB may be stale, present where it must be fresh."""
from __future__ import annotations

import threading
import time

import boto3
import pytest
from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from contacthub_local.consistency_faults import is_eventually_consistent, stale_reads

TABLE = "faults-probe"


class ByColor(GlobalSecondaryIndex):
    class Meta:
        index_name = "ByColor"
        projection = AllProjection()

    color = UnicodeAttribute(hash_key=True)


class Probe(Model):
    class Meta:
        table_name = TABLE
        region = "us-east-1"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    color = UnicodeAttribute(null=True)
    tally = NumberAttribute(null=True)

    by_color = ByColor()


@pytest.fixture
def db(aws):
    client = boto3.client("dynamodb")
    client.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "color")],
        GlobalSecondaryIndexes=[{"IndexName": "ByColor", "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    return client


def _key(sk: str) -> dict:
    return {"pk": {"S": "P"}, "sk": {"S": sk}}


def _put(client, sk: str, color: str = "red", **extra) -> None:
    client.put_item(TableName=TABLE, Item={**_key(sk), "color": {"S": color}}, **extra)


def _get(client, sk: str, consistent: bool = False) -> dict | None:
    return client.get_item(TableName=TABLE, Key=_key(sk), ConsistentRead=consistent).get("Item")


def _query(client, consistent: bool = False) -> list[str]:
    items = client.query(TableName=TABLE, KeyConditionExpression="pk = :p", ConsistentRead=consistent,
                         ExpressionAttributeValues={":p": {"S": "P"}})["Items"]
    return [i["sk"]["S"] for i in items]


def _by_color(client, color: str = "red") -> list[str]:
    items = client.query(TableName=TABLE, IndexName="ByColor", KeyConditionExpression="color = :c",
                         ExpressionAttributeValues={":c": {"S": color}})["Items"]
    return sorted(i["sk"]["S"] for i in items)


def _eventually(condition, attempts: int = 500) -> bool:
    """Poll until the condition holds (bounded by attempts, not by a deadline)."""
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_what_dynamodb_may_serve_stale():
    assert is_eventually_consistent("GetItem", {})
    assert is_eventually_consistent("GetItem", {"ConsistentRead": False})
    assert not is_eventually_consistent("GetItem", {"ConsistentRead": True})
    assert is_eventually_consistent("Query", {"ConsistentRead": True, "IndexName": "ByColor"})
    assert not is_eventually_consistent("Query", {"ConsistentRead": True})
    assert is_eventually_consistent("Scan", {})
    assert is_eventually_consistent("BatchGetItem", {"RequestItems": {"a": {"ConsistentRead": True}, "b": {}}})
    assert not is_eventually_consistent("BatchGetItem", {"RequestItems": {"a": {"ConsistentRead": True}}})
    assert not is_eventually_consistent("TransactGetItems", {})
    assert not is_eventually_consistent("PutItem", {})


def test_a_default_read_misses_a_put_that_a_consistent_read_sees(db):
    # Given an item written before the fault began, and one written under it
    _put(db, "old")
    with stale_reads(lag_ms=None) as faults:
        _put(db, "new")
        # Then eventually consistent reads know only the past, strongly consistent ones the present
        assert _get(db, "new") is None
        assert _get(db, "old") is not None
        assert _get(db, "new", consistent=True) is not None
        assert _query(db) == ["old"]
        assert _query(db, consistent=True) == ["new", "old"]
        assert db.scan(TableName=TABLE)["Count"] == 1
        assert db.scan(TableName=TABLE, ConsistentRead=True)["Count"] == 2
        assert faults.stale_reads_served == 4


def test_an_update_and_a_delete_are_seen_late(db):
    _put(db, "a", color="red")
    _put(db, "b", color="red")
    with stale_reads(lag_ms=None):
        db.update_item(TableName=TABLE, Key=_key("a"), UpdateExpression="SET color = :c",
                       ExpressionAttributeValues={":c": {"S": "blue"}})
        db.delete_item(TableName=TABLE, Key=_key("b"))
        assert _get(db, "a")["color"]["S"] == "red"
        assert _get(db, "b") is not None
        assert _get(db, "a", consistent=True)["color"]["S"] == "blue"
        assert _get(db, "b", consistent=True) is None


def test_an_index_is_stale_even_when_asked_for_consistency(db):
    _put(db, "a", color="red")
    with stale_reads(lag_ms=None):
        _put(db, "b", color="red")
        assert _by_color(db) == ["a"]
        # DynamoDB refuses ConsistentRead on a GSI, and so does the fault mode
        with pytest.raises(ClientError, match="Consistent reads are not supported"):
            db.query(TableName=TABLE, IndexName="ByColor", KeyConditionExpression="color = :c",
                     ExpressionAttributeValues={":c": {"S": "red"}}, ConsistentRead=True)


def test_batch_get_is_stale_per_table(db, services):
    crm = "test-crm"
    db.put_item(TableName=crm, Item={"pk": {"S": "WS#x"}, "sk": {"S": "probe"}})
    with stale_reads(lag_ms=None):
        _put(db, "new")
        db.put_item(TableName=crm, Item={"pk": {"S": "WS#x"}, "sk": {"S": "probe2"}})
        answer = db.batch_get_item(RequestItems={
            TABLE: {"Keys": [_key("new")]},
            crm: {"Keys": [{"pk": {"S": "WS#x"}, "sk": {"S": "probe2"}}], "ConsistentRead": True}})
        assert answer["Responses"][TABLE] == []
        assert len(answer["Responses"][crm]) == 1


def test_pynamodb_reads_are_stale_unless_consistent(db):
    # Given a write through a pynamodb model (its own botocore session and client)
    with stale_reads(lag_ms=None):
        Probe("P", "m", color="green").save()
        # Then its default get misses it, a consistent one finds it
        with pytest.raises(DoesNotExist):
            Probe.get("P", "m")
        assert Probe.get("P", "m", consistent_read=True).color == "green"
        assert [p.sk for p in Probe.query("P")] == []
        assert [p.sk for p in Probe.query("P", consistent_read=True)] == ["m"]
        assert list(Probe.by_color.query("green")) == []
        assert [p.sk for p in Probe.batch_get([("P", "m")])] == []
        assert [p.sk for p in Probe.batch_get([("P", "m")], consistent_read=True)] == ["m"]


def test_a_transaction_is_seen_late(db):
    with stale_reads(lag_ms=None):
        db.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {**_key("t1"), "color": {"S": "red"}}}},
            {"Put": {"TableName": TABLE, "Item": {**_key("t2"), "color": {"S": "red"}}}}])
        assert _query(db) == []
        assert _query(db, consistent=True) == ["t1", "t2"]


def test_stale_reads_catch_up_once_the_lag_has_passed(db):
    _put(db, "a", color="red")
    with stale_reads(lag_ms=50):
        db.update_item(TableName=TABLE, Key=_key("a"), UpdateExpression="SET color = :c",
                       ExpressionAttributeValues={":c": {"S": "blue"}})
        _put(db, "b", color="blue")
        # Then the stale reads end up seeing every write, in order
        assert _eventually(lambda: _by_color(db, "blue") == ["a", "b"])
        assert _by_color(db, "red") == []
        assert _get(db, "a")["color"]["S"] == "blue"


def test_lag_zero_is_the_present(db):
    with stale_reads(lag_ms=0):
        _put(db, "a")
        assert _get(db, "a") is not None
        assert _by_color(db) == ["a"]


def test_a_failed_conditional_write_is_not_replayed(db):
    _put(db, "a", color="red")
    with stale_reads(lag_ms=0):
        with pytest.raises(ClientError) as failed:
            _put(db, "a", color="blue", ConditionExpression="attribute_not_exists(pk)")
        assert failed.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
        with pytest.raises(PutError):
            Probe("P", "a", color="green").save(condition=Probe.pk.does_not_exist())
        with pytest.raises(ClientError):
            db.transact_write_items(TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {**_key("t"), "color": {"S": "red"}}}},
                {"ConditionCheck": {"TableName": TABLE, "Key": _key("a"), "ConditionExpression": "color = :c",
                                    "ExpressionAttributeValues": {":c": {"S": "blue"}}}}])
        # a conditional write that succeeds is replayed with its condition, which holds on the replica too
        _put(db, "a", color="yellow", ConditionExpression="color = :c",
             ExpressionAttributeValues={":c": {"S": "red"}})
        assert _get(db, "a")["color"]["S"] == "yellow"
        assert _get(db, "t") is None
        assert _by_color(db, "blue") == [] and _by_color(db, "green") == []


def test_a_stale_read_fails_as_the_present_one_would(db):
    def unknown_index_error() -> str:
        with pytest.raises(ClientError) as error:
            db.query(TableName=TABLE, IndexName="NoSuchIndex", KeyConditionExpression="color = :c",
                     ExpressionAttributeValues={":c": {"S": "red"}})
        return error.value.response["Error"]["Code"]

    present = unknown_index_error()
    with stale_reads(lag_ms=None) as faults:
        assert unknown_index_error() == present
        assert faults.stale_reads_served == 1


def test_concurrent_writers_are_replayed_in_their_order(db):
    # Given threads racing conditional increments of one counter (each must see the previous one)
    db.put_item(TableName=TABLE, Item={**_key("n"), "tally": {"N": "0"}})

    def bump():
        for _ in range(20):
            while True:
                tally = int(_get(db, "n", consistent=True)["tally"]["N"])
                try:
                    db.update_item(TableName=TABLE, Key=_key("n"), UpdateExpression="SET tally = :new",
                                   ConditionExpression="tally = :old", ExpressionAttributeValues={
                                       ":new": {"N": str(tally + 1)}, ":old": {"N": str(tally)}})
                    break
                except ClientError:
                    continue

    with stale_reads(lag_ms=0):
        threads = [threading.Thread(target=bump) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # Then the replica replays every success without diverging
        assert _get(db, "n")["tally"]["N"] == "60"


def test_only_one_block_at_a_time_and_tables_are_cleaned_up(db):
    with stale_reads(lag_ms=None):
        with pytest.raises(RuntimeError):
            with stale_reads(lag_ms=None):
                pass
    with stale_reads(lag_ms=None):  # a second block starts from a fresh replica
        _put(db, "x")
        assert _get(db, "x") is None
    assert _get(db, "x") is not None

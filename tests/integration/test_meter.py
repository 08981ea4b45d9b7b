"""DynamoMeter counts through botocore events, so it leaves the moto serialization lock in place."""
from __future__ import annotations

import boto3
import botocore.client
from contacthub_local import serialized
from contacthub_local.meter import DynamoMeter


def test_meter_counts_calls_and_keeps_the_serialization_lock(aws):
    client = boto3.client("dynamodb")
    assert botocore.client.BaseClient._make_api_call is serialized._serialized
    with DynamoMeter() as outer:
        client.list_tables()
        with DynamoMeter() as inner:
            client.scan(TableName="test-directory")
    assert outer.calls == {"ListTables": 1, "Scan": 1} and inner.calls == {"Scan": 1} and inner.scans == 1
    # Leaving the meters restored nothing: calls are still serialized, and no longer counted
    assert botocore.client.BaseClient._make_api_call is serialized._serialized
    client.list_tables()
    assert sum(outer.calls.values()) == 2

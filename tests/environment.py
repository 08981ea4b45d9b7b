"""The settings the tests serve from, and the AWS environment their clients see (fake keys, one region)."""
from __future__ import annotations

import os

from contacthub.settings import Settings

# Test tables, the deterministic composer, and a sender the email tests verify in moto.
SETTINGS = Settings(crm_table="test-crm", directory_table="test-directory", idempotency_table="test-idempotency",
                    region="us-east-1", dynamodb_endpoint=None, email_composer="offline",
                    sender_address="crm@contacthub.example", ses_configuration_set=None,
                    # Import and export jobs: made in moto by the `aws` fixture (contacthub_local.bulk_local).
                    bulk_bucket="test-bulk",
                    bulk_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/test-bulk-work")

AWS_ENVIRONMENT = {
    # Fake keys: nothing a test does may reach a real account.
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": SETTINGS.region, "AWS_REGION": SETTINGS.region,
    "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_DEV": "false",
    "POWERTOOLS_METRICS_DISABLED": "true",  # tests/unit/test_observability.py turns them on to read them
}


def table_environment() -> dict[str, str]:
    """What a deployed stack gives the CLI: the test tables by their variables (CRM_TABLE...)."""
    return {"CRM_TABLE": SETTINGS.crm_table, "DIRECTORY_TABLE": SETTINGS.directory_table,
            "IDEMPOTENCY_TABLE": SETTINGS.idempotency_table or ""}


def use_aws_environment() -> None:
    os.environ.update(AWS_ENVIRONMENT)
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)


def workspace_items(workspace_id: str, *, ignore_numbers: bool = False) -> str:
    """Every stored item of a workspace's partition, read consistently: equal before and after a refused
    request means it wrote nothing. The rate limiter's windows are left out (every request counts, refused or
    not); with ``ignore_numbers``, so are the contact numbers a refused create may have taken."""
    import json

    import boto3

    skipped = ("RATE#", "NUM#") if ignore_numbers else ("RATE#",)
    pages = boto3.client("dynamodb", region_name=SETTINGS.region).get_paginator("query").paginate(
        TableName=SETTINGS.crm_table, KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WS#{workspace_id}"}}, ConsistentRead=True)
    items = [item for page in pages for item in page["Items"] if not item["sk"]["S"].startswith(skipped)]
    if ignore_numbers:
        for item in items:
            item.pop("nextContactNumber", None)
    return json.dumps(items, sort_keys=True)

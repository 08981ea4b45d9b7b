"""Create the DynamoDB tables declared in template.yaml (moto, DynamoDB Local or a dev account)."""
from __future__ import annotations

import os

from .template import TABLE_ENV, table_definitions, ttl_attributes


def table_names() -> dict[str, str]:
    """Logical id -> physical table name, as the functions see it through their environment."""
    return {logical: os.environ[env] for logical, env in TABLE_ENV.items() if env in os.environ}


def create_tables(client=None) -> dict[str, str]:
    """Create each missing table; returns logical id -> table name."""
    import boto3

    client = client or boto3.client("dynamodb")
    existing = set(client.list_tables().get("TableNames", []))
    names = table_names()
    ttl = ttl_attributes()
    for logical, definition in table_definitions().items():
        name = names.get(logical)
        if name is None:
            raise KeyError(f"no table name in the environment for {logical} ({TABLE_ENV.get(logical)})")
        if name in existing:
            continue
        client.create_table(TableName=name, **definition)
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        if logical in ttl:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "AttributeName": ttl[logical], "Enabled": True})
    return names


def use_emulated_aws(**overrides: str) -> None:
    """Environment for a process that runs everything against moto (benches, scripts): fake credentials,
    one region, the local table names. Call before importing contacthub: its models read table names once."""
    import os

    from .template import default_table_names

    os.environ.update({
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_LOG_LEVEL": "WARNING", "EMAIL_COMPOSER": "offline",
        "SENDER_ADDRESS": "noreply@example.com", **default_table_names(), **overrides,
    })
    os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)

"""Create the DynamoDB tables declared in template.yaml (moto, DynamoDB Local or a dev account)."""
from __future__ import annotations

import os

from contacthub.settings import Settings

from .template import TABLE_ENV, table_definitions, ttl_attributes


def table_names(settings: Settings) -> dict[str, str]:
    """Logical id -> physical table name, as the functions see it through their settings."""
    names = {logical: getattr(settings, env.lower()) for logical, env in TABLE_ENV.items()}
    return {logical: name for logical, name in names.items() if name}


def create_tables(settings: Settings, client=None) -> dict[str, str]:
    """Create each missing table; returns logical id -> table name."""
    import boto3

    client = client or boto3.client("dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint)
    existing = set(client.list_tables().get("TableNames", []))
    names = table_names(settings)
    ttl = ttl_attributes()
    for logical, definition in table_definitions().items():
        name = names.get(logical)
        if name is None:
            raise KeyError(f"no table name in the settings for {logical} ({TABLE_ENV[logical].lower()})")
        if name in existing:
            continue
        client.create_table(TableName=name, **definition)
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        if logical in ttl:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "AttributeName": ttl[logical], "Enabled": True})
    return names


def use_emulated_aws(**overrides: str) -> Settings:
    """Settings for a process that runs everything against moto (benches, scripts): the local table names,
    the offline composer; the environment gets fake credentials and one region for the AWS clients."""
    from contacthub.wiring import use_settings

    from .template import default_table_names

    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "us-east-1",
                       "AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_LOG_LEVEL": "WARNING"})
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    tables = {env.lower(): name for env, name in default_table_names().items()}
    settings = Settings(**{**tables, "region": "us-east-1", "dynamodb_endpoint": None, "email_composer": "offline",
                           "sender_address": "noreply@example.com", **overrides})
    use_settings(settings)
    return settings

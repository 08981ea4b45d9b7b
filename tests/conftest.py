"""Shared fixtures: moto DynamoDB with tables built from template.yaml, workspaces with API keys."""
from __future__ import annotations

import os

# Before any project import: fake credentials, region and table names, like a Lambda environment.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
    "CRM_TABLE": "test-crm", "DIRECTORY_TABLE": "test-directory",
    "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_DEV": "false",
    # Email flow: the send guard's table, the deterministic composer, a sender verified in moto by the tests.
    "IDEMPOTENCY_TABLE": "test-idempotency", "EMAIL_COMPOSER": "offline", "SENDER_ADDRESS": "crm@contacthub.example",
})
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)

import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from contacthub_local.bootstrap import create_tables  # noqa: E402
from contacthub_local.serialized import serialized_aws_calls  # noqa: E402


@pytest.fixture
def aws():
    __import__("contacthub_local.scalable_moto").scalable_moto.install()  # per-call cost grows with items touched
    with mock_aws(), serialized_aws_calls():
        create_tables()
        yield


@pytest.fixture
def services(aws):
    from contacthub.wiring import services as build

    build.cache_clear()
    yield build()
    build.cache_clear()


@pytest.fixture
def workspace(services):
    """A workspace with one user and an API key: (issued key, services)."""
    return services.workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")


@pytest.fixture
def other_workspace(services):
    return services.workspaces.create_key("Globex", "Hank Scorpio", "hank@globex.example")


@pytest.fixture
def api(workspace):
    from client import ApiClient

    return ApiClient(workspace.key)


@pytest.fixture
def other_api(other_workspace):
    from client import ApiClient

    return ApiClient(other_workspace.key)

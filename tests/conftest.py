"""Shared fixtures: moto DynamoDB with tables built from template.yaml, workspaces with API keys, and one
client per dialect (``letsligo``, ``skarbe``, ``whautomate``; ``other_*`` act for another workspace)."""
from __future__ import annotations

import pytest
from moto import mock_aws

from client import ApiClient
from contacthub.wiring import services as build_services
from contacthub.wiring import use_settings
from contacthub_local import scalable_moto, scalable_moto_dispatch
from contacthub_local.bootstrap import create_tables
from contacthub_local.bulk_local import create_bulk_resources
from contacthub_local.serialized import serialized_aws_calls
from environment import SETTINGS, use_aws_environment


def pytest_configure(config):
    use_aws_environment()
    use_settings(SETTINGS)


def pytest_collection_modifyitems(config, items):
    """Tests marked slow run only when asked for (`-m slow`)."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: opt in with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def aws():
    use_settings(SETTINGS)  # a fresh store: services are rebuilt on it
    scalable_moto.install()  # per-call cost grows with the items a call touches, not with the table
    scalable_moto_dispatch.install()  # as `contacthub serve` answers DynamoDB (test_moto_dispatch_parity: alike)
    with mock_aws(), serialized_aws_calls():
        create_tables(SETTINGS)
        create_bulk_resources(SETTINGS.region, "test-bulk", "test-bulk-work")
        yield
    use_settings(SETTINGS)


@pytest.fixture
def services(aws):
    return build_services()


@pytest.fixture
def small_s3_parts(monkeypatch):
    """S3 (and moto) refuse a multipart upload's parts under 5 MiB but the last; with this, tests write parts of
    a few hundred bytes."""
    import moto.s3.models

    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)


@pytest.fixture
def workspace(services):
    """A workspace with one user and an API key: (issued key, services)."""
    return services.workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")


@pytest.fixture
def other_workspace(services):
    return services.workspaces.create_key("Globex", "Hank Scorpio", "hank@globex.example")


# Each dialect's client sends the key the way that vendor's documentation shows.
@pytest.fixture
def letsligo(workspace):
    return ApiClient(workspace.key)  # Authorization: Bearer


@pytest.fixture
def other_letsligo(other_workspace):
    return ApiClient(other_workspace.key)


@pytest.fixture
def skarbe(workspace):
    return ApiClient(workspace.key, header="X-Api-Key")


@pytest.fixture
def other_skarbe(other_workspace):
    return ApiClient(other_workspace.key, header="X-Api-Key")


@pytest.fixture
def whautomate(workspace):
    return ApiClient(workspace.key, header="x-api-key")


@pytest.fixture
def other_whautomate(other_workspace):
    return ApiClient(other_workspace.key, header="x-api-key")


@pytest.fixture
def hub(workspace):
    client = ApiClient(workspace.key)  # /hub/v1 takes Bearer (or X-Api-Key)
    client.workspace_id = workspace.workspace.id  # type: ignore[attr-defined]
    return client


@pytest.fixture
def other_hub(other_workspace):
    return ApiClient(other_workspace.key)

"""Configuration: one Settings read from the environment template.yaml sets, bound to the models by the wiring."""
import subprocess
import sys

import pytest
from contacthub.settings import Settings
from contacthub.store import tables
from contacthub_local.template import PROJECT_ROOT
from environment import SETTINGS


def test_settings_read_the_template_variables(monkeypatch):
    # Given a function's environment as template.yaml sets it
    for name, value in {"CRM_TABLE": "stack-crm", "DIRECTORY_TABLE": "stack-directory",
                        "IDEMPOTENCY_TABLE": "stack-idempotency", "EMAIL_COMPOSER": "bedrock",
                        "BEDROCK_MODEL_ID": "model-1", "SENDER_ADDRESS": "crm@stack.example",
                        "AWS_DEFAULT_REGION": "eu-west-3"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    # Then the settings carry every value, the region from either variable
    settings = Settings.from_environment()
    assert (settings.crm_table, settings.directory_table, settings.idempotency_table) == \
        ("stack-crm", "stack-directory", "stack-idempotency")
    assert (settings.email_composer, settings.bedrock_model_id, settings.sender_address) == \
        ("bedrock", "model-1", "crm@stack.example")
    assert settings.region == "eu-west-3" and settings.dynamodb_endpoint is None
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert Settings.from_environment().region == "eu-central-1"
    # And values given explicitly win over the environment
    assert Settings.from_environment(crm_table="mine").crm_table == "mine"


def test_settings_parse_numbers_switches_and_schedules():
    env = {"WORKSPACE_RATE_LIMIT": "25", "WEBHOOK_ALLOW_LOOPBACK": "true", "WEBHOOK_RETRY_SCHEDULE": "1,2,4",
           "IDEMPOTENCY_TABLE": "", "SES_CONFIGURATION_SET": "  "}
    settings = Settings.from_environment(env)
    assert (settings.workspace_rate_limit, settings.webhook_allow_loopback, settings.webhook_retry_schedule) == \
        (25, True, (1, 2, 4))
    # an empty variable is an unset one
    assert settings.idempotency_table is None and settings.ses_configuration_set is None


def test_importing_the_models_reads_no_environment():
    code = "import contacthub.store.tables as t; print(t.ContactItem.Meta.table_name, t.ApiKeyItem.Meta.table_name)"
    env = {"PATH": "", "CRM_TABLE": "from-env-crm", "DIRECTORY_TABLE": "from-env-directory"}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT / "functions", env=env,
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["contacthub-crm", "contacthub-directory"]


@pytest.fixture
def rebind():
    yield
    tables.bind_tables(SETTINGS)


def test_bind_tables_points_every_model_at_the_configured_tables(rebind):
    before = tables.ContactItem._get_connection()
    tables.bind_tables(Settings(crm_table="other-crm", directory_table="other-directory", region="eu-west-1",
                                dynamodb_endpoint="http://127.0.0.1:8000"))
    for model in (tables.ContactItem, tables.TaskItem, tables.WorkspaceItem):
        assert (model.Meta.table_name, model.Meta.region, model.Meta.host) == \
            ("other-crm", "eu-west-1", "http://127.0.0.1:8000")
    assert tables.ApiKeyItem.Meta.table_name == "other-directory"
    # the connection made for the old table is not reused
    assert tables.ContactItem._get_connection() is not before
    assert tables.ContactItem._get_connection().table_name == "other-crm"

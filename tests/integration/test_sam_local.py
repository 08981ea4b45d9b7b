"""`sam local` as the README runs it: env.json (`contacthub env --write`) and events that carry a real key
(`contacthub events --write --key KEY`), each checked by invoking the handlers with them on moto."""
from __future__ import annotations

import importlib
import json
import shutil

import pytest
from contacthub.settings import Settings
from contacthub.wiring import services as build_services
from contacthub.wiring import use_settings
from contacthub_local import sample_events as samples
from contacthub_local.bootstrap import create_tables
from contacthub_local.cli import main
from contacthub_local.sam_local import DEFAULT_ENDPOINT, ENV_FILE, env_file, render
from contacthub_local.template import function_properties, routes
from environment import SETTINGS
from moto import mock_aws

from client import LambdaContext

ENV = json.loads(ENV_FILE.read_text(encoding="utf-8"))
# Reads with nothing to create first: the key alone decides between 401 and an answer.
READS = [r for r in routes() if r.method == "GET" and "{" not in r.path]


def test_env_file_is_what_contacthub_env_writes():
    assert ENV_FILE.read_text(encoding="utf-8") == render(env_file()), "run `contacthub env --write`"


def test_env_file_sets_only_variables_its_function_declares():
    # sam local ignores an --env-vars value the template does not declare for that function
    for function, variables in ENV.items():
        declared = function_properties(function).get("Environment", {}).get("Variables", {})
        assert variables and set(variables) <= set(declared), function
        assert variables["DYNAMODB_ENDPOINT"] == DEFAULT_ENDPOINT


def test_env_for_a_stack_names_its_tables_and_no_endpoint(capsys):
    assert main(["env", "--crm-table", "stack-crm", "--directory-table", "stack-dir", "--dynamodb-endpoint",
                 ""]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["LetsligoFunction"]["CRM_TABLE"] == "stack-crm"
    assert written["LetsligoFunction"]["DYNAMODB_ENDPOINT"] == ""
    assert Settings.from_environment(written["LetsligoFunction"]).dynamodb_endpoint is None


@pytest.fixture
def events_copy(tmp_path, monkeypatch):
    copy = tmp_path / "events"
    shutil.copytree(samples.EVENTS_DIR, copy)
    monkeypatch.setattr(samples, "EVENTS_DIR", copy)
    return copy


@pytest.fixture
def env_store():
    """The store env.json describes (endpoint aside: moto stands in for DynamoDB Local), with one key."""
    variables = {k: v for k, v in ENV["LetsligoFunction"].items() if k != "DYNAMODB_ENDPOINT"}
    settings = Settings.from_environment(variables, region=SETTINGS.region)
    use_settings(settings)
    with mock_aws():
        create_tables(settings)
        issued = build_services().workspaces.create_key("Local", "Dev", "dev@example.com")
        yield issued.key
    use_settings(SETTINGS)


def test_events_write_key_puts_the_key_in_every_event(events_copy, capsys):
    key = "chk_" + "k" * 40
    assert main(["events", "--write", "--key", key]) == 0
    for path in events_copy.rglob("*.json"):
        event = json.loads(path.read_text(encoding="utf-8"))
        assert event["headers"]["Authorization"] == f"Bearer {key}", path
        assert samples.SAMPLE_API_KEY not in path.read_text(encoding="utf-8"), path
    assert main(["events", "--key", key]) == 2  # --key alone changes nothing


@pytest.mark.parametrize("route", READS, ids=lambda r: f"{r.function}.{r.event}")
def test_handlers_answer_the_rekeyed_events_with_env_json_settings(route, env_store, events_copy):
    # Given the events rewritten with a key of the store env.json points at
    assert main(["events", "--write", "--key", env_store]) == 0
    handler = importlib.import_module(route.handler.rpartition(".")[0]).lambda_handler
    # When the handler gets the event as sam local would pass it
    response = handler(samples.load_event(route), LambdaContext())
    # Then the key is accepted and the answer is no server error
    assert response["statusCode"] < 500 and response["statusCode"] not in (401, 403), response.get("body")

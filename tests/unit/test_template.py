"""template.yaml against the code: routes, tables, pinned dependencies and what REST handlers import.

Each check keeps two sources of one truth from drifting apart; a function whose handler does not exist yet
is skipped, so the suite stays green while dialects are being added.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import tomllib

import boto3
import pytest
from contacthub_local.template import PROJECT_ROOT, TABLE_ENV, load_template, resources, routes
from environment import SETTINGS
from pynamodb.models import Model

FUNCTIONS = resources(kind="AWS::Serverless::Function")
API_FUNCTIONS = sorted({route.function for route in routes()})
# REST dialects: functions under contacthub.api (the GraphQL function lives elsewhere); the known three too,
# so a dialect is checked as soon as its package exists.
DIALECTS = sorted({"letsligo", "skarbe", "whautomate"} | {
    m.group(1) for f in FUNCTIONS.values()
    if (m := re.match(r"contacthub\.api\.(\w+)\.handler\.", f["Properties"].get("Handler", "")))})


def _handler_module(function: str) -> str:
    return FUNCTIONS[function]["Properties"]["Handler"].rpartition(".")[0]


def _import_or_skip(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        pytest.skip(f"{module} does not import yet: {error}")


def _resolver_routes(app) -> set[tuple[str, str]]:
    """(METHOD, /path/{param}) of every route registered on a powertools resolver, in template spelling."""
    found = set()
    for route in [*app._static_routes, *app._dynamic_routes]:
        if getattr(route.func, "__module__", "").startswith("aws_lambda_powertools"):
            continue  # powertools' own routes (swagger UI)
        path = re.sub(r"<(\w+)>", r"{\1}", route.path).rstrip("/") or "/"
        found.add((route.method.upper(), path))
    return found


# -------------------------------------------------------------------- (a) route parity
@pytest.mark.parametrize("function", API_FUNCTIONS)
def test_template_routes_match_the_functions_resolver(function):
    # Given the function's handler module and its powertools resolver
    from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

    module = _import_or_skip(_handler_module(function))
    app = getattr(module, "app", None)
    if not isinstance(app, ApiGatewayResolver):
        pytest.skip(f"{module.__name__} exposes no powertools resolver as `app`")
    # When comparing its routes with the template's events for that function
    in_template = {(r.method, r.path.rstrip("/") or "/") for r in routes() if r.function == function}
    in_code = _resolver_routes(app)
    # Then every API Gateway route reaches a resolver route and every resolver route is deployed
    assert in_template - in_code == set(), "in template.yaml but no route in the code"
    assert in_code - in_template == set(), "routed in the code but API Gateway never sends it (add it to template.yaml)"


# -------------------------------------------------------------------- (b) tables vs models
def _models() -> list[type[Model]]:
    from contacthub.store import tables

    return [obj for _, obj in inspect.getmembers(tables, inspect.isclass)
            if issubclass(obj, Model) and obj is not Model and obj.__module__ == tables.__name__]


def _logical_table(model: type[Model]) -> str:
    by_name = {getattr(SETTINGS, env.lower()): logical for logical, env in TABLE_ENV.items()}
    assert model.Meta.table_name in by_name, f"{model.__name__} uses a table the template does not define"
    return by_name[model.Meta.table_name]


def _keys(key_schema: list[dict]) -> dict[str, str]:
    return {k["KeyType"]: k["AttributeName"] for k in key_schema}


def test_every_template_table_is_named_through_the_environment():
    assert set(resources(kind="AWS::DynamoDB::Table")) == set(TABLE_ENV)


def test_tables_created_from_the_template_match_the_pynamodb_models(services):
    # Given the tables as the tests (and `serve`) create them from template.yaml, the models bound to them
    client = boto3.client("dynamodb")
    created = {logical: client.describe_table(TableName=getattr(SETTINGS, env.lower()))["Table"]
               for logical, env in TABLE_ENV.items()}
    used_indexes = {logical: set() for logical in created}
    for model in _models():
        logical = _logical_table(model)
        table = created[logical]
        types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
        schema = model._get_schema()
        declared = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
        # Then the model's keys are the table's keys, with the same types
        assert _keys(schema["key_schema"]) == _keys(table["KeySchema"]), model.__name__
        for index in schema["global_secondary_indexes"]:
            name = index["index_name"]
            used_indexes[logical].add(name)
            in_table = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
            # And each of its indexes exists under that name, with the same keys, types and projection
            assert name in in_table, f"{model.__name__}: index {name} is not in template.yaml"
            assert _keys(index["key_schema"]) == _keys(in_table[name]["KeySchema"]), name
            assert index["projection"]["ProjectionType"] == in_table[name]["Projection"]["ProjectionType"], name
        for attribute, kind in declared.items():
            assert types.get(attribute) == kind, f"{model.__name__}.{attribute}: {kind} in the model, " \
                                                 f"{types.get(attribute)} in template.yaml"
            model_attribute = model.get_attributes().get(attribute)
            assert model_attribute is None or model_attribute.attr_type == kind, \
                f"{model.__name__}.{attribute} and its index disagree on the type"
    # And no index of the template is left without a model using it
    for logical, table in created.items():
        unused = {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])} - used_indexes[logical]
        assert not unused, f"{logical}: {unused} defined in template.yaml but no model queries it"


def test_tables_keep_the_template_ttl_attribute(aws):
    from contacthub_local.template import ttl_attributes

    client = boto3.client("dynamodb")
    for logical, attribute in ttl_attributes().items():
        ttl = client.describe_time_to_live(TableName=getattr(SETTINGS, TABLE_ENV[logical].lower()))["TimeToLiveDescription"]
        assert ttl.get("AttributeName") == attribute


# -------------------------------------------------------------------- (c) pinned dependencies
def _normalise(requirement: str) -> str:
    name, _, version = requirement.replace(" ", "").partition("==")
    return f"{re.sub(r'[-_.]+', '-', name).lower()}=={version}"


def test_dependency_layer_pins_exactly_the_project_dependencies():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (PROJECT_ROOT / "layers" / "dependencies" / "requirements.txt").read_text().splitlines()
    pinned = [line.split("#")[0].strip() for line in lines
              if line.split("#")[0].strip() and not line.startswith("-")]  # "-c" constraints are options
    assert all("==" in r for r in project), "runtime dependencies are pinned with =="
    assert sorted(map(_normalise, pinned)) == sorted(map(_normalise, project))


def test_template_functions_use_python_3_12():
    runtime = load_template()["Globals"]["Function"]["Runtime"]
    assert {f["Properties"].get("Runtime", runtime) for f in FUNCTIONS.values()} == {"python3.12"}


# -------------------------------------------------------------------- (d) REST handlers stay lean
@pytest.mark.parametrize("dialect", DIALECTS)
def test_rest_handler_never_imports_graphql_or_moto(dialect):
    module = f"contacthub.api.{dialect}.handler"
    if importlib.util.find_spec(f"contacthub.api.{dialect}") is None:
        pytest.skip(f"no {dialect} dialect yet")
    code = (f"import {module}; import sys; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'strawberry', 'moto', 'graphql'}))")
    # A fresh interpreter with the function's code root as working directory, like /var/task on Lambda.
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT / "functions", env=dict(os.environ),
                            check=False, capture_output=True, text=True, timeout=60)
    if result.returncode != 0 and "ModuleNotFoundError" in result.stderr and module in result.stderr:
        pytest.skip(f"{module} does not exist yet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_function_builds_resolve_transitive_dependencies_from_the_constraints():
    for requirements, constraints in (("layers/dependencies/requirements.txt", "-c ../../constraints.txt"),
                                      ("graphql/requirements.txt", "-c ../constraints.txt")):
        lines = (PROJECT_ROOT / requirements).read_text().splitlines()
        assert constraints in lines, requirements


@pytest.mark.parametrize("function", API_FUNCTIONS)
def test_every_api_function_may_keep_idempotency_keys_and_nothing_more(function):
    # Idempotency-Key is honoured by every dialect and GraphQL: each function reads, claims, completes and
    # releases records in the IdempotencyTable, with no Scan or Query on it.
    statements = [s for policy in FUNCTIONS[function]["Properties"].get("Policies", [])
                  if isinstance(policy, dict) for s in policy.get("Statement", [])]
    on_table = [s for s in statements if s.get("Resource") == {"Fn::GetAtt": ["IdempotencyTable", "Arn"]}]
    assert on_table, f"{function} cannot reach the IdempotencyTable"
    actions = {a for s in on_table for a in s["Action"]}
    assert actions == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}




def test_every_function_takes_its_dependencies_from_the_one_layer_and_ships_only_code():
    template = load_template()
    layers = template["Globals"]["Function"]["Layers"]
    assert {"Ref": "DependenciesLayer"} in layers
    for function in FUNCTIONS.values():
        assert "DependenciesLayer" not in str(function["Properties"].get("Layers", [])), "listed twice"
    code_uris = {f["Properties"].get("CodeUri", template["Globals"]["Function"]["CodeUri"]) for f in FUNCTIONS.values()}
    for uri in code_uris:
        own = (PROJECT_ROOT / uri / "requirements.txt")
        # functions/ is pure code; graphql/ adds only what no other function needs
        if uri.rstrip("/") == "graphql":
            pins = {_normalise(line).split("==")[0] for line in own.read_text().splitlines()
                    if line.strip() and not line.startswith(("#", "-"))}
            assert pins == {"strawberry-graphql", "mangum", "starlette"}
        else:
            assert not own.exists(), f"{uri} would ship its own dependencies"


# -------------------------------------------------------------------- import and export jobs
def _statements(function: str) -> list[dict]:
    return [s for policy in FUNCTIONS[function]["Properties"].get("Policies", [])
            if isinstance(policy, dict) for s in policy.get("Statement", [])]


def test_the_bulk_bucket_is_private_encrypted_and_expires_its_files():
    bucket = resources(kind="AWS::S3::Bucket")["BulkBucket"]["Properties"]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any(r.get("ExpirationInDays") == 7 and r["Status"] == "Enabled" and "Prefix" not in r for r in rules)
    # Uploads (keys <workspace>/imports/<job>/upload) and nothing else start the worker.
    notification = bucket["NotificationConfiguration"]["QueueConfigurations"]
    assert notification[0]["Filter"]["S3Key"]["Rules"] == [{"Name": "suffix", "Value": "/upload"}]
    from contacthub.domain.bulk_jobs import failed_part_key, failed_rows_key, parse_upload_key, upload_key

    assert upload_key("w", "j").endswith("/upload") and parse_upload_key(upload_key("w", "j")) == ("w", "j")
    assert not failed_rows_key("w", "j").endswith("/upload") and not failed_part_key("w", "j", 3).endswith("/upload")


def test_the_bulk_function_reaches_its_bucket_table_and_queue_and_nothing_more():
    statements = _statements("BulkFunction")
    resources_reached = {str(s["Resource"]) for s in statements}
    assert resources_reached == {str({"Fn::GetAtt": ["CrmTable", "Arn"]}), str({"Fn::Sub": "${BulkBucket.Arn}/*"}),
                                 str({"Fn::GetAtt": ["BulkQueue", "Arn"]})}
    actions = {a for s in statements for a in s["Action"]}
    assert not {a for a in actions if a.endswith((":Scan", ":*")) or a == "s3:DeleteObject"}
    events = FUNCTIONS["BulkFunction"]["Properties"]["Events"]
    assert {e["Type"] for e in events.values()} == {"SQS"}
    # The hub presigns on the bucket's objects only and queues exports.
    hub = {str(s["Resource"]): set(s["Action"]) for s in _statements("HubFunction")}
    assert hub[str({"Fn::Sub": "${BulkBucket.Arn}/*"})] == {"s3:PutObject", "s3:GetObject"}
    assert hub[str({"Fn::GetAtt": ["BulkQueue", "Arn"]})] == {"sqs:SendMessage"}

"""Contract tests: each dialect's published OpenAPI document (docs/api/) against the real handlers, in process.

schemathesis generates requests from the document (valid and invalid), sends them through the local server's
WSGI application (template.yaml routing, API Gateway events, the Lambda handlers on moto) and checks every
answer against the document."""
from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from contacthub_local.openapi import path_for
from contacthub_local.server import LocalApi, LocalServer

CHECKS = [schemathesis.checks.not_a_server_error]


def wsgi_app():
    """The local server's WSGI application without a socket: requests go straight to the handlers."""
    server = object.__new__(LocalServer)
    server.api = LocalApi()
    server.api.log_requests = False
    return server.wsgi_app


def schema_of(dialect: str):
    doc = json.loads(path_for(dialect).read_text(encoding="utf-8"))
    return schemathesis.openapi.from_dict(doc)


letsligo_schema = schema_of("letsligo")
skarbe_schema = schema_of("skarbe")
whautomate_schema = schema_of("whautomate")
BUDGET = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))


@pytest.fixture
def key(workspace):
    return workspace.key


def _run(case, key):
    case.call_and_validate(app=wsgi_app(), headers={"X-Api-Key": key}, checks=CHECKS)


@letsligo_schema.parametrize()
@BUDGET
def test_letsligo_answers_as_documented(case, key):
    _run(case, key)


@skarbe_schema.parametrize()
@BUDGET
def test_skarbe_answers_as_documented(case, key):
    _run(case, key)


@whautomate_schema.parametrize()
@BUDGET
def test_whautomate_answers_as_documented(case, key):
    _run(case, key)

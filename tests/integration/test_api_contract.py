"""Contract tests: each REST dialect's published OpenAPI document (docs/api/) against the real handlers, in process.

schemathesis generates requests from the document (examples, coverage of boundaries, valid and invalid data,
then stateful sequences along the links it infers between create and read/update/delete), sends them through the
local server's WSGI application (template.yaml routing, API Gateway events, the Lambda handlers on moto) and runs
every check on each answer: no server error, documented status, content type, headers and response schema,
invalid data refused, valid data accepted. A fixed seed and a bounded budget keep the run deterministic and short.
"""
from __future__ import annotations

import itertools
import json
import threading
from collections import Counter

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from contacthub_local.openapi import path_for, rest_dialects
from contacthub_local.server import LocalApi, LocalServer

SEED = 20260
MAX_EXAMPLES = 6
# What valid data may still meet, that no schema can know in advance: an If-Match naming another version (412).
STATE_DEPENDENT = [412]


class ContractServer(LocalServer):
    """The local server (template.yaml routing, API Gateway events, the Lambda handlers on moto) on 127.0.0.1.

    schemathesis sends fixed Idempotency-Key values; each request gets its own key here, so a generated request
    is never taken for a retry of an unrelated one (that rule has tests of its own)."""

    keys = itertools.count()

    def wsgi_app(self, environ, start_response):
        if "HTTP_IDEMPOTENCY_KEY" in environ:
            environ["HTTP_IDEMPOTENCY_KEY"] = f"contract-{next(self.keys)}"
        return super().wsgi_app(environ, start_response)


@pytest.fixture
def base_url(services):
    server = ContractServer(("127.0.0.1", 0), LocalApi(log_requests=False))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.base_url
    server.shutdown()
    server.server_close()
    thread.join(5)


def config(key: str, base_url: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "base-url": base_url,
        "seed": SEED,
        "headers": {"Authorization": f"Bearer {key}"},
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "checks": {"positive_data_acceptance": {
            "expected-statuses": ["2xx", "3xx", 401, 403, 404, 409, 429, *STATE_DEPENDENT]}},
        "phases": {"stateful": {"max-steps": 30}},
        "workers": 1,
    })


def run(dialect: str, key: str, base_url: str):
    """Every phase over the dialect's document; answers (operations, cases, failures by operation and check)."""
    doc = json.loads(path_for(dialect).read_text(encoding="utf-8"))
    schema = schemathesis.openapi.from_dict(doc, config=config(key, base_url))
    cases, failures, operations = 0, [], set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for node in event.recorder.cases.values():
                cases += 1
                operations.add(node.value.operation.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status.name == "FAILURE" and check.failure_info is not None:
                        failures.append(_describe(event.recorder, case_id, check))
        elif isinstance(event, events.NonFatalError):
            failures.append(f"{event.label}: error: {event.value!r}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    return operations, cases, failures


def _describe(recorder, case_id: str, check) -> str:
    case = recorder.cases[case_id].value
    interaction = recorder.interactions.get(case_id)
    answer = ""
    if interaction is not None and interaction.response is not None:
        answer = f" -> {interaction.response.status_code} {(interaction.response.content or b'')[:300]!r}"
    return (f"{case.operation.label}: {check.name}: {check.failure_info.failure.title}; sent "
            f"{case.method} {case.formatted_path} query={case.query} body={str(case.body)[:200]}{answer}")


@pytest.mark.parametrize("dialect", sorted(rest_dialects()))
def test_each_dialect_answers_as_its_reference_says(workspace, base_url, dialect, capsys):
    # Given the dialect's published document and a workspace key
    # When schemathesis runs every phase and every check against the handlers
    operations, cases, failures = run(dialect, workspace.key, base_url)
    # Then nothing fails
    with capsys.disabled():
        print(f"\n{dialect}: {len(operations)} operations, {cases} cases, {len(failures)} failures")
    assert not failures, "\n".join(sorted(Counter(failures)))

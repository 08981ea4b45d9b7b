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

import boto3
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from environment import SETTINGS
from contacthub_local.openapi import path_for, rest_dialects
from contacthub_local.server import LocalApi, LocalServer

SEED = 20260
MAX_EXAMPLES = 6
# What valid data may still meet, that no schema can know in advance: an If-Match naming another version (412).
STATE_DEPENDENT = [412]
# Rules OpenAPI cannot state, so schema-valid data may still be refused with the dialect's validation status:
# operation -> why. Every other check (server errors, statuses, media types, headers, response schemas, invalid
# data refused) still runs on these operations.
NOT_EXPRESSIBLE = {
    "GET /api/contacts": "page * itemsPerPage is bounded; status is checked against the lifecycle enum in code",
    "GET /api/contact_tasks": "page * itemsPerPage is bounded; filters parse booleans and dates in code",
    "PATCH /api/contact_tasks/{id}": "the contact IRI must name an existing contact; due dates 1900-9998",
    "POST /api/contact_tasks": "the contact IRI must name an existing contact; due dates 1900-9998",
    "PATCH /api/contacts/{id}": "a contact keeps a name: null or blank is refused only when nothing else names it",
    "POST /api/connect/contacts": "leadStatus must be a lead status id of the workspace",
    "GET /api/connect/contacts": "`cursor` must be one this listing gave, for the same query",
    "GET /v1/contacts": "page * limit is bounded",
    "PUT /v1/contacts/{contactId}": "the id in the body must equal contactId; at most 10 distinct tags",
    "POST /v1/contacts": "at most 10 distinct tags, duplicates folded by case and spacing",
    "POST /v1/contacts/{contactId}/tags/add": "a contact has at most 10 tags, counting the ones it has",
    "POST /v1/contacts/{contactId}/tags/remove": "at most 10 distinct tags, duplicates folded by case and spacing",
    "POST /api/contacts": "emails are checked by an email validator that no `format` keyword matches exactly",
    "POST /api/contacts/prepare": "overrides follow the contact rules; a blank name is refused",
    "POST /api/contacts/confirm": "the token must be one prepare gave; overrides keep a name",
    "POST /api/contacts/{id}/extend": "the appended text must fit the field's 10,000 characters",
    "POST /api/contacts/{id}/emails/prepare": "subjects are one line without control characters; sessions exist",
    "POST /api/contacts/{id}/emails/refine": "the session must be one prepare gave",
    "POST /api/contacts/{id}/emails/send": "subjects are one line without control characters; sessions exist",
    "GET /hub/v1/events": "`after` must be a cursor this listing gave",
    "POST /hub/v1/webhooks": "the URL must resolve to a public address (SSRF guard)",
    "PATCH /hub/v1/webhooks/{id}": "the URL must resolve to a public address (SSRF guard)",
    "GET /hub/v1/contacts": "`after` must be a cursor this listing gave",
    "POST /hub/v1/contacts": "a contact needs a name, first/last name or email; emails, phones, channels and "
                             "bounds are checked by the domain rules",
    "PATCH /hub/v1/contacts/{id}": "emails, phones, tags, channels and bounds are checked by the domain rules",
    "POST /hub/v1/contacts/{id}/merge": "`from` and `prefer` must name other contacts of the workspace, each once, "
                                        "and mergeable fields; the united lists keep a contact's bounds",
    "POST /hub/v1/imports": "mapping values must be known fields, and a mapping applies to CSV files only",
    "POST /hub/v1/exports": "the filter's search and tags follow the search rules of the contact listing",
    "GET /hub/v1/duplicates": "`after` must be a cursor this listing gave, and never comes with `contactId`",
}


class ContractServer(LocalServer):
    """The local server (template.yaml routing, API Gateway events, the Lambda handlers on moto) on 127.0.0.1.

    schemathesis sends fixed Idempotency-Key values; each request gets its own key here, so a generated request
    is never taken for a retry of an unrelated one (that rule has tests of its own)."""

    keys = itertools.count()

    def wsgi_app(self, environ, start_response):
        key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        if 0 < len(key) <= 255 and key.isprintable():  # a valid key: invalid ones stay invalid
            environ["HTTP_IDEMPOTENCY_KEY"] = f"contract-{next(self.keys)}"
        return super().wsgi_app(environ, start_response)


@pytest.fixture
def base_url(services):
    boto3.client("sesv2").create_email_identity(EmailIdentity=SETTINGS.sender_address)  # as a deployed stack has
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
                    label = event.recorder.cases[case_id].value.operation.label
                    if check.name == "positive_data_acceptance" and label in NOT_EXPRESSIBLE:
                        continue
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
def test_each_dialect_answers_as_its_reference_says(workspace, base_url, dialect, capsys, record_property):
    # Given the dialect's published document and a workspace key
    # When schemathesis runs every phase and every check against the handlers
    operations, cases, failures = run(dialect, workspace.key, base_url)
    # Then nothing fails
    with capsys.disabled():
        print(f"\n{dialect}: {len(operations)} operations, {cases} cases, {len(failures)} failures")
    record_property("cases", cases)
    assert not failures, "\n".join(sorted(Counter(failures)))

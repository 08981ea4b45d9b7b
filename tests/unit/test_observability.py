"""The metrics layer around every entry point: one EMF line per request, by dialect and route."""
from __future__ import annotations

import json

import pytest
from contacthub.api import observability


@pytest.fixture
def metrics_on(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "contacthub-test")
    observability._metrics.cache_clear()
    yield
    observability._metrics.cache_clear()


def _emf_lines(text: str) -> list[dict]:
    return [line for line in map(json.loads, filter(None, text.splitlines())) if "_aws" in line]


def _event(method: str, resource: str, path: str) -> dict:
    return {"httpMethod": method, "resource": resource, "path": path, "requestContext": {"requestId": "r1"}}


@pytest.mark.parametrize(("status", "errors", "client_errors"), [(200, 0, 0), (404, 0, 1), (503, 1, 0)])
def test_each_request_emits_requests_errors_and_latency_by_dialect_and_route(metrics_on, capsys, status, errors,
                                                                             client_errors):
    # Given an entry point wrapped for the skarbe dialect
    handler = observability.observed("skarbe")(lambda event, context: {"statusCode": status, "body": "{}"})
    # When it answers one request on a parameterised route
    assert handler(_event("GET", "/api/connect/contacts/{id}", "/api/connect/contacts/42"), None)["statusCode"] == status
    # Then one EMF line carries the counts, keyed by the resource (not the id) and the dialect
    [line] = _emf_lines(capsys.readouterr().out)
    assert line["dialect"] == "skarbe" and line["route"] == "GET /api/connect/contacts/{id}"
    assert (line["Requests"], line["Errors"], line["ClientErrors"]) == ([1.0], [float(errors)], [float(client_errors)])
    assert line["Latency"][0] >= 0
    [directive] = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "contacthub-test"
    assert {"dialect", "route"} <= set(directive["Dimensions"][0])


def test_a_crashing_handler_counts_as_an_error_and_still_raises(metrics_on, capsys):
    def crash(event, context):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        observability.observed("letsligo")(crash)(_event("POST", "/api/contacts", "/api/contacts"), None)
    [line] = _emf_lines(capsys.readouterr().out)
    assert line["Errors"] == [1.0] and line["route"] == "POST /api/contacts"


def test_dimensions_do_not_leak_from_one_request_to_the_next(metrics_on, capsys):
    handler = observability.observed("whautomate")(lambda event, context: {"statusCode": 200})
    handler(_event("GET", "/v1/contacts", "/v1/contacts"), None)
    handler(_event("DELETE", "/v1/contacts/{contactId}", "/v1/contacts/x"), None)
    first, second = _emf_lines(capsys.readouterr().out)
    assert first["route"] == "GET /v1/contacts" and second["route"] == "DELETE /v1/contacts/{contactId}"


def test_metrics_and_tracing_stay_off_where_switched_off(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    observability._metrics.cache_clear()
    observability.observed("skarbe")(lambda event, context: {"statusCode": 200})(_event("GET", "/x", "/x"), None)
    assert _emf_lines(capsys.readouterr().out) == []
    # And no Tracer outside a deployed Lambda (no X-Ray daemon to send to)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert observability.tracer() is None
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    monkeypatch.setenv("AWS_SAM_LOCAL", "true")
    assert observability.tracer() is None

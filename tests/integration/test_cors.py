"""Browser frontends: every answer carries the allow-origin header, errors included; preflight is the gateway's."""
import pytest

from client import ApiClient

ORIGIN = "https://app.example.com"


@pytest.fixture(autouse=True)
def cors_origin(monkeypatch):
    monkeypatch.setenv("CORS_ALLOW_ORIGIN", ORIGIN)


@pytest.mark.parametrize("path", ["/api/contacts", "/api/connect/contacts", "/v1/contacts"])
def test_rest_answers_and_errors_allow_the_origin(letsligo, path):
    assert letsligo.get(path).headers.get("Access-Control-Allow-Origin") == ORIGIN
    refused = ApiClient(None).get(path)
    assert refused.status == 401 and refused.headers.get("Access-Control-Allow-Origin") == ORIGIN


def test_graphql_answers_allow_the_origin(letsligo):
    reply = letsligo.post("/graphql", json={"query": "{ me { workspace { name } } }"})
    assert reply.status == 200 and reply.headers.get("Access-Control-Allow-Origin") == ORIGIN


def test_no_header_when_cors_is_off(letsligo, monkeypatch):
    monkeypatch.setenv("CORS_ALLOW_ORIGIN", "")
    assert "Access-Control-Allow-Origin" not in letsligo.get("/api/contacts").headers


def test_local_server_answers_preflight_like_api_gateway(aws):
    from contacthub_local.server import LocalApi

    reply = LocalApi(log_requests=False).invoke("OPTIONS", "/api/contacts/123")
    assert reply.status == 204
    assert reply.header("Access-Control-Allow-Origin") == ORIGIN
    assert "X-Api-Key" in reply.header("Access-Control-Allow-Headers")
    for header in ("If-Match", "If-None-Match", "Idempotency-Key"):
        assert header in reply.header("Access-Control-Allow-Headers").split(",")


def test_template_preflight_allows_the_conditional_and_idempotency_headers():
    from contacthub.api.cors import ALLOW_HEADERS
    from contacthub_local.template import load_template

    cors = load_template()["Resources"]["CrmApi"]["Properties"]["Cors"]
    assert cors["AllowHeaders"].strip("'") == ALLOW_HEADERS  # the local server mirrors API Gateway


def test_browsers_can_read_etag_and_the_replay_marker(letsligo):
    made = letsligo.post("/api/contacts", json={"name": "Ada"}, headers={"Idempotency-Key": "k-1"})
    exposed = made.headers["Access-Control-Expose-Headers"].split(",")
    assert {"ETag", "Idempotent-Replayed"} <= set(exposed) and "ETag" in made.headers

"""GraphQL over HTTP through the Lambda handler: authentication, media types, status codes, masking, switches."""
from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from mangum import Mangum

from client import ApiClient

GRAPHQL_RESPONSE = "application/graphql-response+json"
ME = "{ me { workspace { name } } }"


def post(graphql_http, body, accept="application/json", content_type="application/json"):
    raw = body if isinstance(body, str) else json.dumps(body)
    return graphql_http.post("/graphql", body=raw, headers={"Accept": accept, "Content-Type": content_type})


def get(graphql_http, params, accept="application/json"):
    return graphql_http.get("/graphql?" + urlencode(params), headers={"Accept": accept})


# ---------------------------------------------------------------- authentication

def test_a_key_is_required(workspace):
    for client, expected in [(ApiClient(None), "Missing API key"),
                             (ApiClient("chk_" + "x" * 43), "Invalid or missing API key"),
                             (ApiClient(workspace.key, header="X-Api-Key"), None)]:
        reply = post(client, {"query": ME})
        if expected is None:
            assert reply.status == 200 and reply.json["data"]["me"]["workspace"]["name"] == "Acme Corporation"
            continue
        assert reply.status == 401 and reply.headers["www-authenticate"] == "Bearer"
        assert reply.json == {"errors": [{"message": expected, "extensions": {"code": "UNAUTHENTICATED"}}]}
    basic = ApiClient(None).post("/graphql", json={"query": ME}, headers={"Authorization": "Basic abc"})
    assert basic.status == 401 and "Bearer" in basic.json["errors"][0]["message"]


# ---------------------------------------------------------------- media types and status codes

@pytest.mark.parametrize("accept, media_type", [
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
    (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
    ("application/json", "application/json"),
    ("*/*", "application/json"),
])
def test_the_response_media_type_follows_accept(graphql_http, accept, media_type):
    reply = post(graphql_http, {"query": ME}, accept=accept)
    assert reply.status == 200 and reply.headers["content-type"] == media_type
    assert reply.json["data"]["me"]["workspace"]["name"] == "Acme Corporation"


@pytest.mark.parametrize("body", [
    {"query": "{ me { workspace { name } "},  # does not parse
    {"query": "{ me { nope } }"},  # does not validate
    {"query": "query($n: Int!) { contacts(first: $n) { totalCount } }", "variables": {"n": "ten"}},  # coercion
    {"query": "query A { me { user { id } } } query B { me { user { id } } }"},  # which operation?
])
def test_documents_that_cannot_run_are_400_for_graphql_response_clients_only(graphql_http, body):
    strict = post(graphql_http, body, accept=GRAPHQL_RESPONSE)
    assert strict.status == 400 and strict.headers["content-type"] == GRAPHQL_RESPONSE, strict.text
    assert strict.json["errors"] and "data" not in strict.json
    legacy = post(graphql_http, body)  # classic clients keep 200 with errors
    assert legacy.status == 200 and legacy.headers["content-type"] == "application/json"
    assert legacy.json["data"] is None and legacy.json["errors"]


def test_operation_name_picks_one_of_several_operations(graphql_http):
    document = "query A { me { workspace { name } } } query B { contacts { totalCount } }"
    reply = post(graphql_http, {"query": document, "operationName": "B"}, accept=GRAPHQL_RESPONSE)
    assert reply.status == 200 and reply.json == {"data": {"contacts": {"totalCount": 0}}}


def test_field_errors_keep_status_200_with_partial_data(graphql_http):
    reply = post(graphql_http, {"query": "{ me { workspace { name } } tasks(first: 500) { totalCount } }"},
                 accept=GRAPHQL_RESPONSE)
    assert reply.status == 200 and reply.json["data"] is None  # tasks is non-null: the error reaches the root
    assert reply.json["errors"][0]["path"] == ["tasks"]
    assert reply.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    partial = post(graphql_http, {"query": "{ me { workspace { name } } contact(id: \"nope\") { id } }"},
                   accept=GRAPHQL_RESPONSE)
    assert partial.status == 200 and partial.json == {"data": {"me": {"workspace": {"name": "Acme Corporation"}},
                                                               "contact": None}}


def test_queries_over_get_and_mutations_only_over_post(graphql_http):
    reply = get(graphql_http, {"query": "query($n: Int!) { contacts(first: $n) { totalCount } }",
                               "variables": json.dumps({"n": 1})}, accept=GRAPHQL_RESPONSE)
    assert reply.status == 200 and reply.json == {"data": {"contacts": {"totalCount": 0}}}
    mutation = get(graphql_http, {"query": 'mutation { createContact(input: {name: "X"}) { contact { id } } }'})
    assert mutation.status == 405 and mutation.headers["allow"] == "POST"
    assert mutation.json["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert post(graphql_http, {"query": "{ contacts { totalCount } }"}).json["data"]["contacts"]["totalCount"] == 0


@pytest.mark.parametrize("body, content_type, status", [
    ("{not json", "application/json", 400),
    (json.dumps([{"query": ME}, {"query": ME}]), "application/json", 400),  # batching is off
    (json.dumps({"query": 42}), "application/json", 400),
    (json.dumps({}), "application/json", 400),
    ("query=" + ME, "application/x-www-form-urlencoded", 415),
    (ME, "application/graphql", 415),
    (json.dumps({"query": ME, "variables": {"pad": "x" * 300_000}}), "application/json", 413),
    # Each of these was a 500: a body that is not a JSON object, not UTF-8, or holds what Python cannot decode
    ("1", "application/json", 400),
    ("null", "application/json", 400),
    ("true", "application/json", 400),
    ('"x"', "application/json", 400),
    ('{"query": "%s", "variables": {"n": %s}}' % (ME, "9" * 5000), "application/json", 400),
    (json.dumps({"query": ME, "variables": 1}), "application/json", 400),
    ('{"query": "%s", "variables": {"x": %s}}' % (ME, "[" * 900 + "]" * 900), "application/json", 400),
])
def test_protocol_errors_are_graphql_shaped(graphql_http, body, content_type, status):
    reply = post(graphql_http, body, content_type=content_type, accept=GRAPHQL_RESPONSE)
    assert reply.status == status, reply.text
    assert reply.headers["content-type"] == GRAPHQL_RESPONSE
    assert reply.json["errors"][0]["message"] and reply.json["errors"][0]["extensions"]["code"]


# ---------------------------------------------------------------- unexpected errors

def test_unexpected_errors_are_masked_and_logged_with_the_request_id(graphql_http, services, monkeypatch):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("contacthub.graphql").addHandler(handler)

    def broken(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(services.pipeline, "list", broken)
    try:
        reply = post(graphql_http, {"query": "{ me { workspace { name } } pipelineStates { id } }"}, accept=GRAPHQL_RESPONSE)
    finally:
        logging.getLogger("contacthub.graphql").removeHandler(handler)
    assert reply.status == 200 and "hunter2" not in reply.text
    assert reply.json["data"] is None  # pipelineStates is non-null
    error = reply.json["errors"][0]
    assert error["message"] == "Internal server error" and error["path"] == ["pipelineStates"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    logged = [r for r in records if r.levelno == logging.ERROR]
    assert len(logged) == 1 and error["extensions"]["requestId"] in logged[0].getMessage()
    assert "hunter2" in str(logged[0].exc_info[1])


def test_unexpected_errors_in_a_mutation_are_masked_too(graphql_http, services, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("internal")

    monkeypatch.setattr(services.contacts, "create", broken)
    reply = post(graphql_http, {"query": 'mutation { createContact(input: {name: "X"}) { contact { id } } }'})
    assert reply.status == 200 and reply.json["errors"][0]["message"] == "Internal server error"
    assert "internal" not in reply.text.replace("Internal", "")


def test_a_failure_before_the_schema_runs_is_a_masked_500(graphql_http, services, monkeypatch):
    def outage(key):
        raise RuntimeError("DirectoryTable throttled: arn:aws:dynamodb:secret")

    monkeypatch.setattr(services.workspaces, "authenticate", outage)
    reply = post(graphql_http, {"query": ME}, accept=GRAPHQL_RESPONSE)
    assert reply.status == 500 and reply.headers["content-type"] == GRAPHQL_RESPONSE
    assert reply.json == {"errors": [{"message": "Internal server error",
                                      "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}


# ---------------------------------------------------------------- introspection and GraphiQL

def test_local_mode_serves_graphiql_and_introspection(graphql_http):
    page = graphql_http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status == 200 and page.headers["content-type"].startswith("text/html") and "graphiql" in page.text
    types = post(graphql_http, {"query": "{ __schema { queryType { name } } }"}).json
    assert types == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


@pytest.fixture
def production(monkeypatch):
    """The handler as deployed with GraphqlIntrospection=false (the template's default)."""
    from contacthub_graphql import handler
    from contacthub_graphql.schema import build_schema
    from contacthub_graphql.settings import Settings
    from contacthub_graphql.view import GRAPHQL_RESPONSE as MEDIA
    from contacthub_graphql.view import GraphQLView

    settings = Settings.from_environment({"AWS_LAMBDA_FUNCTION_NAME": "contacthub-graphql",
                                          "GRAPHQL_INTROSPECTION": "false"})
    assert settings.introspection is False
    app = GraphQLView(build_schema(settings), settings)
    monkeypatch.setattr(handler, "_adapter", Mangum(app, lifespan="off", text_mime_types=["application/json", MEDIA]))


def test_production_hides_graphiql_and_introspection(graphql_http, production):
    page = graphql_http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status == 404
    refused = post(graphql_http, {"query": "{ __schema { queryType { name } } }"}, accept=GRAPHQL_RESPONSE)
    assert refused.status == 400 and "introspection has been disabled" in refused.json["errors"][0]["message"]
    assert post(graphql_http, {"query": "{ __typename me { workspace { name } } }"}).status == 200


def test_the_switch_reads_the_environment():
    from contacthub_graphql.settings import Settings

    on_lambda = {"AWS_LAMBDA_FUNCTION_NAME": "f"}
    assert Settings.from_environment({**on_lambda, "GRAPHQL_INTROSPECTION": "false"}).introspection is False
    assert Settings.from_environment(on_lambda).introspection is False
    assert Settings.from_environment({**on_lambda, "GRAPHQL_INTROSPECTION": "true"}).introspection is True
    assert Settings.from_environment({**on_lambda, "AWS_SAM_LOCAL": "true"}).introspection is True
    assert Settings.from_environment({"GRAPHQL_INTROSPECTION": "false"}).introspection is True  # contacthub serve


def test_a_body_that_is_not_utf8_is_a_400(graphql_http):
    reply = graphql_http.post("/graphql", body=b'{"query": "{ me { workspace { name } } }", "x": "\xff"}',
                              headers={"Content-Type": "application/json", "Accept": GRAPHQL_RESPONSE})
    assert reply.status == 400 and reply.json["errors"][0]["extensions"]["code"] == "BAD_REQUEST", reply.text


def test_deep_variables_over_get_are_a_400(graphql_http):
    variables = "{\"x\": " + "[" * 600 + "]" * 600 + "}"
    reply = get(graphql_http, {"query": ME, "variables": variables})
    assert reply.status == 400, reply.text
    reply = get(graphql_http, {"query": ME, "variables": "[1]"})
    assert reply.status == 400, reply.text


def test_variables_as_deep_as_the_domain_names_still_reach_it(gql):
    nested: object = 1
    for _ in range(400):
        nested = {"a": nested}
    payload = gql.mutate("createContact", {"name": "Deep", "customFields": {"x": nested}})
    assert payload["error"]["__typename"] == "ValidationError", payload

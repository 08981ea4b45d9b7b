"""The local API Gateway: real HTTP on 127.0.0.1, routed by template paths to Lambda handlers.

Most tests serve a fake handler that records its events, so routing and event shape are checked without
depending on any dialect; the last ones go through the template's letsligo handler.
"""
from __future__ import annotations

import base64
import http.client
import importlib
import json
import urllib.error
import urllib.request

import pytest
from contacthub_local.events import api_gateway_event
from contacthub_local.server import MAX_BODY_BYTES, LocalApi, start_server
from contacthub_local.template import Route

# Keys of `sam local generate-event apigateway aws-proxy`.
SAM_EVENT_KEYS = {"body", "resource", "path", "httpMethod", "isBase64Encoded", "queryStringParameters",
                  "multiValueQueryStringParameters", "pathParameters", "stageVariables", "headers",
                  "multiValueHeaders", "requestContext"}
SAM_CONTEXT_KEYS = {"accountId", "resourceId", "stage", "requestId", "requestTime", "requestTimeEpoch", "identity",
                    "path", "resourcePath", "httpMethod", "apiId", "protocol"}
FAKE_ROUTES = [
    Route("ThingsFunction", "GetThing", "GET", "/things/{id}", "fake.things", ()),
    Route("ThingsFunction", "DeleteThing", "DELETE", "/things/{id}", "fake.things", ()),
    Route("ThingsFunction", "SearchThings", "POST", "/things/search", "fake.things", ()),
    Route("ThingsFunction", "Upload", "PUT", "/things/{id}/file", "fake.things", ()),
]


class Recorder:
    """A fake Lambda handler: remembers events and contexts, answers what the test asks for."""

    def __init__(self):
        self.events: list[dict] = []
        self.contexts: list = []

    def __call__(self, event, context):
        self.events.append(event)
        self.contexts.append(context)
        if event["path"].endswith("/crash"):
            raise RuntimeError("handler bug")
        if event["path"].endswith("/binary"):
            return {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "isBase64Encoded": True,
                    "body": base64.b64encode(b"\x89PNG\x00\xff").decode()}
        return {"statusCode": 200, "headers": {"Content-Type": "application/json", "X-Single": "one"},
                "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
                "body": json.dumps({"resource": event["resource"], "params": event["pathParameters"]})}


@pytest.fixture
def fake():
    recorder = Recorder()
    server, thread = start_server("127.0.0.1", 0, LocalApi(FAKE_ROUTES, {"fake.things": recorder}, log_requests=False))
    recorder.base_url = server.base_url
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join(5)


def request(base_url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """(status, headers message, body bytes), HTTP errors included."""
    req = urllib.request.Request(base_url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# -------------------------------------------------------------------- routing
def test_routes_by_template_path_with_path_parameters(fake):
    status, headers, body = request(fake.base_url, "GET", "/things/42")
    assert status == 200
    assert json.loads(body) == {"resource": "/things/{id}", "params": {"id": "42"}}
    assert headers.get_all("Set-Cookie") == ["a=1", "b=2"] and headers["X-Single"] == "one"
    assert headers["x-amzn-RequestId"] == fake.events[-1]["requestContext"]["requestId"]


def test_literal_resource_wins_and_its_methods_decide(fake):
    # Given /things/search (POST) next to /things/{id} (GET, DELETE)
    assert request(fake.base_url, "POST", "/things/search", b"{}")[0] == 200
    assert fake.events[-1]["resource"] == "/things/search"
    # When GET hits the literal resource, API Gateway does not fall back to {id}: 405
    status, headers, body = request(fake.base_url, "GET", "/things/search")
    assert status == 405 and headers["Allow"] == "POST" and json.loads(body) == {"message": "Method Not Allowed"}


def test_unknown_path_is_a_json_404_and_wrong_method_a_405(fake):
    status, headers, body = request(fake.base_url, "GET", "/nothing/here")
    assert status == 404 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"message": "Not Found"}
    status, headers, _ = request(fake.base_url, "PATCH", "/things/1")
    assert status == 405 and headers["Allow"] == "DELETE, GET"
    assert fake.events == []


def test_handler_exception_is_api_gateways_502_with_traceback_on_stderr(fake, capsys):
    status, _, body = request(fake.base_url, "GET", "/things/crash")
    assert status == 502 and json.loads(body) == {"message": "Internal server error"}
    assert "RuntimeError: handler bug" in capsys.readouterr().err


def test_body_over_10_mb_is_413_without_invoking(fake):
    status, _, body = request(fake.base_url, "POST", "/things/search", b"x" * (MAX_BODY_BYTES + 1),
                              {"Content-Type": "application/octet-stream"})
    assert status == 413 and json.loads(body) == {"message": "Request Too Long"}
    assert fake.events == []


def test_expect_continue_gets_413_before_the_body_is_sent(fake):
    host, port = fake.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/things/search")
    connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
    connection.putheader("Expect", "100-continue")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


def test_each_answer_closes_its_connection_and_the_client_reconnects(fake):
    # werkzeug's server does not keep connections alive (it cannot drain a body before the next request)
    host, port = fake.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    for thing in ("1", "2", "3"):
        connection.request("GET", f"/things/{thing}")
        response = connection.getresponse()
        assert response.getheader("Connection") == "close"
        assert json.loads(response.read())["params"] == {"id": thing}
    connection.close()


def test_chunked_request_body_reaches_the_handler(fake):
    def chunks():
        yield b'{"a": '
        yield b"1}"

    host, port = fake.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("POST", "/things/search", body=chunks(), encode_chunked=True,
                       headers={"Content-Type": "application/json"})
    assert connection.getresponse().status == 200
    assert json.loads(fake.events[-1]["body"]) == {"a": 1}
    connection.close()


def test_binary_response_body_is_decoded(fake):
    status, headers, body = request(fake.base_url, "GET", "/things/binary")
    assert status == 200 and body == b"\x89PNG\x00\xff" and headers["Content-Type"] == "image/png"


# -------------------------------------------------------------------- event shape
def test_event_has_the_api_gateway_rest_proxy_shape(fake):
    # When a request has repeated query parameters and headers, and a JSON body
    status, _, _ = request(fake.base_url, "PUT", "/things/a%20b/file?tag=x&tag=y&empty=",
                           json.dumps({"é": 1}).encode(), {"Content-Type": "application/json", "X-Trace": "t1"})
    assert status == 200
    event, context = fake.events[-1], fake.contexts[-1]
    # Then every key of sam's aws-proxy event is there, filled like API Gateway fills it
    assert SAM_EVENT_KEYS <= set(event) and SAM_CONTEXT_KEYS <= set(event["requestContext"])
    assert event["resource"] == "/things/{id}/file" and event["path"] == "/things/a%20b/file"
    assert event["httpMethod"] == "PUT" and event["pathParameters"] == {"id": "a%20b"}
    assert event["queryStringParameters"] == {"tag": "y", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"tag": ["x", "y"], "empty": [""]}
    assert event["headers"]["Content-Type"] == "application/json" and event["headers"]["X-Trace"] == "t1"
    assert event["multiValueHeaders"]["X-Trace"] == ["t1"]
    assert json.loads(event["body"]) == {"é": 1} and event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["resourcePath"] == "/things/{id}/file" and ctx["httpMethod"] == "PUT"
    assert ctx["path"] == f"/{ctx['stage']}/things/a%20b/file" and ctx["identity"]["sourceIp"] == "127.0.0.1"
    assert ctx["protocol"] == "HTTP/1.1" and len(ctx["requestId"]) == 36 and ctx["requestTimeEpoch"] > 0
    # And the context looks like Lambda's
    assert context.function_name == "ThingsFunction" and context.memory_limit_in_mb > 0
    assert context.invoked_function_arn.endswith(":function:ThingsFunction")
    assert 0 < context.get_remaining_time_in_millis() <= 900_000 and context.aws_request_id


def test_event_without_query_body_or_params_uses_none(fake):
    request(fake.base_url, "POST", "/things/search")
    event = fake.events[-1]
    assert event["queryStringParameters"] is None and event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None and event["body"] is None and event["isBase64Encoded"] is False


def test_non_utf8_body_is_base64_encoded(fake):
    request(fake.base_url, "POST", "/things/search", b"\xff\xfe\x00raw", {"Content-Type": "application/octet-stream"})
    event = fake.events[-1]
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\xff\xfe\x00raw"


def test_event_builder_keeps_last_single_value_and_all_multi_values():
    event = api_gateway_event("get", "/x", headers=[("A", "1"), ("A", "2")], query={"q": ["1", "2"]})
    assert event["headers"] == {"A": "2"} and event["multiValueHeaders"] == {"A": ["1", "2"]}
    assert event["queryStringParameters"] == {"q": "2"} and event["httpMethod"] == "GET"


def test_invoke_calls_the_handler_without_http():
    recorder = Recorder()
    api = LocalApi(FAKE_ROUTES, {"fake.things": recorder}, log_requests=False)
    response = api.invoke("POST", "/things/search?x=1", headers={"X-A": "b"}, body={"k": "v"})
    assert response.status == 200 and response.header_values("Set-Cookie") == ["a=1", "b=2"]
    event = recorder.events[-1]
    assert event["headers"]["Content-Type"] == "application/json" and json.loads(event["body"]) == {"k": "v"}
    assert event["queryStringParameters"] == {"x": "1"}
    assert api.invoke("GET", "/nope").status == 404


# -------------------------------------------------------------------- the template's handlers
def _letsligo_or_skip():
    try:
        importlib.import_module("contacthub.api.letsligo.handler")
    except ImportError as error:
        pytest.skip(f"letsligo handler does not import yet: {error}")


@pytest.fixture
def template_server(services):
    _letsligo_or_skip()
    server, thread = start_server("127.0.0.1", 0, LocalApi(log_requests=False))
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_letsligo_create_contact_over_http(template_server, workspace):
    # Given a workspace key
    auth = {"Authorization": f"Bearer {workspace.key}", "Content-Type": "application/json",
            "Accept": "application/json"}
    # When a contact is created over HTTP through template.yaml's route
    status, _, body = request(template_server.base_url, "POST", "/api/contacts",
                              json.dumps({"name": "Marie Dubois", "emails": ["marie@acme.example"]}).encode(), auth)
    # Then the letsligo handler answered 201 and the contact can be read back
    assert status == 201, body
    contact = json.loads(body)
    status, _, body = request(template_server.base_url, "GET", f"/api/contacts/{contact['id']}", headers=auth)
    assert status == 200 and json.loads(body)["name"] == "Marie Dubois"


def test_letsligo_rejects_a_missing_key(template_server):
    status, _, body = request(template_server.base_url, "GET", "/api/contacts")
    assert status == 401 and json.loads(body)


# -------------------------------------------------------------------- errors in the dialect's shape
def _crash(event, context):
    raise RuntimeError("handler bug")


@pytest.mark.parametrize(("path", "shape"), [
    ("/api/contacts", lambda body: body["@type"] == "hydra:Error" and body["status"] == 405),
    ("/api/connect/contacts", lambda body: set(body) == {"error"}),
    ("/v1/contacts", lambda body: body["error"] == "MethodNotAllowed"),
    ("/graphql", lambda body: body["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"),
])
def test_unknown_method_is_a_405_in_the_dialects_shape(aws, path, shape):
    reply = LocalApi(log_requests=False).invoke("TRACE", path)
    assert reply.status == 405 and reply.header("Allow") and shape(reply.json()), reply.text


def test_gateway_errors_use_the_dialect_of_the_path(aws):
    api = LocalApi(log_requests=False)
    # Unknown route under a dialect's base path
    assert api.invoke("GET", "/v1/nothing").json() == {"error": "NotFound", "message": "Not Found"}
    assert api.invoke("GET", "/api/connect/nothing").json() == {"error": "Not Found"}
    letsligo = api.invoke("GET", "/api/nothing")
    assert letsligo.status == 404 and letsligo.json()["@type"] == "hydra:Error"
    assert letsligo.header("Content-Type").startswith("application/ld+json")
    # Too large a body
    too_large = api.invoke("POST", "/v1/contacts", body=b"x" * (MAX_BODY_BYTES + 1))
    assert too_large.status == 413 and too_large.json()["error"] == "PayloadTooLarge"


def test_handler_crash_is_a_502_in_the_dialects_shape(aws):
    from contacthub_local.template import routes

    handlers = {route.handler: _crash for route in routes()}
    api = LocalApi(handlers=handlers, log_requests=False)
    reply = api.invoke("GET", "/api/connect/me")
    assert reply.status == 502 and reply.json() == {"error": "Internal server error"}

"""Local API Gateway: serves every route of template.yaml with the very Lambda handler the template names.

Each request becomes an API Gateway REST proxy event (see ``events.py``) and goes to ``handler(event,
context)``; the proxy response comes back as HTTP, with API Gateway's answers for what never reaches a
function (unknown route, too large a body, a crashing handler). Each function behaves as one warm
container: imported on its first request; and one invocation runs at a time across all functions
(powertools resolvers keep the current event on shared objects, so two handlers running at once in one
process mixed requests up; see ``LocalApi._lock``).

HTTP is werkzeug's threaded WSGI server; errors the gateway gives itself are in the JSON shape of the
dialect the path belongs to, so a client parses them like any other error of that API.
"""
from __future__ import annotations

import base64
import importlib
import json
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from .events import HeaderInput, QueryInput, api_gateway_event
from .template import PROJECT_ROOT, Route, find_route, function_properties, routes, stage_name

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload quota

# Paths the local server answers itself, not a template function: prefix -> (largest body, handler). The job
# file links of imports and exports (contacthub_local.bulk_local) stand in for S3's presigned URLs there.
LocalPathHandler = Callable[[str, str, list[tuple[str, str]], bytes], "LocalResponse"]
LOCAL_PATHS: dict[str, tuple[int, LocalPathHandler]] = {}


def body_limit(path: str) -> int:
    return next((limit for prefix, (limit, _) in LOCAL_PATHS.items() if path.startswith(prefix)), MAX_BODY_BYTES)
# Connections waiting to be accepted; the kernel caps it at net.core.somaxconn.
LISTEN_BACKLOG = 1024
ACCOUNT_ID = "123456789012"
Handler = Callable[[dict, Any], Any]
# Hop-by-hop or framing headers the server computes itself, whatever the handler says.
_FRAMING = {"content-length", "transfer-encoding", "connection", "keep-alive"}


@dataclass
class LocalResponse:
    """What the client receives: status, headers in order (repeats allowed), body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    function: str | None = None

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[-1] if values else None

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


# Base path -> (module, attribute) of the dialect whose error shape answers there; longest prefix first.
_DIALECTS = (("/api/connect/", "contacthub.api.skarbe.errors", "SKARBE"),
             ("/api/", "contacthub.api.letsligo.errors", "LETSLIGO"),
             ("/v1/", "contacthub.api.whautomate.errors", "WHAUTOMATE"))
_GRAPHQL_PATH = "/graphql"
_GRAPHQL_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE",
                  502: "INTERNAL_SERVER_ERROR"}


def gateway_error(status: int, message: str, error_type: str, extra: dict[str, str] | None = None,
                  path: str = "") -> LocalResponse:
    """An answer the gateway gives on its own (no function reached), in the shape of the path's dialect.

    Paths outside every dialect get API Gateway's own ``{"message": ...}``.
    """
    headers = {"x-amzn-ErrorType": error_type, **(extra or {})}
    result = _dialect_error(status, message, headers, path)
    if result is None:
        body = {"message": message}
        if path == _GRAPHQL_PATH or path.startswith(_GRAPHQL_PATH + "/"):
            # GraphQL over HTTP: a request error is an `errors` list with a code, as the GraphQL function answers.
            body = {"errors": [{"message": message, "extensions": {"code": _GRAPHQL_CODES.get(status, "BAD_REQUEST")}}]}
        result = {"statusCode": status, "headers": {"Content-Type": "application/json", **headers},
                  "body": json.dumps(body)}
    return to_local_response(_with_cors(result))


def _dialect_error(status: int, message: str, headers: dict[str, str], path: str) -> dict | None:
    """The dialect's own proxy error response for a path under its base path, or None."""
    for prefix, module_name, attribute in _DIALECTS:
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            try:
                dialect = getattr(importlib.import_module(module_name), attribute)
                from contacthub.api.common import Problem
            except ImportError:
                return None  # the dialect's code is not loadable: API Gateway's shape still tells the client
            return dialect.proxy_response(Problem(status, message, headers=headers))
    return None


def _with_cors(result: dict) -> dict:
    try:
        from contacthub.api.cors import with_cors
    except ImportError:
        return result
    return with_cors(result)


class LambdaContext:
    """The parts of the Lambda context object handlers and powertools read."""

    def __init__(self, function_name: str, memory_mb: int = 128, timeout_s: float = 3.0, region: str = "us-east-1"):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}"
        self.memory_limit_in_mb = int(memory_mb)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
        self.identity = None
        self.client_context = None
        self.timeout_s = float(timeout_s)
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def to_local_response(result: Any) -> LocalResponse:
    """Map a proxy integration result to HTTP, merging headers and multiValueHeaders as API Gateway does.

    A malformed result is a 502, as API Gateway answers it.
    """
    if not isinstance(result, dict) or "statusCode" not in result:
        raise ValueError(f"malformed Lambda proxy response: {type(result).__name__} without statusCode")
    status = int(result["statusCode"])
    multi = result.get("multiValueHeaders") or {}
    single = result.get("headers") or {}
    headers: list[tuple[str, str]] = []
    multi_names = {name.lower() for name in multi}
    for name, value in single.items():
        if name.lower() not in multi_names and name.lower() not in _FRAMING:
            headers.append((name, str(value)))
    for name, values in multi.items():
        if name.lower() not in _FRAMING:
            headers.extend((name, str(v)) for v in (values if isinstance(values, list) else [values]))
    body = result.get("body")
    if body is None:
        payload = b""
    elif result.get("isBase64Encoded"):
        payload = base64.b64decode(body)
    else:
        payload = body.encode("utf-8") if isinstance(body, str) else str(body).encode("utf-8")
    return LocalResponse(status, headers, payload)


class LocalApi:
    """Routes (method, path) to template handlers and invokes them with API Gateway events.

    ``routes`` defaults to template.yaml's; ``handlers`` maps a handler name (``module.function``) to a
    callable, for tests that serve a fake handler instead of importing one.
    """

    def __init__(self, routes_: list[Route] | None = None, handlers: Mapping[str, Handler] | None = None,
                 stage: str | None = None, log_requests: bool = True):
        self.routes = routes_ if routes_ is not None else routes()
        self.overrides = dict(handlers or {})
        self.stage = stage or stage_name()
        self.log_requests = log_requests
        self._handlers: dict[str, Handler] = {}
        self._one_at_a_time = threading.Lock()
        add_code_paths(self.routes)

    # ---------------------------------------------------------------- handlers
    def handler_for(self, route: Route) -> Handler:
        """Import the handler on first use, like a cold start; a failed import is retried next request."""
        if route.handler in self.overrides:
            return self.overrides[route.handler]
        cached = self._handlers.get(route.handler)
        if cached is None:
            module_name, _, attribute = route.handler.rpartition(".")
            cached = getattr(importlib.import_module(module_name), attribute)
            self._handlers[route.handler] = cached
        return cached

    def warm(self) -> dict[str, str]:
        """Import every handler now; returns handler -> error message for those that fail."""
        failures = {}
        for handler in sorted({r.handler for r in self.routes}):
            route = next(r for r in self.routes if r.handler == handler)
            try:
                self.handler_for(route)
            except Exception as error:  # noqa: BLE001 - reported, and retried on the first request
                failures[handler] = f"{type(error).__name__}: {error}"
        return failures

    def _lock(self, function: str) -> threading.Lock:
        """One request at a time for every function. On Lambda each function has its own process; here they share
        one, and two handlers of the shared code running at once were seen answering a skarbe create with
        letsligo's validation (module state of the shared request plumbing). Their AWS calls are serialised anyway."""
        del function
        return self._one_at_a_time

    # ---------------------------------------------------------------- requests
    def dispatch(self, method: str, path: str, query: QueryInput, headers: HeaderInput, body: bytes | str | None,
                 source_ip: str = "127.0.0.1") -> LocalResponse:
        """Answer one request as API Gateway in front of the template's functions would."""
        for prefix, (limit, serve_path) in LOCAL_PATHS.items():
            if path.startswith(prefix):
                data = body.encode() if isinstance(body, str) else (body or b"")
                return too_large(path) if len(data) > limit else serve_path(method, path, _header_pairs(headers), data)
        route, found = find_route(method, path, self.routes)
        if route is None and found and method.upper() == "OPTIONS":
            # CORS preflight: API Gateway answers it itself (CrmApi's Cors setting), never the functions.
            from contacthub.api.cors import preflight_headers

            return LocalResponse(204, list(preflight_headers().items()), b"")
        if route is None:
            if found:
                return gateway_error(405, "Method Not Allowed", "MethodNotAllowedException",
                                     {"Allow": ", ".join(found)}, path=path)
            return gateway_error(404, "Not Found", "NotFoundException", path=path)
        if body is not None and len(body) > MAX_BODY_BYTES:
            return too_large(path)
        event = api_gateway_event(method, path, route.path, found, headers, query, body,
                                  stage=self.stage, source_ip=source_ip)
        return self.call(route, event)

    def call(self, route: Route, event: dict) -> LocalResponse:
        """Invoke the route's handler with a ready event; exceptions become API Gateway's 502."""
        settings = function_properties(route.function)
        request_id = event["requestContext"]["requestId"]
        context = LambdaContext(route.function, settings.get("MemorySize", 128), settings.get("Timeout", 3))
        started = time.perf_counter()
        try:
            handler = self.handler_for(route)
            with self._lock(route.function):
                # The clock starts when the "container" takes the request, not while it queues.
                context = LambdaContext(route.function, context.memory_limit_in_mb, context.timeout_s)
                started = time.perf_counter()
                result = handler(event, context)
            response = to_local_response(result)
        except Exception:  # noqa: BLE001 - API Gateway turns any function failure into a 502
            print(f"[{route.function}] {event['httpMethod']} {event['path']} failed:\n{traceback.format_exc()}",
                  file=sys.stderr, flush=True)
            response = gateway_error(502, "Internal server error", "InternalServerErrorException",
                                     path=event["path"])
        elapsed = time.perf_counter() - started
        if elapsed > context.timeout_s:
            print(f"[{route.function}] took {elapsed:.1f}s: over its {context.timeout_s:g}s timeout, Lambda would "
                  "have stopped it (API Gateway answers 502 then)", file=sys.stderr, flush=True)
        response.headers.append(("x-amzn-RequestId", request_id))
        response.function = route.function
        return response

    def invoke(self, method: str, path: str, headers: HeaderInput = None, body: Any = None,
               query: QueryInput = None) -> LocalResponse:
        """Build the event for a request and call its handler directly (no HTTP); dict/list bodies go as JSON."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            names = {name.lower() for name, _ in _header_pairs(headers)}
            if "content-type" not in names:
                headers = [*_header_pairs(headers), ("Content-Type", "application/json")]
        if isinstance(body, str):
            body = body.encode("utf-8")
        split = urlsplit(path)
        if split.query and query is None:
            query = split.query
        return self.dispatch(method, split.path, query, headers, body)


def _header_pairs(headers: HeaderInput) -> list[tuple[str, str]]:
    if not headers:
        return []
    return list(headers.items()) if isinstance(headers, Mapping) else list(headers)


_added_paths: set[str] = set()


def add_code_paths(all_routes: list[Route]) -> None:
    """Put each function's code (and layers) on sys.path once, as Lambda does with /var/task and /opt/python."""
    for route in all_routes:
        for uri in route.code_uris:
            if not uri:
                continue
            path = str((PROJECT_ROOT / uri).resolve())
            if path not in _added_paths:
                _added_paths.add(path)
                if path not in sys.path:
                    sys.path.insert(0, path)


def too_large(path: str) -> LocalResponse:
    return gateway_error(413, "Request Too Long", "RequestTooLongException", path=path)


# -------------------------------------------------------------------- HTTP
class _LocalResponse(Response):
    default_mimetype = None  # a handler's answer without Content-Type stays without one


class _RequestHandler(WSGIRequestHandler):
    server: LocalServer

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it (werkzeug sends the 100 Continue otherwise)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > body_limit(urlsplit(self.path).path):
            response = too_large(urlsplit(self.path).path)
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(response.body)
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP (before any WSGI call): JSON instead of http.server's HTML page."""
        body = json.dumps({"message": message or self.responses.get(code, ("Error",))[0]}).encode()
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The WSGI app prints each request with its timing and function instead."""


class LocalServer(ThreadedWSGIServer):
    """werkzeug's threaded server on a socket listening with a real backlog, serving ``api``."""

    def __init__(self, address: tuple[str, int], api: LocalApi):
        self.api = api
        listener = socket.create_server(address, backlog=LISTEN_BACKLOG)  # OSError when the port is taken
        try:
            super().__init__(address[0], listener.getsockname()[1], self.wsgi_app, handler=_RequestHandler,
                             fd=listener.fileno())
        finally:
            listener.close()  # the server works on its own duplicate of the socket

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def wsgi_app(self, environ: dict, start_response: Callable) -> Any:
        started = time.perf_counter()
        request = Request(environ)
        request.max_content_length = body_limit(request.path)
        try:
            response = self._answer(request)
        except Exception:  # noqa: BLE001 - a bug here still answers JSON, and the traceback goes to stderr
            print(f"{request.method} {request.full_path} failed in the server:\n{traceback.format_exc()}",
                  file=sys.stderr, flush=True)
            response = gateway_error(500, "Internal server error", "InternalServerErrorException",
                                     path=_raw_path(request))
        if self.api.log_requests:
            print(f'{request.remote_addr} "{request.method} {request.full_path.rstrip("?")}" {response.status} '
                  f"{(time.perf_counter() - started) * 1000:.0f}ms {response.function or '-'}",
                  file=sys.stderr, flush=True)
        return _LocalResponse(response.body, status=response.status, headers=response.headers)(environ,
                                                                                              start_response)

    def _answer(self, request: Request) -> LocalResponse:
        try:
            body = request.get_data()  # chunked bodies too; over max_content_length raises
        except RequestEntityTooLarge:
            return too_large(_raw_path(request))  # werkzeug drains what the client still sends, then closes
        return self.api.dispatch(request.method, _raw_path(request), request.environ.get("QUERY_STRING", ""),
                                 list(request.headers.items()), body, source_ip=request.remote_addr or "127.0.0.1")


def _raw_path(request: Request) -> str:
    """The path as the client sent it: API Gateway passes it undecoded (werkzeug's PATH_INFO is decoded)."""
    target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    return (urlsplit(target).path if target else request.path) or "/"


def start_server(host: str = "127.0.0.1", port: int = 3000, api: LocalApi | None = None
                 ) -> tuple[LocalServer, threading.Thread]:
    """Serve in a daemon thread; ``port=0`` picks a free port (see ``server.base_url``).

    Stop with ``server.shutdown(); server.server_close()``.
    """
    server = LocalServer((host, port), api or LocalApi())
    thread = threading.Thread(target=server.serve_forever, name="contacthub-local", daemon=True)
    thread.start()
    return server, thread


_default_api: LocalApi | None = None


def invoke(method: str, path: str, headers: HeaderInput = None, body: Any = None,
           query: QueryInput = None) -> LocalResponse:
    """Call the template's handler for a request directly, through the same event and response mapping as HTTP."""
    global _default_api
    if _default_api is None:
        _default_api = LocalApi(log_requests=False)
    return _default_api.invoke(method, path, headers, body, query)

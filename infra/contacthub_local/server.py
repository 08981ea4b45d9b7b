"""Local API Gateway: serves every route of template.yaml with the very Lambda handler the template names.

Each request becomes an API Gateway REST proxy event (see ``events.py``) and goes to ``handler(event,
context)``; the proxy response comes back as HTTP, with API Gateway's answers for what never reaches a
function (unknown route, too large a body, a crashing handler). Each function behaves as one warm
container: imported on its first request, one invocation at a time (powertools resolvers keep the current
event on the app object, so two threads in one handler would mix requests up).
"""
from __future__ import annotations

import base64
import importlib
import json
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .events import HeaderInput, QueryInput, api_gateway_event
from .template import PROJECT_ROOT, Route, find_route, function_properties, routes, stage_name

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload quota
# An oversized body is read and dropped up to this size so the client gets to read the 413; beyond, we hang up.
_DRAIN_LIMIT = 8 * MAX_BODY_BYTES
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


def gateway_error(status: int, message: str, error_type: str, extra: dict[str, str] | None = None
                  ) -> LocalResponse:
    """An answer API Gateway gives on its own, in its JSON shape."""
    headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", error_type), *(extra or {}).items()]
    return LocalResponse(status, headers, json.dumps({"message": message}).encode())


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
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
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
        with self._guard:
            return self._locks.setdefault(function, threading.Lock())

    # ---------------------------------------------------------------- requests
    def dispatch(self, method: str, path: str, query: QueryInput, headers: HeaderInput, body: bytes | str | None,
                 source_ip: str = "127.0.0.1") -> LocalResponse:
        """Answer one request as API Gateway in front of the template's functions would."""
        route, found = find_route(method, path, self.routes)
        if route is None and found and method.upper() == "OPTIONS":
            # CORS preflight: API Gateway answers it itself (CrmApi's Cors setting), never the functions.
            from contacthub.api.cors import preflight_headers

            return LocalResponse(204, list(preflight_headers().items()), b"")
        if route is None:
            if found:
                return gateway_error(405, "Method Not Allowed", "MethodNotAllowedException",
                                     {"Allow": ", ".join(found)})
            return gateway_error(404, "Not Found", "NotFoundException")
        if body is not None and len(body) > MAX_BODY_BYTES:
            return gateway_error(413, "Request Too Long", "RequestTooLongException")
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
            response = gateway_error(502, "Internal server error", "InternalServerErrorException")
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


# -------------------------------------------------------------------- HTTP
class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalServer
    protocol_version = "HTTP/1.1"  # keep-alive; every response carries Content-Length
    server_version = "contacthub-local"

    def do_request(self) -> None:
        started = time.perf_counter()
        split = urlsplit(self.path)
        body = self._read_body()
        if body is None:
            response = gateway_error(413, "Request Too Long", "RequestTooLongException")
            self._send(response, close=True)
        else:
            response = self.server.api.dispatch(self.command, split.path or "/", split.query, self.headers.items(),
                                                body, source_ip=self.client_address[0])
            self._send(response)
        if self.server.api.log_requests:
            print(f'{self.client_address[0]} "{self.command} {self.path}" {response.status} '
                  f"{(time.perf_counter() - started) * 1000:.0f}ms {response.function or '-'}",
                  file=sys.stderr, flush=True)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_request

    def _declared_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        if value is None:
            return None
        try:
            return max(0, int(value))
        except ValueError:
            return 0

    def _read_body(self) -> bytes | None:
        """The request body, or None when it is over API Gateway's limit (then read and dropped)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                total += size
                if total > _DRAIN_LIMIT:
                    self.close_connection = True
                    return None
                chunk = self.rfile.read(size)
                if total <= MAX_BODY_BYTES:
                    chunks.append(chunk)
                self.rfile.readline()
            return b"".join(chunks) if total <= MAX_BODY_BYTES else None
        length = self._declared_length()
        if not length:
            return b""
        if length <= MAX_BODY_BYTES:
            return self.rfile.read(length)
        if length <= _DRAIN_LIMIT:
            remaining = length
            while remaining > 0:
                read = len(self.rfile.read(min(remaining, 1 << 20)) or b"")
                if not read:
                    break
                remaining -= read
        return None

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it."""
        length = self._declared_length()
        if length is not None and length > MAX_BODY_BYTES:
            self._send(gateway_error(413, "Request Too Long", "RequestTooLongException"), close=True)
            return False
        return super().handle_expect_100()

    def _send(self, response: LocalResponse, close: bool = False) -> None:
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """do_request prints each request with its timing and function instead."""


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: LocalApi):
        self.api = api
        super().__init__(address, _RequestHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


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

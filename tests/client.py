"""Invoke a Lambda handler the way API Gateway does, and read its answer like an HTTP client."""
from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from contacthub_local.events import api_gateway_event
from contacthub_local.template import find_route


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return jsonlib.loads(self.text) if self.text else None


class LambdaContext:
    function_name = "contacthub-test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:contacthub-test"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


class ApiClient:
    """Routes each request through template.yaml to the handler it names, as API Gateway would.

    Unlike the local server it does not queue requests (one at a time there), so tests can run truly concurrent
    calls.
    """

    def __init__(self, key: str | None = None, header: str = "Authorization"):
        self.key = key
        self.header = header

    def request(self, method: str, url: str, json: Any = None, body: str | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        import importlib

        parts = urlsplit(url)
        route, params = find_route(method, parts.path)
        assert route is not None, f"no template route for {method} {parts.path}"
        module, _, function = route.handler.rpartition(".")
        handler = getattr(importlib.import_module(module), function)
        all_headers = {"Accept": "application/json"}
        if self.key:
            all_headers[self.header] = f"Bearer {self.key}" if self.header == "Authorization" else self.key
        if json is not None:
            body = jsonlib.dumps(json)
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        event = api_gateway_event(method, parts.path, route.path, params, all_headers, parts.query or None, body,
                                  stage="test")
        result = handler(event, LambdaContext())
        headers_out = dict(result.get("headers") or {})
        for k, v in (result.get("multiValueHeaders") or {}).items():
            headers_out[k] = ", ".join(v)
        return Reply(result["statusCode"], headers_out, result.get("body") or "")

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)

    def patch(self, url, **kw):
        return self.request("PATCH", url, **kw)

    def put(self, url, **kw):
        return self.request("PUT", url, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)

"""CORS for browser frontends: the same headers on every answer of every function (REST and GraphQL).

API Gateway answers preflight OPTIONS requests itself (the `Cors` setting of CrmApi in template.yaml);
the functions add the allow-origin header to their own answers, including errors given before routing,
so a browser can read a 401 too. The origin comes from the `CorsAllowOrigin` template parameter; an
empty value turns CORS off. Keys travel in headers, never cookies, so credentials are not allowed.
"""
from __future__ import annotations

import os

ALLOW_HEADERS = "Authorization,Content-Type,Accept,X-Api-Key,If-Match,If-None-Match,Idempotency-Key"
ALLOW_METHODS = "GET,POST,PUT,PATCH,DELETE,OPTIONS"
EXPOSE_HEADERS = "X-Total-Count,Retry-After,ETag,Idempotent-Replayed,Location"


def response_headers() -> dict[str, str]:
    origin = os.environ.get("CORS_ALLOW_ORIGIN", "").strip()
    if not origin:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSE_HEADERS}


def preflight_headers() -> dict[str, str]:
    """What API Gateway's preflight answer carries (the local server mirrors it)."""
    headers = response_headers()
    if headers:
        headers.update({"Access-Control-Allow-Methods": ALLOW_METHODS,
                        "Access-Control-Allow-Headers": ALLOW_HEADERS, "Access-Control-Max-Age": "600"})
    return headers


def with_cors(result: dict) -> dict:
    """Add the CORS headers to an API Gateway proxy result (single- or multi-value headers)."""
    extra = response_headers()
    if not extra:
        return result
    if result.get("multiValueHeaders") is not None:
        multi = dict(result["multiValueHeaders"])
        for name, value in extra.items():
            multi.setdefault(name, [value])
        result["multiValueHeaders"] = multi
    else:
        result["headers"] = {**extra, **(result.get("headers") or {})}
    return result

"""Metrics and tracing around a Lambda entry point: requests, errors and latency per dialect and route.

Metrics are CloudWatch embedded metric format lines (powertools Metrics), one per request, with the dimensions
``dialect`` and ``route`` ("GET /api/contacts/{id}", the API Gateway resource, so ids do not multiply series).
The X-Ray Tracer (DynamoDB, SES and Bedrock subsegments through botocore) is created only where tracing is on:
on Lambda with Tracing: Active, not locally nor in tests, so they do not import the X-Ray SDK.
"""
from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict, Any], dict]

NAMESPACE_DEFAULT = "contacthub"


def _switched_off(variable: str) -> bool:
    return os.environ.get(variable, "false").strip().lower() in ("1", "true", "yes")


@functools.lru_cache(maxsize=1)
def _metrics():
    if _switched_off("POWERTOOLS_METRICS_DISABLED"):
        return None
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or NAMESPACE_DEFAULT)


def tracer():
    """The powertools Tracer on a deployed Lambda; None elsewhere (sam local, the local server, tests), where
    there is no X-Ray daemon and importing the X-Ray SDK would only slow the cold start."""
    if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or os.environ.get("AWS_SAM_LOCAL") \
            or _switched_off("POWERTOOLS_TRACE_DISABLED"):
        return None
    try:
        from aws_lambda_powertools import Tracer
    except ImportError:  # pragma: no cover - the X-Ray SDK ships with the runtime dependencies
        return None
    return Tracer(patch_modules=("botocore",))


def route_of(event: dict) -> str:
    """The route a proxy event reached, as its API Gateway resource ("POST /api/contacts")."""
    method = event.get("httpMethod") or event.get("requestContext", {}).get("httpMethod") or "?"
    return f"{method} {event.get('resource') or event.get('path') or '?'}"


def record(dialect: str, route: str, status: int, milliseconds: float) -> None:
    metrics = _metrics()
    if metrics is None:
        return
    from aws_lambda_powertools.metrics import MetricUnit

    metrics.add_dimension("dialect", dialect)
    metrics.add_dimension("route", route)
    metrics.add_metric("Requests", MetricUnit.Count, 1)
    metrics.add_metric("Errors", MetricUnit.Count, 1 if status >= 500 else 0)
    metrics.add_metric("ClientErrors", MetricUnit.Count, 1 if 400 <= status < 500 else 0)
    metrics.add_metric("Latency", MetricUnit.Milliseconds, round(milliseconds, 2))
    metrics.flush_metrics()  # one EMF line per request; clears the dimensions for the next


def observed(dialect: str) -> Callable[[Handler], Handler]:
    """Wraps a Lambda entry point: one metrics line per request, and an X-Ray segment where tracing is on."""
    def wrap(handler: Handler) -> Handler:
        traced = tracer()  # decided once, at init
        if traced is not None:
            handler = traced.capture_lambda_handler(handler, capture_response=False)

        @functools.wraps(handler)
        def observed_handler(event: dict, context: Any) -> dict:
            started = time.perf_counter()
            status = 500
            try:
                response = handler(event, context)
                status = int(response.get("statusCode", 200))
                return response
            finally:
                record(dialect, route_of(event), status, (time.perf_counter() - started) * 1000)
        return observed_handler
    return wrap

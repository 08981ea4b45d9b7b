"""API Gateway REST (v1) proxy events, shaped like ``sam local generate-event apigateway aws-proxy``.

The local server, the sample-event generator and the tests all build their events here, so a handler
sees locally exactly the event it gets behind API Gateway.
"""
from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl

ACCOUNT_ID = "123456789012"
API_ID = "1234567890"
RESOURCE_ID = "123456"
DEFAULT_STAGE = "prod"

HeaderInput = Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str]] | None
QueryInput = str | Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str]] | None


def _pairs(values) -> list[tuple[str, str]]:
    """Normalise a mapping (str or list values) or a sequence of pairs to a list of (name, value)."""
    if not values:
        return []
    items = values.items() if isinstance(values, Mapping) else values
    pairs = []
    for name, value in items:
        if isinstance(value, (list, tuple)):
            pairs.extend((name, str(v)) for v in value)
        else:
            pairs.append((name, str(value)))
    return pairs


def _single_and_multi(pairs: list[tuple[str, str]]) -> tuple[dict | None, dict | None]:
    """API Gateway gives the last value of a repeated name in the single-value map, all of them in the other."""
    if not pairs:
        return None, None
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    return {name: values[-1] for name, values in multi.items()}, multi


def encode_body(body: str | bytes | None) -> tuple[str | None, bool]:
    """(body, isBase64Encoded): text as is, bytes that are not UTF-8 as base64, nothing as None."""
    if body is None or body in (b"", ""):
        return None, False
    if isinstance(body, str):
        return body, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def api_gateway_event(
    method: str,
    path: str,
    resource: str | None = None,
    path_params: Mapping[str, str] | None = None,
    headers: HeaderInput = None,
    query: QueryInput = None,
    body: str | bytes | None = None,
    *,
    stage: str = DEFAULT_STAGE,
    source_ip: str = "127.0.0.1",
    request_id: str | None = None,
    request_time_epoch_ms: int | None = None,
    stage_variables: Mapping[str, str] | None = None,
) -> dict:
    """A REST API Lambda proxy integration event.

    ``path`` is the request path without stage or query string; ``resource`` the template path
    (``/api/contacts/{id}``). ``query`` may be a raw query string. Path parameters stay URL-encoded, as
    API Gateway leaves them.
    """
    method = method.upper()
    resource = resource or path
    header_pairs = _pairs(headers)
    query_pairs = parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else _pairs(query)
    single_headers, multi_headers = _single_and_multi(header_pairs)
    single_query, multi_query = _single_and_multi(query_pairs)
    encoded, is_base64 = encode_body(body)
    epoch_ms = request_time_epoch_ms if request_time_epoch_ms is not None else int(time.time() * 1000)
    request_time = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    lower = {name.lower(): value for name, value in header_pairs}
    host = lower.get("host", f"{API_ID}.execute-api.us-east-1.amazonaws.com")
    request_id = request_id or str(uuid.uuid4())
    return {
        "body": encoded,
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "isBase64Encoded": is_base64,
        "queryStringParameters": single_query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": dict(path_params) if path_params else None,
        "stageVariables": dict(stage_variables) if stage_variables else None,
        "headers": single_headers or {},
        "multiValueHeaders": multi_headers or {},
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "resourceId": RESOURCE_ID,
            "stage": stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": request_time,
            "requestTimeEpoch": epoch_ms,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "accessKey": None,
                "sourceIp": source_ip,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": lower.get("user-agent"),
                "user": None,
            },
            "domainName": host,
            "path": f"/{stage}{path}",
            "resourcePath": resource,
            "httpMethod": method,
            "apiId": API_ID,
            "protocol": "HTTP/1.1",
        },
    }

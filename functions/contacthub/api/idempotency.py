"""`Idempotency-Key` on every POST, PUT and PATCH of every REST dialect (IETF httpapi idempotency-key draft).

Applied once around a dialect's resolver, so no route can forget it. The key is scoped to the workspace, the
method and the path; the fingerprint is the body (and query), so reusing a key for another request is refused.
A replay answers the stored status, headers and body with `Idempotent-Replayed: true`; a 5xx is not stored.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable

from ..domain.errors import ValidationFailed
from ..domain.workspace import Principal

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
METHODS = {"POST", "PUT", "PATCH"}
MAX_KEY_LENGTH = 255


def _header(event: dict, name: str) -> str | None:
    wanted = name.lower()
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == wanted and value is not None:
            return value
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted and values:
            return values[0]
    return None


def _fingerprint(event: dict) -> str:
    query = sorted((event.get("queryStringParameters") or {}).items())
    content = json.dumps([event.get("body") or "", bool(event.get("isBase64Encoded")), query])
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def add_header(result: dict, name: str, value: str) -> dict:
    """A proxy result with one more header, in whichever form (single- or multi-value) it uses."""
    result = dict(result)
    if result.get("multiValueHeaders") is not None:
        result["multiValueHeaders"] = {**result["multiValueHeaders"], name: [value]}
    else:
        result["headers"] = {**(result.get("headers") or {}), name: value}
    return result


def resolve_once(event: dict, principal: Principal, resolve: Callable[[dict], dict]) -> dict:
    """``resolve(event)``, at most once per idempotency key when the request carries one."""
    method = (event.get("httpMethod") or "").upper()
    key = _header(event, HEADER)
    if method not in METHODS or key is None:
        return resolve(event)
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed.one(HEADER, f"An idempotency key is 1 to {MAX_KEY_LENGTH} printable characters.",
                                   "invalid_idempotency_key")
    from ..wiring import services

    scoped = "#".join((principal.workspace_id, method, event.get("path") or "", key))
    result, replayed = services().requests.run(scoped, _fingerprint(event), lambda: resolve(event),
                                               keep=lambda answer: int(answer.get("statusCode", 500)) < 500)
    return add_header(result, REPLAYED, "true") if replayed else result

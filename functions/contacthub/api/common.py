"""Plumbing every REST dialect shares: request guards, authentication, error rendering, parsing helpers.

A dialect supplies a `Dialect` (how its errors look, which status each domain error gets, how canonical
field names read on its wire); everything else is here, once.
"""
from __future__ import annotations

import base64
import json
from urllib.parse import urlencode
from dataclasses import dataclass, field
from typing import Any, Callable

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from ..domain import messages
from ..domain.errors import (
    Conflict,
    DomainError,
    EmailTaken,
    Gone,
    IdempotencyKeyReused,
    InvalidCursor,
    MergedAway,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
    Violation,
)
from ..domain.workspace import Principal
from .body import MalformedBody, decode_json, decode_object
from .cors import with_cors
from .idempotency import resolve_once
from .observability import observed
from .validation import LeanValidationResolver
from ..snapstart import on_snapshot, prime_store

logger = Logger(service="contacthub")

MAX_BODY_BYTES = 256 * 1024
# Request properties that wrap a set of resource fields: violations inside them use wire names too.
ENVELOPES = ("overrides",)
BODY_METHODS = {"POST", "PUT", "PATCH"}


class BadRequest(DomainError):
    """Malformed request (syntax, content type): 400 in every dialect."""

    def __init__(self, message: str, status: int = 400):
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class Problem:
    """A dialect-neutral description of an error response."""

    status: int
    message: str
    violations: list[Violation] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    existing_id: str | None = None  # a uniqueness conflict: the resource that has the value (its wire id)
    merged_into: str | None = None  # a write through a merged contact's id: the survivor's UUID


@dataclass(frozen=True)
class Dialect:
    name: str
    content_type: str
    render: Callable[[Problem], dict]  # Problem -> JSON body
    validation_status: int = 422
    field_names: dict[str, str] = field(default_factory=dict)  # canonical -> wire
    json_content_types: tuple[str, ...] = ("application/json",)
    api_key_headers: tuple[str, ...] = ("x-api-key",)
    error_schema: dict[str, Any] = field(default_factory=dict)  # JSON Schema of `render`'s answers (API reference)

    @property
    def media_type(self) -> str:
        """The content type of its answers without parameters (`application/ld+json`)."""
        return self.content_type.split(";")[0].strip()

    def wire_path(self, path: str) -> str:
        head, sep, rest = path.partition(".")
        bracket = head.find("[")
        name, suffix = (head[:bracket], head[bracket:]) if bracket >= 0 else (head, "")
        if name in ENVELOPES and rest:
            rest = self.wire_path(rest)  # "overrides.linkedin_url" -> "overrides.linkedinUrl"
        return self.field_names.get(name, name) + suffix + sep + rest

    def problem_for(self, error: Exception) -> Problem:
        """The one map from domain errors to HTTP statuses."""
        if isinstance(error, ValidationFailed):
            violations = [Violation(self.wire_path(v.path), v.message, v.code) for v in error.violations]
            status = 400 if isinstance(error, InvalidCursor) else self.validation_status
            return Problem(status, _describe(violations), violations)
        if isinstance(error, BadRequest):
            return Problem(error.status, str(error))
        if isinstance(error, MergedAway):
            return Problem(404, "Not Found", merged_into=error.survivor_id)
        if isinstance(error, NotFound):
            return Problem(404, "Not Found")
        if isinstance(error, Unauthorized):
            return Problem(401, str(error), headers={"WWW-Authenticate": "Bearer"})
        if isinstance(error, IdempotencyKeyReused):
            return Problem(422, str(error))
        if isinstance(error, PreconditionFailed):
            return Problem(412, str(error))
        if isinstance(error, EmailTaken):
            return Problem(409, f"{error}: {error.email}", existing_id=self.contact_id(error))
        if isinstance(error, Conflict):
            return Problem(409, str(error))
        if isinstance(error, Gone):
            return Problem(410, str(error))
        if isinstance(error, ServiceUnavailable):
            return Problem(503, str(error), headers={"Retry-After": str(error.retry_after)})
        if isinstance(error, TooManyRequests):
            return Problem(429, str(error), headers={"Retry-After": str(error.retry_after)})
        return Problem(500, "Internal Server Error")

    def contact_id(self, error: EmailTaken) -> str:
        """How this dialect names the contact that has the address (a UUID unless it uses numbers)."""
        return error.contact_id

    def response(self, problem: Problem) -> Response:
        return Response(problem.status, self.content_type, json.dumps(self.render(problem)),
                        headers=problem.headers or None)

    def proxy_response(self, problem: Problem) -> dict:
        """The same error as a raw API Gateway proxy result (for failures before routing)."""
        return {"statusCode": problem.status, "headers": {"Content-Type": self.content_type, **problem.headers},
                "body": json.dumps(self.render(problem)), "isBase64Encoded": False}


def _describe(violations: list[Violation]) -> str:
    return "\n".join(f"{v.path}: {v.message}" if v.path else v.message for v in violations)


def violations_from_pydantic(error: RequestValidationError) -> list[Violation] | None:
    """Pydantic errors as violations, or None when the body is not JSON at all."""
    violations = []
    for err in error.errors():
        loc = list(err.get("loc", ()))
        if err.get("type") == "json_invalid" or loc == ["body"]:
            return None
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = {
            "missing": messages.BLANK,
            "extra_forbidden": messages.READ_ONLY,
        }.get(err.get("type"), err.get("msg", "Invalid value."))
        violations.append(Violation(path, message, err.get("type", "invalid")))
    return violations


def install(app: APIGatewayRestResolver, dialect: Dialect) -> None:
    """Register the dialect's error responses on its resolver: routes never catch expected errors."""

    @app.exception_handler(DomainError)
    def domain_error(error: DomainError):
        return dialect.response(dialect.problem_for(error))

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError):
        violations = violations_from_pydantic(error)
        if violations is None:
            return dialect.response(Problem(400, _body_syntax_message(app.current_event.body)))
        violations = [Violation(dialect.wire_path(v.path), v.message, v.code) for v in violations]
        return dialect.response(Problem(dialect.validation_status, _describe(violations), violations))

    @app.exception_handler(RecursionError)
    def too_deep(_error: RecursionError):
        # json.loads recurses once per nesting level: a body like [[[[...]]]] exhausts the stack while parsing.
        return dialect.response(Problem(400, "Syntax error: the request body is nested too deeply"))

    @app.not_found
    def not_found(_error):
        return dialect.response(Problem(404, "No route found for this method and path"))

    @app.exception_handler(Exception)
    def unexpected(error: Exception):
        logger.exception("Unhandled error", extra={"dialect": dialect.name})
        return dialect.response(Problem(500, "Internal Server Error"))


def _body_syntax_message(body: str | None) -> str:
    if body is None or not body.strip():
        return "Syntax error: the request body is empty; a JSON object is expected"
    return "Syntax error: the request body is not a valid JSON object"


def guard(event: dict, dialect: Dialect) -> Principal:
    """Checks made before routing: body size, content type, then the API key. Raises DomainError."""
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") and body else body.encode("utf-8")
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(f"Request body too large (limit {MAX_BODY_BYTES} bytes)", status=413)
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items() if v is not None}
    principal = authenticate(headers, dialect)
    if event.get("httpMethod", "").upper() in BODY_METHODS and body:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and content_type not in dialect.json_content_types:
            allowed = ", ".join(f'"{t}"' for t in dialect.json_content_types)
            raise BadRequest(f'The content-type "{content_type}" is not supported. Supported MIME types are '
                             f"{allowed}.", status=415)
        # Decoded here, once for every route: powertools would keep the first element of an array body and
        # fail with a 500 on integer literals Python refuses to convert. Every documented body is an object.
        try:
            decode_object(raw)  # API Gateway base64-encodes bytes that are not text; JSON is always UTF-8
        except MalformedBody as error:
            raise BadRequest(str(error)) from None
    return principal


def authenticate(headers: dict[str, str], dialect: Dialect) -> Principal:
    from ..wiring import rate_limiter, services
    from .credentials import api_key

    principal = services().workspaces.authenticate(api_key(headers, dialect.api_key_headers))
    rate_limiter().hit(principal.workspace_id)
    return principal


def build_api(dialect: Dialect, *routers) -> tuple[APIGatewayRestResolver, Callable[[dict, Any], dict]]:
    """A dialect's resolver (validation on, so pydantic wire models also feed its OpenAPI document; plain reads
    are validated without pydantic, see .validation) and its Lambda entry point. Routers are tried in the order
    given; literal paths beat parameters anyway."""
    app = LeanValidationResolver()
    for router in routers:
        app.include_router(router)
    install(app, dialect)
    app.dialect = dialect  # type: ignore[attr-defined]  # read by the OpenAPI generator
    return app, make_handler(app, dialect)


def make_handler(app: APIGatewayRestResolver, dialect: Dialect):
    """The Lambda entry point of a dialect: guard, then route."""
    on_snapshot(prime_store)

    @observed(dialect.name)
    @logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
    def lambda_handler(event: dict, context: Any) -> dict:
        try:
            principal = guard(event, dialect)
        except DomainError as error:
            return with_cors(dialect.proxy_response(dialect.problem_for(error)))
        except Exception:
            logger.exception("Unhandled error before routing")
            return with_cors(dialect.proxy_response(Problem(500, "Internal Server Error")))
        logger.append_keys(workspace_id=principal.workspace_id, key_prefix=principal.key_prefix)
        app.append_context(principal=principal)
        try:
            return with_cors(resolve_once(event, principal,
                                          lambda sent: app.resolve(_json_content_type(sent), context)))
        except DomainError as error:  # the idempotency key's own failures (reused, in progress, unavailable)
            return with_cors(dialect.proxy_response(dialect.problem_for(error)))

    return lambda_handler


def _json_content_type(event: dict) -> dict:
    """powertools validates bodies of `application/json` only; the guard has already accepted the dialect's
    other JSON types (ld+json, merge-patch+json), so present them as that rather than fail with a 500.
    The guard checks the type of non-empty bodies only: with no body, any declared type is moot."""
    blank = not (event.get("body") or "").strip()

    def plain(name: str, value):
        if name.lower() != "content-type" or not value:
            return value
        if isinstance(value, list):
            return [plain(name, v) for v in value]
        media = value.split(";")[0].strip().lower()
        json_type = media.startswith("application/") and media.endswith("json")
        return "application/json" if json_type or blank else value

    changed = dict(event)
    for key in ("headers", "multiValueHeaders"):
        if event.get(key):
            changed[key] = {name: plain(name, value) for name, value in event[key].items()}
    return changed


def principal(router) -> Principal:
    return router.context["principal"]


def json_body(router) -> Any:
    """The request body as JSON (for routes whose body is not one pydantic model); 400 when it isn't."""
    raw = router.current_event.body
    try:
        return decode_json(raw or "")
    except MalformedBody as error:
        raise BadRequest(str(error)) from None


def parse(model, data: Any):
    """Validate already-decoded JSON against a wire model; errors become violations like any other."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed(violations_from_pydantic(RequestValidationError(error.errors())) or []) from None


def next_link(event: Any, cursor: str) -> str:
    """An RFC 8288 ``Link`` header value to the same listing continued at ``cursor`` (page numbers dropped)."""
    query = {k: v for k, v in (event.query_string_parameters or {}).items() if k not in ("page", "cursor")}
    return f'<{event.path}?{urlencode({**query, "cursor": cursor})}>; rel="next"'

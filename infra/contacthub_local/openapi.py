"""OpenAPI documents of the REST dialects, generated from the code (powertools routes + pydantic models).

The checked-in copies under docs/api/ are the API reference; tests/unit/test_api_reference.py fails when
they drift from the code. Regenerate with `contacthub openapi --write`.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

from .template import PROJECT_ROOT, routes

DOCS_DIR = PROJECT_ROOT / "docs" / "api"
TITLES = {
    "letsligo": "contacthub - letsligo-compatible API (contacts, pipeline states, tasks)",
    "skarbe": "contacthub - skarbe-compatible \"connect\" API",
    "whautomate": "contacthub - whautomate-compatible \"v1\" API",
}


def rest_dialects() -> dict[str, str]:
    """Dialect name -> handler module, for every REST function in template.yaml."""
    found = {}
    for route in routes():
        module = route.handler.rpartition(".")[0]
        parts = module.split(".")
        if parts[:2] == ["contacthub", "api"] and len(parts) >= 3:
            found[parts[2]] = module
    return dict(sorted(found.items()))


def document(dialect: str, module: str) -> dict:
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer

    app = importlib.import_module(module).app
    schema = app.get_openapi_json_schema(
        title=TITLES.get(dialect, f"contacthub - {dialect}"),
        version=_version(),
        description="Generated from the code; see README.md for authentication and conventions.",
        security_schemes={
            "bearer": HTTPBearer(description="Authorization: Bearer <API key>"),
            "apiKey": APIKey(name="X-Api-Key", **{"in": APIKeyIn.header}),
        },
        security=[{"bearer": []}, {"apiKey": []}],
    )
    return _with_http_semantics(_with_dialect_errors(json.loads(schema), app.dialect))


def _with_dialect_errors(doc: dict, dialect) -> dict:
    """powertools documents validation failures as 422 HTTPValidationError; say what the dialect answers."""
    for operation in (op for item in doc.get("paths", {}).values() for op in item.values()):
        responses = operation.get("responses", {})
        if "422" in responses:
            responses.pop("422")
            responses[str(dialect.validation_status)] = {
                "description": "Invalid input, in the dialect's own error shape"}
    schemas = doc.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ResponseValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(doc["paths"]):
            schemas.pop(name, None)
    return doc


_PARAMETERS = {
    "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                       "description": "Run this request once: a retry with the same key and body answers the "
                                      "stored response (kept 24 hours) with `Idempotent-Replayed: true`."},
    "IfMatch": {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
                "description": "Write only if the resource still has this ETag (else 412, nothing written)."},
    "IfNoneMatch": {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                    "description": "Answer 304 with no body when the resource still has this ETag."},
}
_HEADERS = {
    "ETag": {"description": "The resource's version, for If-Match and If-None-Match.",
             "schema": {"type": "string", "example": '"v3"'}},
    "IdempotentReplayed": {"description": "Present on a replay: this is the stored response of an earlier "
                                          "request with the same Idempotency-Key.",
                           "schema": {"type": "string", "enum": ["true"]}},
}
_HEADER_NAMES = {"ETag": "ETag", "IdempotentReplayed": "Idempotent-Replayed"}
_STATUSES = {
    "304": "Not modified: the resource still has the If-None-Match ETag (no body)",
    "409": "A request with this Idempotency-Key is still in progress, or a concurrent write won; retry",
    "412": "Precondition failed: the resource no longer has the If-Match ETag; nothing was written",
    "422": "This Idempotency-Key was already used with another request",
}


def _with_http_semantics(doc: dict) -> dict:
    """Idempotency keys on every POST, PUT and PATCH; ETags and conditions on versioned resources."""
    from contacthub.api.conditional import TAGGED_CREATES, VERSIONED_PATHS

    def ref(kind: str, name: str) -> dict:
        return {"$ref": f"#/components/{kind}/{name}"}

    def respond(operation: dict, status: str) -> None:
        responses = operation.setdefault("responses", {})
        if status in responses:
            description = responses[status].get("description", "")
            if _STATUSES[status] not in description:
                responses[status]["description"] = f"{description}; or: {_STATUSES[status]}" if description \
                    else _STATUSES[status]
        else:
            shape = "" if status == "304" else ", in the dialect's own error shape"
            responses[status] = {"description": _STATUSES[status] + shape}

    def success_header(operation: dict, header: str) -> None:
        for status, response in operation.get("responses", {}).items():
            if status.startswith("2") and status != "204":
                response.setdefault("headers", {})[_HEADER_NAMES[header]] = ref("headers", header)

    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            parameters = operation.setdefault("parameters", [])
            if method in ("post", "put", "patch"):
                parameters.append(ref("parameters", "IdempotencyKey"))
                success_header(operation, "IdempotentReplayed")
                respond(operation, "409")
                respond(operation, "422")
            versioned = path in VERSIONED_PATHS
            if versioned and method == "get":
                parameters.append(ref("parameters", "IfNoneMatch"))
                success_header(operation, "ETag")
                respond(operation, "304")
            elif versioned and method in ("put", "patch", "delete"):
                parameters.append(ref("parameters", "IfMatch"))
                success_header(operation, "ETag")
                respond(operation, "412")
            elif method == "post" and path in TAGGED_CREATES:
                success_header(operation, "ETag")
            if not parameters:
                operation.pop("parameters")
    components = doc.setdefault("components", {})
    components.setdefault("parameters", {}).update(_PARAMETERS)
    components.setdefault("headers", {}).update(_HEADERS)
    return doc


def _version() -> str:
    import tomllib

    with open(PROJECT_ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def path_for(dialect: str) -> Path:
    return DOCS_DIR / f"{dialect}.openapi.json"


def render(doc: dict) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_all() -> list[Path]:
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for dialect, module in rest_dialects().items():
        path = path_for(dialect)
        path.write_text(render(document(dialect, module)), encoding="utf-8")
        written.append(path)
    return written


def _configure(parser) -> None:
    parser.add_argument("--write", action="store_true", help="rewrite docs/api/*.openapi.json from the code")


def _register() -> None:
    from .cli import subcommand

    @subcommand("openapi", "Generate the OpenAPI document of every REST dialect (docs/api/).", _configure)
    def openapi_command(args) -> int:
        if args.write:
            for path in write_all():
                print(f"wrote {path.relative_to(PROJECT_ROOT)}")
            return 0
        stale = [d for d, m in rest_dialects().items()
                 if not path_for(d).exists() or path_for(d).read_text(encoding="utf-8") != render(document(d, m))]
        for dialect in stale:
            print(f"{path_for(dialect).relative_to(PROJECT_ROOT)} is out of date", file=__import__("sys").stderr)
        return 1 if stale else 0


_register()

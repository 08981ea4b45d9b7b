"""Answer DynamoDB calls to moto without moto's HTTP emulation and generic response serializer.

With ``mock_aws`` a boto3 or pynamodb call to DynamoDB goes: botocore builds and signs an HTTP request,
moto's ``BotocoreStubber`` (a ``before-send`` handler) matches its URL against every service, builds a
werkzeug request, ``BaseResponse.setup_class`` re-parses URL, headers and body, ``call_action`` lists the
handler's methods with ``inspect`` and runs the action, and the result goes through moto 5.2's generic,
shape-walking response serializer before botocore parses it back. For one Query returning 50 contacts the
serializer alone took 80% of the call; the routing and re-parsing cost about a millisecond per call.

:func:`install` answers the data-plane operations (:data:`DIRECT_OPERATIONS`) by running the very
``DynamoHandler`` action moto would, with the parameters parsed by moto's own request parser, and answers
successes as ``json.dumps`` of the action's result (the generic serializer's output, and botocore's parse of
it, are the same; ``tests/unit/test_moto_dispatch_parity.py`` compares both ways call by call, errors
included). It does so at botocore's ``before-call`` event, registered last so that any other handler answering
there (the stale-reads fault mode) comes first: botocore still validates and serializes the parameters, parses
the answer with its own parser, emits ``after-call`` (meters) and raises errors, but builds, signs and sends no
HTTP request. Clients of sessions created before :func:`install` get the same answer one step later, in moto's
patched ``BotocoreStubber.process_request``. Errors are serialized by moto's own serializer; any other
operation, moto's IAM checks or request recorder when switched on, a passthrough or non-AWS endpoint: all take
moto's own path. :func:`install` refuses any moto but the one this was written against.
"""
from __future__ import annotations

import base64
import hashlib
import inspect
import json
from datetime import datetime
from typing import Any

import moto

WRITTEN_FOR_MOTO = "5.2.5"

# Operations answered directly: the item reads and writes a request path makes. Table management, streams,
# backups and the rest take moto's own path.
DIRECT_OPERATIONS = frozenset({
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
    "TransactGetItems", "TransactWriteItems",
})

# sha256 of the source of every moto function whose behaviour the direct path reproduces.
_EXPECTED_SOURCES = {
    "moto.core.botocore_stubber.BotocoreStubber.process_request":
        "f79a1a778c7e755f0c7f234cdab9e36312ed2b16d7051baf06b04872f79dd5b2",
    "moto.core.responses.BaseResponse.setup_class":
        "0045fc77574abb17a3a09f5d6eddbf7713785ad7b348622f3a37162b1bebcab8",
    "moto.core.responses.BaseResponse.parse_parameters":
        "fd3d04c9194814f4f8dd755aa8eedae7155fbef66a1421cb934be8ce8f2c7b59",
    "moto.core.responses.BaseResponse.call_action":
        "26076963fd17fd1a40be642032b5a8d90f159c19d01b80a5f0b0c839770ee0d6",
    "moto.core.responses.BaseResponse.serialized":
        "af486a0ef132716231d3a6484c32ae91a54b40fbc1d24fff01c78c813d251110",
    "moto.core.responses.ActionResult.execute_result":
        "6333faa349b58671258985778d2aaf02d31e0617aae380442e4c683c36ab248d",
    "moto.dynamodb.responses.DynamoHandler.call_action":
        "ce5f57cf83cde3400fa73a201929d18af92aaba2bb301d4d74609a1467b8daaf",
    "moto.dynamodb.responses.DynamoResult.__init__":
        "e2394775cd5ef6ad00a9de7afdea2b54f753ea2dfcb11ecabe1acc80497cda35",
}


class IncompatibleMoto(RuntimeError):
    """The installed moto is not the one the direct path was written and tested against."""


_state: dict[str, Any] = {}
_EVENT = "before-call.dynamodb"


def _fingerprint(path: str) -> str:
    from .scalable_moto import _resolve

    function = _state["process_request"] if path.endswith(".process_request") and installed() else _resolve(path)
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def check_compatible() -> None:
    version = getattr(moto, "__version__", None)
    if version != WRITTEN_FOR_MOTO:
        raise IncompatibleMoto(
            f"scalable_moto_dispatch mirrors moto {WRITTEN_FOR_MOTO}'s request handling, but moto {version} is "
            "installed: review it against the new moto and update WRITTEN_FOR_MOTO and the fingerprints")
    from .scalable_moto import source_problems

    problems = source_problems(_EXPECTED_SOURCES, _fingerprint)
    if problems:
        raise IncompatibleMoto("scalable_moto_dispatch: moto's request handling differs from the one it was "
                               "written for:\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------------- the direct path
def _json_default(value: Any) -> Any:
    """What moto's JSON serializer writes for the non-JSON values a DynamoDB result holds."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} in a DynamoDB result")


def _eligible(request: Any) -> str | None:
    """The operation to answer directly, or None for moto's own path."""
    from moto import settings
    from moto.core.botocore_stubber import passthrough_service, passthrough_url
    from moto.moto_api import recorder

    if settings.INITIAL_NO_AUTH_ACTION_COUNT != float("inf"):
        return None
    if getattr(recorder, "_user_enabled", False):
        return None
    url = request.url
    if not url.startswith("https://dynamodb.") or ".amazonaws.com" not in url:
        return None  # a custom endpoint (DynamoDB Local) or an ISO partition: moto decides
    if passthrough_url(url.split("?", 1)[0]) or passthrough_service("dynamodb"):
        return None
    target = request.headers.get("X-Amz-Target")
    if isinstance(target, bytes):
        target = target.decode("ascii")
    operation = target.rpartition(".")[2] if target else ""
    return operation if operation in DIRECT_OPERATIONS else None


def _answer(request: Any, operation: str) -> tuple[int, dict[str, str], str]:
    """moto's DynamoHandler action for `operation`, as moto's dispatch would run it."""
    from moto.core.exceptions import ServiceException
    from moto.core.utils import get_service_model
    from moto.core.parse import PROTOCOL_PARSERS
    from moto.core.responses import ActionResult
    from moto.dynamodb.responses import DynamoHandler
    from moto.iam.models import mark_account_as_visited
    from moto.utilities.aws_headers import gen_amz_crc32, gen_amzn_requestid_long
    from werkzeug.exceptions import HTTPException

    handler = DynamoHandler()
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
    body = request.body or b""
    if not isinstance(body, bytes):
        body = body.read() if hasattr(body, "read") else str(body).encode()
    # What setup_class sets and the DynamoDB actions read.
    handler.headers = headers
    handler.querystring = {}
    handler.uri_match = {}
    handler.method = "POST"
    handler.raw_body = body
    handler.response_headers = {"server": "amazon.com"}
    handler.region = handler.get_region_from_url(_HeadersOnly(headers), request.url)
    signing_key = getattr(request, "access_key", None)
    if signing_key:  # unsigned at before-call: the key it would have been signed with (moto maps keys to accounts)
        handler.get_access_key = lambda: signing_key  # type: ignore[method-assign]
    handler.access_key = handler.get_access_key()
    handler.current_account = handler.get_current_account()
    mark_account_as_visited(account_id=handler.current_account, access_key=handler.access_key,
                            service="dynamodb", region=handler.region)
    operation_model = get_service_model("dynamodb").operation_model(operation)
    parser = PROTOCOL_PARSERS["json"](operation_model, map_type=handler.PROTOCOL_PARSER_MAP_TYPE)
    handler.params = parser.parse({"method": "POST", "values": {}, "headers": headers, "body": body,
                                   "url_path": "/", "url_params": {}})
    handler.body = handler.params
    try:
        result = getattr(handler, _ACTIONS[operation])()
    except ServiceException as error:
        status, response_headers, text = handler.serialized(ActionResult(error))
    except HTTPException as error:
        response_headers = dict(error.get_headers() or [])
        status, text = int(error.code or 500), error.description or ""
    else:
        if not isinstance(result, ActionResult):  # not an action this path knows: moto's rules
            raise TypeError(f"moto's {operation} answered {type(result).__name__}")
        status, text = 200, json.dumps(result.result, default=_json_default, separators=(",", ":"))
        response_headers = {**handler.response_headers, "Content-Type": "application/x-amz-json-1.0"}
    response_headers = {k: str(v) for k, v in response_headers.items() if k != "status"}
    gen_amz_crc32(text, response_headers)
    gen_amzn_requestid_long(response_headers)
    return status, response_headers, text


_ACTIONS = {
    "GetItem": "get_item", "PutItem": "put_item", "UpdateItem": "update_item", "DeleteItem": "delete_item",
    "Query": "query", "Scan": "scan", "BatchGetItem": "batch_get_item", "BatchWriteItem": "batch_write_item",
    "TransactGetItems": "transact_get_items", "TransactWriteItems": "transact_write_items",
}


class _HeadersOnly:
    """What ``get_region_from_url`` reads of a request: its headers."""

    def __init__(self, headers: dict[str, str]):
        self.headers = headers


def _process_request(self: Any, request: Any) -> Any:
    """moto's ``BotocoreStubber.process_request``, answering eligible DynamoDB calls directly."""
    operation = _eligible(request)
    if operation is None:
        return _state["process_request"](self, request)
    return _answer(request, operation)


class _Prepared:
    """What :func:`_eligible` and :func:`_answer` read of a request, from botocore's request dict."""

    def __init__(self, request_dict: dict[str, Any], request_signer: Any):
        self.url = request_dict["url"]
        self.headers = request_dict["headers"]
        self.body = request_dict["body"]
        credentials = getattr(request_signer, "_credentials", None)
        self.access_key = credentials.get_frozen_credentials().access_key if credentials is not None else None


def _before_call(model: Any, params: dict[str, Any], request_signer: Any = None, **_: Any) -> Any:
    """botocore's ``before-call`` short cut (registered last, after any other handler that answers): the
    answer without building, signing and sending an HTTP request. Parsed by botocore's own parser, with the
    modeled fields of an error added as its endpoint adds them."""
    if not installed():
        return None
    from moto.core.models import botocore_stubber

    if not botocore_stubber.enabled:
        return None
    request = _Prepared(params, request_signer)
    operation = _eligible(request)
    if operation is None:
        return None
    from botocore.awsrequest import AWSResponse
    from botocore.parsers import create_parser
    from moto.core.botocore_stubber import MockRawResponse

    status, headers, text = _answer(request, operation)
    body = text.encode("utf-8")
    http = AWSResponse(request.url, status, headers, MockRawResponse(body))  # type: ignore[arg-type]
    response = {"headers": http.headers, "status_code": status, "body": body,
                "context": {"operation_name": model.name}}
    parser = _state.get("parser") or _state.setdefault("parser", create_parser("json"))
    parsed = parser.parse(response, model.output_shape)
    if status >= 300:
        error_shape = model.service_model.shape_for_error_code(parsed.get("Error", {}).get("Code"))
        if error_shape is not None:
            parsed.update(parser.parse(response, error_shape))
    parsed.setdefault("ResponseMetadata", {})["RetryAttempts"] = 0
    return http, parsed


# ---------------------------------------------------------------------------------- install
def installed() -> bool:
    return "process_request" in _state


def install() -> None:
    """Answer DynamoDB data-plane calls directly from now on (idempotent): at botocore's ``before-call`` in
    sessions created from now on (and boto3's default one), and in moto's ``before-send`` handler for the
    others."""
    if installed():
        return
    check_compatible()
    from botocore import handlers
    from moto.core.botocore_stubber import BotocoreStubber

    _state["process_request"] = BotocoreStubber.process_request
    BotocoreStubber.process_request = _process_request
    if not any(spec[:2] == (_EVENT, _before_call) for spec in handlers.BUILTIN_HANDLERS):
        handlers.BUILTIN_HANDLERS.append((_EVENT, _before_call, handlers.REGISTER_LAST))
    import boto3

    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION.events.register_last(_EVENT, _before_call, unique_id="contacthub-direct-dynamodb")


def uninstall() -> None:
    """Back to moto's own path (the ``before-call`` handler stays registered, and inert)."""
    if not installed():
        return
    from moto.core.botocore_stubber import BotocoreStubber

    BotocoreStubber.process_request = _state.pop("process_request")

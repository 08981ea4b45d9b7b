"""Serve eventually consistent DynamoDB reads stale, as real DynamoDB may (tests only; never runtime code).

moto answers every read from the present, so it hides read-your-writes bugs. Inside ``stale_reads(lag_ms)``
every read that DynamoDB serves eventually consistently answers with the data as it was ``lag_ms``
milliseconds earlier: GetItem, BatchGetItem (per table), Query and Scan without ``ConsistentRead=True``, and
every Query or Scan of a secondary index (an index can never be read consistently). Strongly consistent
base-table reads and TransactGetItems see the present. ``lag_ms=None`` (or ``math.inf``) never catches up:
the harshest mode, and deterministic.

    with mock_aws(), serialized_aws_calls():
        create_tables()
        with stale_reads(lag_ms=None):
            ...

How: a replica of every table lives in a second moto region. Each successful write is recorded with its
time and replayed on the replica, in order, once it is older than the lag (just before each stale read);
stale reads are answered by the replica. The interception uses botocore events, which every boto3 and
pynamodb client emits whatever wraps ``BaseClient._make_api_call`` (the meter, the serialization lock).
Like moto, import this module before the first DynamoDB client is created: the hooks are added to
botocore's built-in handlers, which a session copies when it is created.
"""
from __future__ import annotations

import copy
import math
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import botocore.handlers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from .serialized import _LOCK, _original

WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_PARAMS = "contacthub.consistency_faults.params"  # where the API parameters wait for before-call
_local = threading.local()  # .inside: a call the instrument makes itself, never intercepted
_active: StaleReads | None = None
_observers: list[Callable[[str, dict[str, Any]], None]] = []


def is_eventually_consistent(operation: str, params: dict[str, Any]) -> bool:
    """Whether DynamoDB may answer this call from the past (for BatchGetItem: any of its tables)."""
    if operation in ("Query", "Scan"):
        return bool(params.get("IndexName")) or params.get("ConsistentRead") is not True
    if operation == "GetItem":
        return params.get("ConsistentRead") is not True
    if operation == "BatchGetItem":
        return any(r.get("ConsistentRead") is not True for r in params.get("RequestItems", {}).values())
    return False


@dataclass
class StaleReads:
    """The state of one ``stale_reads`` block. Every method runs under the moto serialization lock."""

    lag_ms: float | None
    region: str
    replica_region: str
    _pending: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    _replicated: set[str] = field(default_factory=set)
    _clients: dict[str, Any] = field(default_factory=dict)
    stale_reads_served: int = 0

    # ---------------------------------------------------------------- plumbing
    def _client(self, region: str):
        if region not in self._clients:
            import boto3

            self._clients[region] = boto3.session.Session().client("dynamodb", region_name=region)
        return self._clients[region]

    def _call(self, region: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """A call of the instrument's own, past every wrapper of _make_api_call and past its own hooks."""
        _local.inside = True
        try:
            return _original(self._client(region), operation, params)
        finally:
            _local.inside = False

    def _ensure_table(self, name: str, copy_items: bool = False) -> None:
        if name in self._replicated:
            return
        table = self._call(self.region, "DescribeTable", {"TableName": name})["Table"]
        definition: dict[str, Any] = {
            "TableName": name, "KeySchema": table["KeySchema"],
            "AttributeDefinitions": table["AttributeDefinitions"], "BillingMode": "PAY_PER_REQUEST"}
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if table.get(kind):
                definition[kind] = [{"IndexName": i["IndexName"], "KeySchema": i["KeySchema"],
                                     "Projection": i["Projection"]} for i in table[kind]]
        self._call(self.replica_region, "CreateTable", definition)
        self._replicated.add(name)
        if copy_items:  # the past of a table that existed before the block is its present
            scan: dict[str, Any] = {"TableName": name, "ConsistentRead": True}
            while True:
                page = self._call(self.region, "Scan", scan)
                items = page["Items"]
                for start in range(0, len(items), 25):
                    self._write_replica("BatchWriteItem", {"RequestItems": {
                        name: [{"PutRequest": {"Item": i}} for i in items[start:start + 25]]}})
                if "LastEvaluatedKey" not in page:
                    break
                scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _write_replica(self, operation: str, params: dict[str, Any]) -> None:
        try:
            self._call(self.replica_region, operation, params)
        except ClientError as error:  # same writes in the same order from the same state: cannot fail
            raise AssertionError(f"stale_reads: replaying {operation} diverged from the primary: {error}; "
                                 f"writes must be serialized (serialized_aws_calls)") from error

    # ---------------------------------------------------------------- writes
    def record(self, operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> None:
        params = copy.deepcopy(params)
        if operation == "BatchWriteItem":  # what DynamoDB did not process did not happen
            for table, requests in (parsed.get("UnprocessedItems") or {}).items():
                params["RequestItems"][table] = [r for r in params["RequestItems"][table] if r not in requests]
        self._pending.append((time.monotonic(), operation, params))

    def catch_up(self) -> None:
        """Replay on the replica, in order, every write older than the lag."""
        if self.lag_ms is None or math.isinf(self.lag_ms):
            return
        horizon = time.monotonic() - self.lag_ms / 1000
        due = 0
        while due < len(self._pending) and self._pending[due][0] <= horizon:
            due += 1
        for _, operation, params in self._pending[:due]:
            for table in _tables(operation, params):
                self._ensure_table(table)
            self._write_replica(operation, params)
        del self._pending[:due]

    # ---------------------------------------------------------------- reads
    def read(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Answer an eventually consistent read from the replica (a BatchGetItem's consistent tables excepted)."""
        self.catch_up()
        self.stale_reads_served += 1
        if operation != "BatchGetItem":
            self._ensure_table(params["TableName"])
            return self._call(self.replica_region, operation, params)
        requests = params["RequestItems"]
        stale = {t: r for t, r in requests.items() if r.get("ConsistentRead") is not True}
        fresh = {t: r for t, r in requests.items() if t not in stale}
        for table in stale:
            self._ensure_table(table)
        answers = [self._call(self.replica_region, operation, {**params, "RequestItems": stale})]
        if fresh:
            answers.append(self._call(self.region, operation, {**params, "RequestItems": fresh}))
        merged: dict[str, Any] = {"Responses": {}, "UnprocessedKeys": {}}
        for answer in answers:
            merged["Responses"].update(answer.get("Responses", {}))
            merged["UnprocessedKeys"].update(answer.get("UnprocessedKeys", {}))
            if "ConsumedCapacity" in answer:
                merged.setdefault("ConsumedCapacity", []).extend(answer["ConsumedCapacity"])
        merged["ResponseMetadata"] = answers[0].get("ResponseMetadata", {})
        return merged


def _tables(operation: str, params: dict[str, Any]) -> list[str]:
    if operation == "BatchWriteItem":
        return list(params["RequestItems"])
    if operation == "TransactWriteItems":
        return [next(iter(i.values()))["TableName"] for i in params["TransactItems"]]
    return [params["TableName"]]


def _response(parsed: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    status = parsed.get("ResponseMetadata", {}).get("HTTPStatusCode", 200)
    return AWSResponse("https://stale-reads.invalid/", status, {}, None), parsed


# ------------------------------------------------------------------------ botocore hooks
def _keep_params(params, context, **_):
    context[_PARAMS] = params  # the same dict, completed in place by later parameter handlers


def _before_call(model, context, **_):
    params = context.get(_PARAMS)
    if params is None or getattr(_local, "inside", False):
        return None
    for observe in list(_observers):
        observe(model.name, params)
    state = _active
    if state is None or context.get("client_region") != state.region:
        return None
    if not is_eventually_consistent(model.name, params):
        return None
    with _LOCK:
        if _active is not state:
            return None
        try:
            return _response(state.read(model.name, params))
        except ClientError as error:  # the replica's answer, error included (an unknown key, a bad request)
            return _response(error.response)


def _after_call(http_response, parsed, model, context, **_):
    state = _active
    if (state is None or model.name not in WRITES or getattr(_local, "inside", False)
            or context.get("client_region") != state.region or http_response.status_code >= 300):
        return
    with _LOCK:  # held by the caller too when calls are serialized: the log keeps the order of the writes
        if _active is state:
            state.record(model.name, context[_PARAMS], parsed)


botocore.handlers.BUILTIN_HANDLERS.extend([
    ("before-parameter-build.dynamodb", _keep_params),
    ("before-call.dynamodb", _before_call),
    ("after-call.dynamodb", _after_call),
])


def _replica_region(region: str) -> str:
    return "eu-west-3" if region != "eu-west-3" else "ap-southeast-2"


@contextmanager
def stale_reads(lag_ms: float | None = None, region: str | None = None) -> Iterator[StaleReads]:
    """Serve every eventually consistent DynamoDB read of ``region`` as it was ``lag_ms`` ms ago (None: never
    caught up). Use inside an active moto mock; tables and items existing on entry are the common past."""
    global _active
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    with _LOCK:
        if _active is not None:
            raise RuntimeError("stale_reads is already active")
        state = StaleReads(lag_ms, region, _replica_region(region))
        listing: dict[str, Any] = {}
        while True:
            page = state._call(region, "ListTables", listing)
            for name in page.get("TableNames", []):
                state._ensure_table(name, copy_items=True)
            if "LastEvaluatedTableName" not in page:
                break
            listing["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]
        _active = state
    try:
        yield state
    finally:
        with _LOCK:
            _active = None
            for name in state._replicated:
                state._call(state.replica_region, "DeleteTable", {"TableName": name})


@contextmanager
def observed_calls(observer: Callable[[str, dict[str, Any]], None]) -> Iterator[None]:
    """Call ``observer(operation, params)`` before each DynamoDB call the code makes (not the instrument's)."""
    _observers.append(observer)
    try:
        yield
    finally:
        _observers.remove(observer)

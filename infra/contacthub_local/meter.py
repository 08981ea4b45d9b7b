"""Count DynamoDB calls and items read while a block runs (tests and benches; never runtime code).

    with DynamoMeter() as meter:
        handler(event, context)
    meter.calls["Query"], meter.items_read, meter.scans

Wraps botocore's ``BaseClient._make_api_call`` (every boto3 and pynamodb call goes through it) only while
at least one meter is active. Items read are what DynamoDB bills reads for: the ``ScannedCount`` of a
Query or Scan (items the key condition touched, before any filter), 1 per GetItem that found an item,
and the items a BatchGetItem returned. Works with moto as with a real endpoint.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Self

from botocore.client import BaseClient

_lock = threading.Lock()
_active: list[DynamoMeter] = []
_original = BaseClient._make_api_call


def _items_read(operation: str, result: dict[str, Any]) -> int:
    if operation in ("Query", "Scan"):
        return int(result.get("ScannedCount", result.get("Count", 0)))
    if operation == "GetItem":
        return 1 if result.get("Item") else 0
    if operation == "BatchGetItem":
        return sum(len(items) for items in result.get("Responses", {}).values())
    if operation == "TransactGetItems":
        return sum(1 for r in result.get("Responses", []) if r.get("Item"))
    return 0


def _metered_call(client: BaseClient, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    result = _original(client, operation, params)
    if client.meta.service_model.service_name == "dynamodb":
        read = _items_read(operation, result)
        with _lock:
            for meter in _active:
                meter._record(operation, read)
    return result


@dataclass
class DynamoMeter:
    calls: Counter = field(default_factory=Counter)  # operation -> number of calls
    reads: Counter = field(default_factory=Counter)  # operation -> items read

    @property
    def items_read(self) -> int:
        return sum(self.reads.values())

    @property
    def scans(self) -> int:
        return self.calls["Scan"]

    def reset(self) -> None:
        with _lock:
            self.calls.clear()
            self.reads.clear()

    def summary(self) -> str:
        ops = ", ".join(f"{op}={n}" for op, n in sorted(self.calls.items()))
        return f"{self.items_read} items read in {sum(self.calls.values())} calls ({ops})"

    def _record(self, operation: str, items: int) -> None:
        self.calls[operation] += 1
        self.reads[operation] += items

    def __enter__(self) -> Self:
        with _lock:
            if not _active:
                BaseClient._make_api_call = _metered_call
            _active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        with _lock:
            _active.remove(self)
            if not _active:
                BaseClient._make_api_call = _original

"""Count DynamoDB calls and items read while a block runs (tests and benches; never runtime code).

    with DynamoMeter() as meter:
        handler(event, context)
    meter.calls["Query"], meter.items_read, meter.scans

Listens to botocore's ``after-call.dynamodb`` event, which every boto3 and pynamodb call emits once it has
an answer (errors included), so nothing is patched and other wrappers of the call (moto's serialization
lock) stay in place. The listener joins every botocore session created after this module is imported, as
moto's does: import it before the clients are built. Items read are what DynamoDB bills reads for: the
``ScannedCount`` of a Query or Scan (items the key condition touched, before any filter), 1 per GetItem
that found an item, and the items a BatchGetItem returned. Works with moto as with a real endpoint.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Self

from botocore import handlers

_EVENT = "after-call.dynamodb"
_lock = threading.Lock()
_active: list[DynamoMeter] = []


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


def _on_call(model: Any = None, parsed: dict[str, Any] | None = None, **_: Any) -> None:
    if not _active or model is None:
        return
    operation = model.name
    read = _items_read(operation, parsed or {})
    with _lock:
        for meter in _active:
            meter._record(operation, read)


def _listen(events: Any) -> None:
    events.register(_EVENT, _on_call, unique_id="contacthub-dynamo-meter")


# Every botocore session registers the built-in handlers when it is created.
if (_EVENT, _on_call) not in handlers.BUILTIN_HANDLERS:
    handlers.BUILTIN_HANDLERS.append((_EVENT, _on_call))
try:  # boto3's default session may already exist: its future clients are metered too
    import boto3

    if boto3.DEFAULT_SESSION is not None:
        _listen(boto3.DEFAULT_SESSION.events)
except ImportError:
    pass


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

    def summary(self) -> str:
        ops = ", ".join(f"{op}={n}" for op, n in sorted(self.calls.items()))
        return f"{self.items_read} items read in {sum(self.calls.values())} calls ({ops})"

    def _record(self, operation: str, items: int) -> None:
        self.calls[operation] += 1
        self.reads[operation] += items

    def __enter__(self) -> Self:
        with _lock:
            _active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        with _lock:
            _active.remove(self)

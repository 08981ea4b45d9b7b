"""Count DynamoDB calls and items read while a block runs (tests and benches; never runtime code).

    with DynamoMeter() as meter:
        handler(event, context)
    meter.calls["Query"], meter.items_read, meter.scans, meter.waves, meter.round_trips

Listens to botocore's ``after-call.dynamodb`` event, which every boto3 and pynamodb call emits once it has
an answer (errors included), so nothing is patched and other wrappers of the call (moto's serialization
lock) stay in place. The listener joins every botocore session created after this module is imported, as
moto's does: import it before the clients are built. Items read are what DynamoDB bills reads for: the
``ScannedCount`` of a Query or Scan (items the key condition touched, before any filter), 1 per GetItem
that found an item, and the items a BatchGetItem returned. Works with moto as with a real endpoint.

``read_units`` are the read request units DynamoDB would bill for those calls, computed from the sizes of the
items answered (DynamoDB's item-size rules) as strongly consistent reads, which is all a request path makes
(tests/integration/test_consistent_reads.py): a Query costs one unit per 4 KB of the items it read, summed
before rounding up; a GetItem or each item of a BatchGetItem one unit per 4 KB of that item. A count-only Query
returns no items: its units are estimated from ``ScannedCount`` at COUNTED_ITEM_BYTES each (index entries).
moto's own ConsumedCapacity is a constant, hence this computation.

Waves and round trips follow the flow of control through context variables (never the clock): a call made
after another call's answer in the same flow comes after it. ``round_trips`` is the longest chain of calls
each waiting for the previous one; ``waves`` counts the calls of one job (the ``group`` context variable,
set per unit of work the code runs in parallel, e.g. a DataLoader batch) as one step, so it is the number
of dispatch rounds. Code running work in threads must hand the context back to its caller (as
contacthub_graphql.concurrency does), or what follows would not be seen to depend on it.
"""
from __future__ import annotations

import contextvars
import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Self

from botocore import handlers

_EVENT = "after-call.dynamodb"
_lock = threading.Lock()
_active: list[DynamoMeter] = []
# Of the current flow: the wave and round trip its last answered call was in.
_wave: contextvars.ContextVar[int] = contextvars.ContextVar("contacthub_meter_wave", default=0)
_trip: contextvars.ContextVar[int] = contextvars.ContextVar("contacthub_meter_trip", default=0)


READ_UNIT_BYTES = 4096
COUNTED_ITEM_BYTES = 250  # an index entry with uuid keys (bench/search.py measures 210-250 bytes)


def _value_size(value: dict[str, Any]) -> int:
    """DynamoDB's size of one attribute value, in bytes."""
    kind, data = next(iter(value.items()))
    if kind == "S":
        return len(data.encode("utf-8"))
    if kind == "N":
        return (len(str(data).lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: v}) for v in data)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + _value_size(v) for k, v in data.items())
    return 0


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's size of an item in its wire form: attribute names plus values."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in item.items())


def _read_units(operation: str, result: dict[str, Any]) -> int:
    def units(size: int) -> int:
        return math.ceil(size / READ_UNIT_BYTES) if size else 0

    if operation in ("Query", "Scan"):
        items = result.get("Items")
        if items is None:  # Select=COUNT
            return units(int(result.get("ScannedCount", 0)) * COUNTED_ITEM_BYTES)
        return max(units(sum(item_size(i) for i in items)), 1)  # an empty Query still costs a unit
    if operation == "GetItem":
        return max(units(item_size(result.get("Item") or {})), 1)
    if operation == "BatchGetItem":
        return sum(units(item_size(i)) for items in result.get("Responses", {}).values() for i in items)
    return 0


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
    read_units = _read_units(operation, parsed or {})
    trip = _trip.get() + 1
    _trip.set(trip)
    wave = _wave.get() + 1
    with _lock:
        for meter in _active:
            wave = meter._record(operation, read, _wave.get(), trip, read_units)
    _wave.set(wave)


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
    read_units: int = 0  # read request units DynamoDB would bill (strongly consistent)
    group: contextvars.ContextVar[Any] | None = None  # which job a call belongs to (None: a job of its own)
    waves: int = 0
    round_trips: int = 0
    by_wave: dict[int, Counter] = field(default_factory=dict)  # wave -> operation -> calls
    _job_waves: dict[Any, int] = field(default_factory=dict)
    _tokens: list[Any] = field(default_factory=list)

    @property
    def items_read(self) -> int:
        return sum(self.reads.values())

    @property
    def scans(self) -> int:
        return self.calls["Scan"]

    def summary(self) -> str:
        ops = ", ".join(f"{op}={n}" for op, n in sorted(self.calls.items()))
        return f"{self.items_read} items read in {sum(self.calls.values())} calls ({ops})"

    def _record(self, operation: str, items: int, after_wave: int, trip: int, read_units: int = 0) -> int:
        self.calls[operation] += 1
        self.read_units += read_units
        self.reads[operation] += items
        job = self.group.get() if self.group is not None else None
        wave = self._job_waves.setdefault(job, after_wave + 1) if job is not None else after_wave + 1
        self.by_wave.setdefault(wave, Counter())[operation] += 1
        self.waves = max(self.waves, wave)
        self.round_trips = max(self.round_trips, trip)
        return wave

    def __enter__(self) -> Self:
        # The block's first call is wave 1 and round trip 1, whatever ran before in this context.
        self._tokens = [_wave.set(0), _trip.set(0)]
        with _lock:
            _active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        with _lock:
            _active.remove(self)
        for var, token in zip((_wave, _trip), self._tokens, strict=True):
            var.reset(token)

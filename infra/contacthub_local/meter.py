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

Waves and round trips follow the flow of control through context variables (never the clock): a call made
after another call's answer in the same flow comes after it. ``round_trips`` is the longest chain of calls
each waiting for the previous one; ``waves`` counts the calls of one job (the ``group`` context variable,
set per unit of work the code runs in parallel, e.g. a DataLoader batch) as one step, so it is the number
of dispatch rounds. Code running work in threads must hand the context back to its caller (as
contacthub_graphql.concurrency does), or what follows would not be seen to depend on it.
"""
from __future__ import annotations

import contextvars
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
    trip = _trip.get() + 1
    _trip.set(trip)
    wave = _wave.get() + 1
    with _lock:
        for meter in _active:
            wave = meter._record(operation, read, _wave.get(), trip)
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

    def _record(self, operation: str, items: int, after_wave: int, trip: int) -> int:
        self.calls[operation] += 1
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

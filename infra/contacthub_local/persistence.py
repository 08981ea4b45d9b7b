"""Keep the emulated AWS state (moto's DynamoDB tables, SES sent mail) on disk across restarts.

``save_state(dir)`` writes one snapshot file, ``load_state(dir)`` reads it back into a fresh moto. A
snapshot is written to a temporary file in the same directory, flushed and fsynced, then renamed over
the previous one with ``os.replace`` (atomic on POSIX and Windows) and the directory is fsynced: a
crash or Ctrl-C at any moment leaves either the previous snapshot or the new one, never half of one.
The last line of a snapshot is a trailer counting its records, so a file cut short by other means is
refused rather than loaded partly.

The format is JSON lines (a header, one line per table, one per item in DynamoDB's JSON shape, one per
sent message, the trailer): readable, diffable and independent of moto's classes. Only used with moto.

A save holds the caller's lock only to take a :class:`Capture`: the table definitions and references to
the stored items, in key order. With ``scalable_moto`` installed, moto's in-place updates copy an item
before changing it while a capture is pinned, so the slow part (encoding and writing the file) runs
outside the lock and requests go on meanwhile; without it, the whole save holds the lock.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SNAPSHOT_NAME = "aws-state.jsonl"
FORMAT = "contacthub-local-state/1"


class SnapshotError(RuntimeError):
    """The snapshot on disk cannot be loaded (unknown format, cut short, or not JSON)."""


# ---------------------------------------------------------------------------------- reading moto
def _backends(service: str) -> Iterator[tuple[str, str, Any]]:
    """(account, region, backend) for every backend moto has created for `service` in this process."""
    if service == "dynamodb":
        from moto.dynamodb.models import dynamodb_backends as backends
    else:
        from moto.ses.models import ses_backends as backends
    for account_id in list(backends.keys()):
        for region, backend in list(backends[account_id].items()):
            yield account_id, region, backend


def _table_definition(table: Any) -> dict[str, Any]:
    """What create_table needs to build the same table again (keys, indexes, streams, TTL, tags)."""
    def index(i: Any) -> dict[str, Any]:
        described = {"IndexName": i.name, "KeySchema": i.schema, "Projection": i.projection}
        if getattr(i, "throughput", None) and i.throughput.get("ReadCapacityUnits"):
            described["ProvisionedThroughput"] = {k: i.throughput[k] for k in ("ReadCapacityUnits",
                                                                               "WriteCapacityUnits")}
        return described

    throughput = {k: table.throughput[k] for k in ("ReadCapacityUnits", "WriteCapacityUnits")}
    return {
        "name": table.name, "schema": table.schema, "attr": table.attr,
        "throughput": throughput if any(throughput.values()) else None,
        "global_indexes": [index(i) for i in table.global_indexes],
        "indexes": [index(i) for i in table.indexes],
        "streams": table.stream_specification if table.stream_specification.get("StreamEnabled") else None,
        "billing_mode": table.billing_mode, "sse_specification": table.sse_specification, "tags": table.tags,
        "deletion_protection_enabled": table.deletion_protection_enabled, "ttl": table.ttl,
    }


def _table_items(table: Any) -> Iterator[Any]:
    for partition in list(table.items.values()):
        if table.range_key_attr is None:
            yield partition
        elif getattr(partition, "ordered", False):
            yield from partition.span(0, len(partition))  # in key order, so that loading appends
        else:
            yield from list(partition.values())


def _plain(value: Any) -> dict[str, Any]:
    """A stored attribute value in DynamoDB's JSON shape (binary stays base64, as moto keeps it)."""
    if value.type == "M":
        return {"M": {key: _plain(member) for key, member in value.value.items()}}
    if value.type == "L":
        return {"L": [_plain(member) for member in value.value]}
    return {value.type: value.value}


def _stored_item(hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> Any:
    """moto's Item without re-running its per-attribute size check: the item passed it when written."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    item = Item.__new__(Item)
    item.hash_key, item.range_key = hash_key, range_key
    item.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    for name, value in attrs.items():
        dict.__setitem__(item.attrs, name, DynamoType(value))
    return item


@dataclass
class Capture:
    """The emulated state at one instant: table definitions and item references, taken under the lock."""

    generation: Any = None
    captured_at: float = 0.0
    tables: list[tuple[str, str, dict[str, Any], list[Any]]] = field(default_factory=list)
    mail: list[tuple[str, str, int, list[Any]]] = field(default_factory=list)
    pinned: bool = False

    def release(self) -> None:
        if self.pinned:
            self.pinned = False
            from . import scalable_moto

            scalable_moto.unpin_items()


def capture(lock: Any = None, generation: Callable[[], Any] | None = None) -> Capture:
    """Take the state under `lock` without encoding it; call ``release()`` once it is written.

    Only references are copied (a list per table), which is cheap; when scalable_moto cannot keep them
    from changing, the caller must write the capture before releasing `lock`.
    """
    from . import scalable_moto

    taken = Capture()
    with lock or contextlib.nullcontext():
        taken.generation = generation() if generation else None
        taken.captured_at = time.time()
        for account_id, region, backend in _backends("dynamodb"):
            for table in list(backend.tables.values()):
                taken.tables.append((account_id, region, _table_definition(table), list(_table_items(table))))
        for account_id, region, backend in _backends("ses"):
            if backend.sent_messages:  # identities are not kept: the local mode verifies its sender at each start
                taken.mail.append((account_id, region, backend.sent_message_count, list(backend.sent_messages)))
        if scalable_moto.installed():
            scalable_moto.pin_items()
            taken.pinned = True
    return taken


def _records(taken: Capture) -> Iterator[dict[str, Any]]:
    import moto

    yield {"format": FORMAT, "moto": moto.__version__, "captured_at": taken.captured_at}
    for account_id, region, definition, items in taken.tables:
        yield {"table": definition, "account": account_id, "region": region}
        for item in items:
            yield {"item": {name: _plain(value) for name, value in item.attrs.items()}}
    for account_id, region, count, messages in taken.mail:
        yield {"ses": {"account": account_id, "region": region, "sent_message_count": count}}
        for message in messages:
            yield {"mail": {"class": type(message).__name__, "state": vars(message)}}


# ---------------------------------------------------------------------------------- writing
def snapshot_path(directory: str | os.PathLike) -> Path:
    return Path(directory) / SNAPSHOT_NAME


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return  # Windows has no directory handles to fsync; os.replace is already durable there
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def save_state(directory: str | os.PathLike, lock: Any = None) -> int:
    """Write moto's DynamoDB tables and SES mail to `directory` atomically; returns the records written.

    `lock` (anything usable in ``with``) is held while the state is captured, so that no call changes it
    halfway; pass the lock that serialises the process's AWS calls.
    """
    return _save(directory, lock, None)[1]


def _save(directory: str | os.PathLike, lock: Any, generation: Callable[[], Any] | None) -> tuple[Capture, int]:
    from . import scalable_moto

    if scalable_moto.installed():
        taken = capture(lock, generation)
        return taken, write_capture(directory, taken)
    with lock or contextlib.nullcontext():  # nothing keeps the items from changing: write under the lock
        taken = capture(None, generation)
        return taken, write_capture(directory, taken)


def write_capture(directory: str | os.PathLike, taken: Capture) -> int:
    """Encode `taken` into `directory`'s snapshot atomically (then release it); returns the records written."""
    directory = Path(directory)
    final = snapshot_path(directory)
    temporary = directory / f".{SNAPSHOT_NAME}.{os.getpid()}.{threading.get_ident()}.tmp"
    count = 0
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as out:
            dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
            for record in _records(taken):
                out.write(dumps(record))
                out.write("\n")
                count += 1
            taken.release()
            out.write(dumps({"end": count}) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    except BaseException:
        taken.release()
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_directory(directory)
    return count


# ---------------------------------------------------------------------------------- loading
def _read(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as source:
            records = [json.loads(line) for line in source]
    except (ValueError, UnicodeDecodeError) as error:
        raise SnapshotError(f"{path}: not a readable snapshot ({error})") from error
    if not records or records[0].get("format") != FORMAT:
        raise SnapshotError(f"{path}: not a {FORMAT} snapshot")
    if records[-1].get("end") != len(records) - 1:
        raise SnapshotError(f"{path}: snapshot is incomplete (no trailer counting its records)")
    return records[1:-1]


def _restore_message(description: dict[str, Any]) -> Any:
    from moto.ses import models

    cls = getattr(models, description["class"])
    message = cls.__new__(cls)
    message.__dict__.update(description["state"])
    return message


def load_state(directory: str | os.PathLike) -> bool:
    """Load the snapshot in `directory` into the running moto (its tables must not exist yet).

    Returns False when there is no snapshot. Items go straight into moto's tables: no stream records
    are emitted for them and no condition is evaluated, as they were already accepted once.
    """
    path = snapshot_path(directory)
    if not path.exists():
        return False
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.ses.models import ses_backends

    table = ses = None
    for record in _read(path):
        if "item" in record:
            attrs = record["item"]
            hash_key = DynamoType(attrs[table.hash_key_attr])
            if table.range_key_attr is None:
                table.items[hash_key] = _stored_item(hash_key, None, attrs)
            else:
                range_key = DynamoType(attrs[table.range_key_attr])
                table.items[hash_key][range_key] = _stored_item(hash_key, range_key, attrs)
        elif "table" in record:
            definition = dict(record["table"])
            ttl = definition.pop("ttl")
            backend = dynamodb_backends[record["account"]][record["region"]]
            table = backend.create_table(**definition, warm_throughput=None)
            table.ttl = ttl
        elif "ses" in record:
            state = record["ses"]
            ses = ses_backends[state["account"]][state["region"]]
            ses.sent_message_count = state["sent_message_count"]
        elif "mail" in record:
            ses.sent_messages.append(_restore_message(record["mail"]))
    return True


# ---------------------------------------------------------------------------------- periodic snapshots
class PeriodicSnapshot:
    """Saves every `interval` seconds while the state changes (less often once a save takes more than a fifth
    of that: see ``BACKOFF``), and once more when stopped or at exit.

    `generation` returns a value that changes whenever the emulated state may have changed (for the
    local server: a count of the AWS write calls made, see :func:`count_aws_writes`); without it every
    tick saves. It is read under `lock` with the capture, so a write it has not counted yet only causes
    one more save, never a missed one.
    """

    def __init__(self, directory: str | os.PathLike, interval: float = 30.0, lock: Any = None,
                 generation: Callable[[], Any] | None = None,
                 on_error: Callable[[BaseException], None] | None = None):
        self.directory = Path(directory)
        self.interval = interval
        self.lock = lock
        self.generation = generation
        self.on_error = on_error
        self.last_saved_at: float | None = None  # capture time of the last snapshot written
        self._saved: Any = object()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saving = threading.Lock()

    def save_if_changed(self) -> bool:
        with self._saving:
            if self.generation and self.generation() == self._saved:
                return False
            taken, _ = _save(self.directory, self.lock, self.generation)
            self._saved = taken.generation if self.generation else object()
            self.last_saved_at = taken.captured_at
            return True

    # A snapshot writes the whole store, so its cost grows with the store: the pause after one is at least this
    # many times as long as it took, which keeps snapshots to a fifth of the server's time however big the store.
    BACKOFF = 4.0

    def _run(self) -> None:
        pause = self.interval
        while not self._stop.wait(pause):
            began = time.monotonic()
            try:
                self.save_if_changed()
            except Exception as error:  # noqa: BLE001 - keep snapshotting; the previous file is intact
                if self.on_error:
                    self.on_error(error)
            pause = max(self.interval, self.BACKOFF * (time.monotonic() - began))

    def start(self) -> PeriodicSnapshot:
        if self.generation:
            self._saved = self.generation()  # what was just loaded needs no new snapshot
        self._thread = threading.Thread(target=self._run, name="state-snapshot", daemon=True)
        self._thread.start()
        atexit.register(self.stop)
        return self

    def stop(self, freeze: bool = False) -> None:
        """Stop the timer and write a last snapshot if anything changed since the previous one.

        With `freeze`, `lock` is taken and kept (it must be reentrant): no AWS call can change the state
        after this last snapshot, so no request is acknowledged that the snapshot does not hold.
        """
        atexit.unregister(self.stop)
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if freeze and self.lock is not None:
            self.lock.acquire()  # released only by the process exiting
        self.save_if_changed()


# Operations that only read; every other call may change the emulated state.
_READ_PREFIXES = ("Get", "BatchGet", "TransactGet", "Query", "Scan", "Describe", "List")


def count_aws_writes() -> Callable[[], int]:
    """Count the AWS calls of this process that may change state (botocore's ``_make_api_call``).

    Returns the counter's reader, for :class:`PeriodicSnapshot`'s `generation`. A call is counted once it
    has returned or failed, so a count read under the calls' lock never includes a write not yet applied.
    """
    import botocore.client

    written = [0]
    inner = botocore.client.BaseClient._make_api_call

    def counted(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        try:
            return inner(self, operation_name, api_params)
        finally:
            if not operation_name.startswith(_READ_PREFIXES):
                written[0] += 1

    botocore.client.BaseClient._make_api_call = counted
    return lambda: written[0]

"""Import and export jobs: rows per second, peak memory and DynamoDB write units per imported row.

    .venv/bin/python bench/bulk.py            # 10,000 rows
    .venv/bin/python bench/bulk.py --large    # 10,000 and 100,000 rows

Runs on moto (no account needed), in one process: a Google Contacts CSV of N rows (5% of them repeats of
earlier rows) is uploaded to the bucket, the upload event starts the job, and each chunk message is handed to
the same ImportService the bulk worker runs, until the job is done (onDuplicate update). Then the workspace is
exported as CSV and as vCard 4.0 by the ExportService.

Printed: import rows per second (wall time on moto, whose in-process tables are slower than DynamoDB's, so a
lower bound), the peak RSS of the process after each phase (moto's tables live in the same process and grow
with the data: the worker's own working set is the per-chunk figure, measured with tracemalloc over one
chunk), write request units per imported row (DynamoDB's billing rules applied to each write call's items:
2 units per started KB of each item in a transaction, 1 outside one; an update or delete of a small item
1 or 2), and export rows per second. Benchmarks print; tests assert counts.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from typing import Any

from botocore import handlers

# Before any client exists: handlers join the botocore sessions created after this point.
from contacthub_local.meter import DynamoMeter, item_size

WRITE_UNIT_BYTES = 1024
_writes = {"units": 0, "calls": 0}


def _units(size: int, transactional: bool) -> int:
    return (2 if transactional else 1) * max(1, -(-size // WRITE_UNIT_BYTES))


def _on_params(params: dict[str, Any], model: Any = None, **_: Any) -> None:
    """Write units of one DynamoDB write call, from what it sends."""
    name = getattr(model, "name", "")
    if name == "TransactWriteItems":
        for entry in params.get("TransactItems", []):
            if "Put" in entry:
                _writes["units"] += _units(item_size(entry["Put"]["Item"]), True)
            else:  # Update, Delete, ConditionCheck of small items (counters, guards)
                _writes["units"] += 2
    elif name == "PutItem":
        _writes["units"] += _units(item_size(params["Item"]), False)
    elif name in ("UpdateItem", "DeleteItem"):
        _writes["units"] += 1
    elif name == "BatchWriteItem":
        for requests in params.get("RequestItems", {}).values():
            for request in requests:
                item = request.get("PutRequest", {}).get("Item")
                _writes["units"] += _units(item_size(item), False) if item else 1
    else:
        return
    _writes["calls"] += 1


handlers.BUILTIN_HANDLERS.append(("before-parameter-build.dynamodb", _on_params))

HEADER = "Name,Given Name,Family Name,Labels,E-mail 1 - Value,Phone 1 - Value,Organization 1 - Name,Notes\n"


def google_csv(path: str, rows: int) -> int:
    """A Google Contacts export of ``rows`` rows, every 20th a repeat of an earlier row; its size in bytes."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(rows):
            n = i - 7 if i % 20 == 19 else i
            out.write(f"Given{n} Family{n},Given{n},Family{n},* myContacts ::: Customers,person{n}@example.com,"
                      f"+1 212 {555 + n // 10000:03d} {n % 10000:04d},Company {n % 97},\"Met at fair {n % 13}\"\n")
    return os.path.getsize(path)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ListQueue:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)


def run(size: int) -> None:
    from contacthub.bulk.files import S3BulkFiles
    from contacthub.domain.bulk_jobs import DuplicatePolicy, FileFormat, upload_key
    from contacthub.services.exports import ExportService
    from contacthub.services.imports import ImportService
    from contacthub.store.bulk_jobs import BulkJobRepository
    from contacthub.wiring import services as build

    services = build()
    files, queue, jobs = S3BulkFiles("contacthub-bulk", "us-east-1"), ListQueue(), BulkJobRepository()
    imports = ImportService(services.contacts, jobs, files, queue)
    exports = ExportService(services.contacts, jobs, files, queue)
    ws = services.workspaces.create_key(f"Bench {size}", "Bench User", "bench@example.com").workspace.id
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "google.csv")
        file_bytes = google_csv(path, size)
        job, _ = imports.create(ws, FileFormat.CSV, DuplicatePolicy.UPDATE)
        with open(path, "rb") as handle:
            files.write(upload_key(ws, job.id), iter(lambda: handle.read(1 << 20), b""), "text/csv")
    _writes.update(units=0, calls=0)
    chunk_peak, chunks = 0, 0
    began = time.perf_counter()
    with DynamoMeter() as meter:
        imports.uploaded(upload_key(ws, job.id))
        while queue.messages:
            message = queue.messages.pop(0)
            traced = chunks == 2  # one chunk in the middle, under tracemalloc (it slows what it watches)
            if traced:
                tracemalloc.start()
            imports.run_chunk(message["workspaceId"], message["jobId"], message["chunk"])
            if traced:
                chunk_peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            chunks += 1
    elapsed = time.perf_counter() - began
    done = imports.get(ws, job.id)
    counts = done.counts
    print(f"import {size:>7,} rows ({file_bytes / 1e6:.1f} MB, {chunks} chunks): {size / elapsed:8,.0f} rows/s "
          f"({elapsed:.1f} s); {counts['created']:,} created, {counts['unchanged']:,} unchanged (repeats), "
          f"{counts['failed']} failed")
    print(f"  write units per imported row: {_writes['units'] / size:.1f} ({_writes['calls'] / size:.2f} write calls, "
          f"{meter.read_units / size:.1f} read units, {sum(meter.calls.values()) / size:.1f} DynamoDB calls per row)")
    print(f"  peak RSS {peak_rss_mb():,.0f} MB (moto's tables included); one chunk's peak allocations "
          f"{chunk_peak / 1e6:.1f} MB")
    for file_format in (FileFormat.CSV, FileFormat.VCARD):
        began = time.perf_counter()
        export = exports.create(ws, file_format)
        parts = 0
        while queue.messages:  # one message per part of the file
            message = queue.messages.pop(0)
            exports.run(message["workspaceId"], message["jobId"], message["chunk"])
            parts += 1
        elapsed = time.perf_counter() - began
        rows = exports.get(ws, export.id).counts["rows"]
        print(f"export {file_format.value:<5} {rows:>7,} contacts ({parts} parts): {rows / elapsed:8,.0f} rows/s "
              f"({elapsed:.1f} s); peak RSS {peak_rss_mb():,.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", action="store_true", help="also 100,000 rows (minutes)")
    parser.add_argument("--sizes", type=int, nargs="+", help="row counts to run (default 10,000)")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10_000, 100_000] if args.large else [10_000])

    from contacthub_local.bootstrap import use_emulated_aws

    settings = use_emulated_aws()
    from moto import mock_aws

    from contacthub_local import scalable_moto, scalable_moto_dispatch

    scalable_moto.install()
    scalable_moto_dispatch.install()
    with mock_aws():
        from contacthub_local.bootstrap import create_tables
        from contacthub_local.bulk_local import create_bulk_resources

        create_tables(settings)
        create_bulk_resources(settings.region)
        from contacthub.wiring import use_settings

        use_settings(settings.model_copy({"bulk_bucket": "contacthub-bulk"}))
        for size in sizes:
            run(size)
    return 0


if __name__ == "__main__":
    sys.path[:0] = [os.path.join(os.path.dirname(__file__), "..", d) for d in ("functions", "infra")]
    raise SystemExit(main())

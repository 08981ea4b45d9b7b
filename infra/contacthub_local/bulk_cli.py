"""`contacthub import` and `contacthub export`: the /hub/v1 import and export jobs driven from a terminal, with a
progress bar. They speak HTTP to any contacthub (`serve`, or a deployed stage), as any client would."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cli import subcommand

POLL_SECONDS = 0.5


class ApiError(Exception):
    pass


def _call(base: str, key: str, method: str, path: str, body: Any = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base.rstrip("/") + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        try:
            problem = json.loads(text)
            detail = problem.get("detail") or problem.get("message") or text
            fields = "; ".join(f"{e['field']}: {e['message']}" for e in problem.get("errors") or [])
            text = f"{detail} ({fields})" if fields else detail
        except (ValueError, AttributeError):
            pass
        raise ApiError(f"{method} {path}: {error.code} {text}") from None
    except urllib.error.URLError as error:
        raise ApiError(f"cannot reach {base}: {error.reason}") from None


def _put_file(url: str, path: Path, headers: dict[str, str], advance: Callable[[int], None]) -> None:
    """Stream the file to the upload link (never read whole)."""
    class Reading:
        def __init__(self, handle):
            self._handle = handle

        def read(self, size: int = 1 << 16) -> bytes:
            piece = self._handle.read(size)
            advance(len(piece))
            return piece

    with path.open("rb") as handle:
        request = urllib.request.Request(url, data=Reading(handle), method="PUT",  # type: ignore[arg-type]
                                         headers={**headers, "Content-Length": str(path.stat().st_size)})
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(f"upload refused: {error.code} {error.read()[:300]!r}") from None


def _progress():
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
                    TextColumn("{task.fields[rows]} rows  {task.fields[rate]} rows/s"), TimeElapsedColumn(),
                    transient=False, disable=not sys.stderr.isatty() and os.environ.get("CONTACTHUB_PROGRESS") != "1")


def _rate(rows: int, started: float) -> str:
    elapsed = time.monotonic() - started
    return f"{rows / elapsed:,.0f}" if elapsed > 0 else "-"


def _connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True, help="contacthub base URL (`serve` prints it; or the stage's)")
    parser.add_argument("--key", default=os.environ.get("CONTACTHUB_API_KEY"),
                        help="API key (default: $CONTACTHUB_API_KEY)")


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a CSV (Google Contacts, Outlook, HubSpot, any header) or vCard file")
    _connection(parser)
    parser.add_argument("--format", choices=("csv", "vcard"), help="default: from the file's extension (.vcf: vcard)")
    parser.add_argument("--on-duplicate", choices=("skip", "update", "create"), default="skip",
                        help="a row matching a contact by email or phone: skip it (default), update the contact, or "
                             "create another")
    parser.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    parser.add_argument("--mapping", metavar="JSON", help='CSV columns to fields, e.g. \'{"Mail": "emails"}\'')


@subcommand("import", "Import contacts from a CSV or vCard file through /hub/v1/imports.", _configure_import)
def import_file(args: argparse.Namespace) -> int:
    if not args.key:
        print("contacthub: give --key (or set CONTACTHUB_API_KEY)", file=sys.stderr)
        return 2
    path: Path = args.file
    if not path.is_file():
        print(f"contacthub: no such file: {path}", file=sys.stderr)
        return 2
    file_format = args.format or ("vcard" if path.suffix.lower() in (".vcf", ".vcard") else "csv")
    body: dict[str, Any] = {"format": file_format, "onDuplicate": args.on_duplicate, "dryRun": args.dry_run,
                            "size": path.stat().st_size}
    if args.mapping:
        try:
            body["mapping"] = json.loads(args.mapping)
        except ValueError as error:
            print(f"contacthub: --mapping is not JSON: {error}", file=sys.stderr)
            return 2
    try:
        job = _call(args.url, args.key, "POST", "/hub/v1/imports", body)
        size = max(path.stat().st_size, 1)
        with _progress() as progress:
            upload = progress.add_task("upload", total=size, rows="-", rate="-")
            _put_file(job["uploadUrl"], path, job["uploadHeaders"] or {}, lambda n: progress.advance(upload, n))
            task = progress.add_task("import", total=size, rows=0, rate="-")
            started = time.monotonic()
            while job["status"] not in ("done", "failed"):
                time.sleep(POLL_SECONDS)
                job = _call(args.url, args.key, "GET", f"/hub/v1/imports/{job['id']}")
                rows = job["counts"]["rows"]
                progress.update(task, completed=job.get("bytesRead") or 0, rows=f"{rows:,}",
                                rate=_rate(rows, started))
            if job["status"] == "done":
                progress.update(task, completed=size)
    except ApiError as error:
        print(f"contacthub: {error}", file=sys.stderr)
        return 1
    return _report_import(job)


def _report_import(job: dict[str, Any]) -> int:
    counts = job["counts"]
    prefix = "dry run: would have " if job["dryRun"] else ""
    if job["status"] == "failed":
        print(f"contacthub: import {job['id']} failed: {job['error']}", file=sys.stderr)
        return 1
    print(f"{prefix}import {job['id']} ({job.get('detectedFormat') or job['format']}): {counts['rows']} rows, "
          f"{counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged, "
          f"{counts['skipped']} skipped, {counts['failed']} failed")
    if job.get("ignoredColumns"):
        print(f"ignored columns: {', '.join(job['ignoredColumns'])}")
    if job.get("failedRowsUrl"):
        print(f"failed rows: {job['failedRowsUrl']}")
    return 0


def _configure_export(parser: argparse.ArgumentParser) -> None:
    _connection(parser)
    parser.add_argument("--format", choices=("csv", "vcard"), default="csv")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
    parser.add_argument("--search", help="only contacts matching this name, email or phone")
    parser.add_argument("--tag", action="append", default=[], help="only contacts with this tag (repeatable)")


@subcommand("export", "Export contacts to a CSV or vCard 4.0 file through /hub/v1/exports.", _configure_export)
def export_file(args: argparse.Namespace) -> int:
    if not args.key:
        print("contacthub: give --key (or set CONTACTHUB_API_KEY)", file=sys.stderr)
        return 2
    body: dict[str, Any] = {"format": args.format}
    query = {k: v for k, v in (("search", args.search), ("tags", args.tag)) if v}
    if query:
        body["filter"] = query
    try:
        job = _call(args.url, args.key, "POST", "/hub/v1/exports", body)
        with _progress() as progress:
            task = progress.add_task("export", total=job["counts"].get("total"), rows=0, rate="-")
            started = time.monotonic()
            while job["status"] not in ("done", "failed"):
                time.sleep(POLL_SECONDS)
                job = _call(args.url, args.key, "GET", f"/hub/v1/exports/{job['id']}")
                rows = job["counts"]["rows"]
                progress.update(task, total=job["counts"].get("total"), completed=rows, rows=f"{rows:,}",
                                rate=_rate(rows, started))
            if job["status"] == "failed":
                print(f"contacthub: export {job['id']} failed", file=sys.stderr)
                return 1
            download = progress.add_task("download", total=None, rows=f"{job['counts']['rows']:,}", rate="-")
            with urllib.request.urlopen(job["downloadUrl"], timeout=600) as response, \
                    args.output.open("wb") as out:
                while piece := response.read(1 << 16):
                    out.write(piece)
                    progress.advance(download, len(piece))
    except (ApiError, urllib.error.URLError) as error:
        print(f"contacthub: {error}", file=sys.stderr)
        return 1
    print(f"export {job['id']}: {job['counts']['rows']} contacts written to {args.output}")
    return 0

"""Import jobs: a CSV or vCard file uploaded to the job's link, read and written in chunks by the bulk worker.

Each chunk reads up to ``chunk_rows`` rows from where the previous one stopped (a byte offset kept on the job),
writes each row on its own (a bad row fails alone, reported with its line and reasons), then commits its counts
and the next offset to the job in one write conditioned on the chunk number, and queues the next chunk.

Run twice, a chunk creates nothing twice: a row's contact gets an id derived from the job and the row's line,
so a second create of it is refused by the store, and the row is counted as created by this job. A chunk that
crashed before its commit is run again whole; one that crashed after its commit is not run again.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from typing import Any

from ..bulk import csv_format, vcard_format
from ..bulk.csv_format import Row
from ..domain.bulk_jobs import (
    CHUNK_ROWS,
    MAX_IMPORT_BYTES,
    MAX_REASONS,
    BulkJob,
    DuplicatePolicy,
    FailedRow,
    FileFormat,
    JobKind,
    JobStatus,
    RowOutcome,
    failed_part_key,
    failed_rows_key,
    new_job_id,
    parse_upload_key,
    row_contact_id,
    upload_key,
)
from ..domain.contact import Contact, validate_changes
from ..domain.contact_batch import MatchKey
from ..domain.text import canonical_uuid
from ..domain.errors import DomainError, NotFound, ValidationFailed
from ..ports import BulkFiles, BulkJobRepository, BulkQueue
from .contacts import ContactService

MATCH_BY = (MatchKey.EMAIL, MatchKey.PHONE)
CONTENT_TYPES = {FileFormat.CSV: "text/csv", FileFormat.VCARD: "text/vcard"}
FAILED_HEADER = "row,reasons\r\n"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UnreadableFile(Exception):
    """The file as a whole cannot be read (not UTF-8, no header, a broken CSV record): the job fails."""


@dataclass
class _Cursor:
    """What a chunk has consumed of the file: bytes and lines, counted as lines are handed to the reader."""

    bytes: int = 0
    lines: int = 0


def _lines(pieces: Iterable[bytes], cursor: _Cursor, first_line: int) -> Iterator[str]:
    pending = b""
    for piece in pieces:
        pending += piece
        start = 0
        while (end := pending.find(b"\n", start)) >= 0:
            yield _decoded(pending[start:end + 1], cursor, first_line)
            start = end + 1
        pending = pending[start:]
    if pending:
        yield _decoded(pending, cursor, first_line)


def _decoded(line: bytes, cursor: _Cursor, first_line: int) -> str:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(f"line {first_line + cursor.lines} is not UTF-8 text: save the file as UTF-8") from None
    cursor.bytes += len(line)
    cursor.lines += 1
    return text


def check_mapping(mapping: dict[str, str] | None) -> None:
    if mapping is None:
        return
    allowed = set(csv_format.FIELDS) | {f"address.{p}" for p in csv_format.ADDRESS_PARTS}
    bad = [ValidationFailed.one(f"mapping.{header}", f"Unknown field {target!r}; known: {', '.join(sorted(allowed))}",
                                "unknown_field").violations[0]
           for header, target in mapping.items() if target not in allowed]
    if bad:
        raise ValidationFailed(bad)
    if not mapping:
        raise ValidationFailed.one("mapping", "Map at least one column to a field", "blank")


def reasons(error: DomainError) -> tuple[str, ...]:
    if isinstance(error, ValidationFailed):
        found = tuple(f"{v.path}: {v.message}" if v.path else v.message for v in error.violations)
    else:
        found = (str(error),)
    return found[:MAX_REASONS]


class ImportService:
    def __init__(self, contacts: ContactService, jobs: BulkJobRepository, files: BulkFiles, queue: BulkQueue,
                 clock: Callable[[], datetime] = utcnow, chunk_rows: int = CHUNK_ROWS):
        self._contacts = contacts
        self._jobs = jobs
        self._files = files
        self._queue = queue
        self.clock = clock
        self.chunk_rows = chunk_rows

    # ---------------------------------------------------------------- requests
    def create(self, workspace_id: str, file_format: FileFormat = FileFormat.CSV,
               on_duplicate: DuplicatePolicy = DuplicatePolicy.SKIP, dry_run: bool = False,
               mapping: dict[str, str] | None = None, size: int | None = None) -> tuple[BulkJob, str]:
        """A job awaiting its file, and the link to PUT the file to."""
        if size is not None and size > MAX_IMPORT_BYTES:
            raise ValidationFailed.one("size", f"A file may have {MAX_IMPORT_BYTES} bytes at most", "too_large")
        if mapping is not None and file_format is not FileFormat.CSV:
            raise ValidationFailed.one("mapping", "A column mapping applies to CSV files only", "invalid")
        check_mapping(mapping)
        now = self.clock()
        job = BulkJob(workspace_id=workspace_id, id=new_job_id(), kind=JobKind.IMPORT,
                      status=JobStatus.AWAITING_UPLOAD, format=file_format, created_at=now, updated_at=now,
                      on_duplicate=on_duplicate, dry_run=dry_run, mapping=mapping)
        self._jobs.add(job)
        return job, self.upload_url(job)

    def get(self, workspace_id: str, job_id: str) -> BulkJob:
        key = canonical_uuid(job_id)  # ids are UUIDs: anything else names no job (and no key is built of it)
        job = self._jobs.get(workspace_id, key) if key else None
        if job is None or job.kind is not JobKind.IMPORT:
            raise NotFound("Import", job_id)
        return job

    def upload_url(self, job: BulkJob) -> str:
        return self._files.upload_url(upload_key(job.workspace_id, job.id), CONTENT_TYPES[job.format])

    def failed_rows_url(self, job: BulkJob) -> str | None:
        """The link to the report of failed rows, once the job is done and some failed."""
        if job.status is not JobStatus.DONE or not job.counts.get("failed"):
            return None
        return self._files.download_url(failed_rows_key(job.workspace_id, job.id), f"import-{job.id}-failed.csv")

    # ---------------------------------------------------------------- the worker
    def uploaded(self, key: str) -> None:
        """The file of an import arrived (an S3 event): start its first chunk. Redelivered events do nothing more."""
        ids = parse_upload_key(key)
        job = self._jobs.get(*ids) if ids else None
        if job is None or job.kind is not JobKind.IMPORT:
            return
        if job.status is JobStatus.AWAITING_UPLOAD:
            size = self._files.size(key)
            if size is None:
                return
            started = job.with_changes(status=JobStatus.PROCESSING, updated_at=self.clock())
            if size > MAX_IMPORT_BYTES:
                started = started.with_changes(status=JobStatus.FAILED,
                                               error=f"the file has {size} bytes: at most {MAX_IMPORT_BYTES} are read")
            if not self._jobs.replace(started, 0, JobStatus.AWAITING_UPLOAD):
                return
            job = started
        if job.status is JobStatus.PROCESSING and job.next_chunk == 0:  # perhaps queued before a crash: harmless
            self._send_chunk(job, 0)

    def run_chunk(self, workspace_id: str, job_id: str, chunk: int) -> None:
        job = self._jobs.get(workspace_id, job_id)
        if job is None or job.kind is not JobKind.IMPORT or job.status is not JobStatus.PROCESSING:
            return
        if chunk != job.next_chunk:
            if chunk == job.next_chunk - 1:  # committed, but the next chunk's message may never have been sent
                self._send_chunk(job, job.next_chunk)
            return
        try:
            done, finished = self._process(job)
        except UnreadableFile as error:
            failed = job.with_changes(status=JobStatus.FAILED, error=str(error), updated_at=self.clock())
            self._jobs.replace(failed, chunk, JobStatus.PROCESSING)
            return
        if finished and done.failed_chunks:
            self._write_failed_rows(done)
        if self._jobs.replace(done, chunk, JobStatus.PROCESSING) and not finished:
            self._send_chunk(done, done.next_chunk)

    def abandon(self, workspace_id: str, job_id: str, reason: str) -> None:
        """The worker gave up on this import's message (its last delivery failed): the job is failed with
        ``reason`` instead of showing `processing` for ever."""
        abandon(self._jobs, self._jobs.get(workspace_id, job_id), reason, self.clock())

    def _send_chunk(self, job: BulkJob, chunk: int) -> None:
        self._queue.send({"type": "import-chunk", "workspaceId": job.workspace_id, "jobId": job.id, "chunk": chunk})

    # ---------------------------------------------------------------- one chunk
    def _process(self, job: BulkJob) -> tuple[BulkJob, bool]:
        """The job as this chunk leaves it (not yet stored), and whether the file is finished."""
        cursor = _Cursor()
        lines = _lines(self._files.read(upload_key(job.workspace_id, job.id), job.next_offset), cursor,
                       job.next_line)
        changes: dict[str, Any] = {}
        rows, line_of = self._rows(job, lines, cursor, changes)
        counts = dict(job.counts)
        failures: list[FailedRow] = []
        seen: dict[str, None] = {}  # a dry run's would-be contacts of this chunk (their emails and phones)
        taken = 0
        try:
            for row in rows:
                line = line_of(row.line)
                outcome, why = self._import_row(job, row, line, seen)
                counts["rows"] += 1
                counts[outcome.value] += 1
                if outcome is RowOutcome.FAILED:
                    failures.append(FailedRow(line, why))
                taken += 1
                if taken >= self.chunk_rows:
                    break
        except csv.Error as error:
            line = job.next_line + cursor.lines - 1
            raise UnreadableFile(f"the CSV cannot be read after line {line}: {error}") from None
        finished = taken < self.chunk_rows
        failed_chunks = job.failed_chunks
        if failures:
            self._files.write(failed_part_key(job.workspace_id, job.id, job.next_chunk), [_failed_csv(failures)],
                              "text/csv")
            failed_chunks = (*failed_chunks, job.next_chunk)
        done = job.with_changes(**changes, counts=counts, next_chunk=job.next_chunk + 1,
                                next_offset=job.next_offset + cursor.bytes, next_line=job.next_line + cursor.lines,
                                failed_chunks=failed_chunks, updated_at=self.clock(),
                                status=JobStatus.DONE if finished else JobStatus.PROCESSING)
        return done, finished

    def _rows(self, job: BulkJob, lines: Iterator[str], cursor: _Cursor,
              changes: dict[str, Any]) -> tuple[Iterator[Row], Callable[[int], int]]:
        """The chunk's rows, and how a row's line as the reader numbers it maps to its line in the file."""
        if job.format is FileFormat.VCARD:
            return vcard_format.read_vcards(lines), lambda line: job.next_line + line - 1
        if job.next_chunk == 0:
            header: list[str] = []
            recorded = _recording(lines, header)
            try:
                mapping, rows = csv_format.read_csv(recorded, job.mapping)
            except (ValueError, csv.Error) as error:
                raise UnreadableFile(str(error)) from None
            changes.update(header="".join(header), detected_format=mapping.format, ignored_columns=mapping.ignored)
            header.append("")  # stop recording: the rows are not the header
            return rows, lambda line: line
        assert job.header is not None
        header_lines = job.header.count("\n") or 1
        _, rows = csv_format.read_csv(chain([job.header], lines), job.mapping)
        return rows, lambda line: job.next_line + line - header_lines - 1

    def _import_row(self, job: BulkJob, row: Row, line: int,
                    seen: dict[str, None]) -> tuple[RowOutcome, tuple[str, ...]]:
        if row.problem:
            return RowOutcome.FAILED, (row.problem,)
        ws, row_id = job.workspace_id, row_contact_id(job.id, line)
        try:
            match = None
            if job.on_duplicate is not DuplicatePolicy.CREATE:
                match = self._contacts.find_match(ws, row.fields, MATCH_BY)
            if match is not None:
                if match.id == row_id:
                    return RowOutcome.CREATED, ()  # this row's own contact, created before a crash
                if job.on_duplicate is DuplicatePolicy.SKIP:
                    return RowOutcome.SKIPPED, ()
                changes = _merged(match, row.fields)
                if job.dry_run:
                    return (RowOutcome.UPDATED if self._contacts.would_change(match, changes)
                            else RowOutcome.UNCHANGED), ()
                saved = self._contacts.update(ws, match.id, changes)
                return (RowOutcome.UPDATED if saved.version != match.version else RowOutcome.UNCHANGED), ()
            if job.dry_run:
                return self._dry_create(job, row, seen), ()
            self._contacts.create(ws, row.fields, contact_id=row_id)
            return RowOutcome.CREATED, ()
        except DomainError as error:
            if not job.dry_run and self._contacts.get_many(ws, [row_id]):
                return RowOutcome.CREATED, ()  # written by an earlier run of this chunk
            return RowOutcome.FAILED, reasons(error)

    def _dry_create(self, job: BulkJob, row: Row, seen: dict[str, None]) -> RowOutcome:
        values = validate_changes(row.fields)
        keys = [e.casefold() for e in values.get("emails", ())] + [p.e164 for p in values.get("phones", ()) if p.e164]
        if job.on_duplicate is not DuplicatePolicy.CREATE and any(k in seen for k in keys):
            return RowOutcome.SKIPPED if job.on_duplicate is DuplicatePolicy.SKIP else RowOutcome.UPDATED
        seen.update(dict.fromkeys(keys))
        return RowOutcome.CREATED

    def _write_failed_rows(self, job: BulkJob) -> None:
        """One report from the chunks' parts, streamed (parts are read one at a time)."""
        def pieces() -> Iterator[bytes]:
            yield FAILED_HEADER.encode()
            for chunk in job.failed_chunks:
                yield from self._files.read(failed_part_key(job.workspace_id, job.id, chunk))

        self._files.write(failed_rows_key(job.workspace_id, job.id), pieces(), "text/csv")


def _recording(lines: Iterator[str], into: list[str]) -> Iterator[str]:
    """The lines, the header's kept in ``into`` until the caller appends "" (the header ended)."""
    for line in lines:
        if not into or into[-1] != "":
            into.append(line)
        yield line


def _merged(match: Contact, fields: dict[str, Any]) -> dict[str, Any]:
    """The row's fields as an update of ``match``: its emails, phones and tags are added to the contact's own."""
    changes = dict(fields)
    if "emails" in changes:
        have = {e.casefold() for e in match.emails}
        changes["emails"] = [*match.emails, *(e for e in changes["emails"] if e.casefold() not in have)]
    if "tags" in changes:
        have = {t.casefold() for t in match.tags}
        changes["tags"] = [*match.tags, *(t for t in changes["tags"] if t.casefold() not in have)]
    if "phones" in changes:
        given = validate_changes({"phones": changes["phones"]}).get("phones", ())
        have = {p.e164 or p.raw for p in match.phones}
        changes["phones"] = [*(p.raw for p in match.phones), *(p.raw for p in given if (p.e164 or p.raw) not in have)]
    return changes


def abandon(jobs: BulkJobRepository, job: BulkJob | None, reason: str, now: datetime) -> None:
    """A job not yet finished becomes failed with ``reason`` (unless another delivery moved it meanwhile)."""
    if job is not None and not job.status.finished:
        jobs.replace(job.with_changes(status=JobStatus.FAILED, error=reason, updated_at=now), job.next_chunk,
                     job.status)


def _failed_csv(failures: list[FailedRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for failure in failures:
        writer.writerow([failure.line, "; ".join(failure.reasons)])
    return buffer.getvalue().encode()

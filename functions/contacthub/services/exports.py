"""Export jobs: every contact of the workspace, or those a filter picks, written as CSV or vCard 4.0 to S3.

An export runs in chunks, one queue message each, so no run nears the worker's time limit however many contacts
there are. A chunk pages through the contacts (keyset pages, as any listing) from where the last one stopped
until it holds one part of the file (whole pages, at least ``part_bytes``: S3 wants 5 MiB in every part but the
last), uploads it as the next part of a multipart upload, then commits the cursor, the part count and the rows on
the job and queues the next chunk. What a run holds in memory is one part. A chunk run again (a crash, a
redelivered message) starts from the same cursor and writes the same part number again, which replaces it; the
job's commit is conditioned on the chunk it read, so it counts once. An export that fits in one part is a plain
upload.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from ..bulk.csv_format import write_csv
from ..bulk.vcard_format import write_vcards
from ..domain.bulk_jobs import PART_BYTES, BulkJob, FileFormat, JobKind, JobStatus, export_key, new_job_id
from ..domain.text import canonical_uuid
from ..domain.errors import NotFound
from ..ports import BulkFiles, BulkJobRepository, BulkQueue, ContactQuery
from . import paging
from .contacts import ContactService

CONTENT_TYPES = {FileFormat.CSV: "text/csv; charset=utf-8", FileFormat.VCARD: "text/vcard; charset=utf-8"}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def contact_query(query: dict[str, Any]) -> ContactQuery:
    return ContactQuery(text=query.get("search") or None, tags=tuple(query.get("tags") or ()))


class ExportService:
    def __init__(self, contacts: ContactService, jobs: BulkJobRepository, files: BulkFiles, queue: BulkQueue,
                 clock: Callable[[], datetime] = utcnow, part_bytes: int = PART_BYTES,
                 page_size: int = paging.MAX_PAGE_SIZE):
        self._contacts = contacts
        self._jobs = jobs
        self._files = files
        self._queue = queue
        self.clock = clock
        self._part_bytes = part_bytes
        self._page_size = page_size

    def create(self, workspace_id: str, file_format: FileFormat, query: dict[str, Any] | None = None) -> BulkJob:
        query = {k: v for k, v in (query or {}).items() if v}
        # A bad filter is refused now (400), not when the worker runs.
        self._contacts.search(workspace_id, contact_query(query), limit=1)
        now = self.clock()
        job = BulkJob(workspace_id=workspace_id, id=new_job_id(), kind=JobKind.EXPORT, status=JobStatus.QUEUED,
                      format=file_format, created_at=now, updated_at=now, query=query)
        self._jobs.add(job)
        self._send_chunk(job, 0)
        return job

    def get(self, workspace_id: str, job_id: str) -> BulkJob:
        key = canonical_uuid(job_id)  # ids are UUIDs: anything else names no job (and no key is built of it)
        job = self._jobs.get(workspace_id, key) if key else None
        if job is None or job.kind is not JobKind.EXPORT:
            raise NotFound("Export", job_id)
        return job

    def download_url(self, job: BulkJob) -> str | None:
        if job.status is not JobStatus.DONE:
            return None
        suffix = "csv" if job.format is FileFormat.CSV else "vcf"
        return self._files.download_url(export_key(job.workspace_id, job.id, job.format), f"contacts.{suffix}")

    def run(self, workspace_id: str, job_id: str, chunk: int | None = 0) -> None:
        """Write chunk ``chunk`` (from 0) of the export's file; a message of a chunk already committed is dropped.
        ``None``: a message of the version that wrote a file in one run, for a job it may have left midway."""
        job = self._jobs.get(workspace_id, job_id)
        if job is None or job.kind is not JobKind.EXPORT or job.status.finished:
            return
        if job.status is JobStatus.QUEUED:
            total = None
            if not job.query:  # the workspace's counter: no walk over the contacts
                total = self._contacts.search(workspace_id, ContactQuery(), limit=0, with_total=True).total
            started = job.with_changes(status=JobStatus.PROCESSING, updated_at=self.clock(),
                                       counts={**job.counts, "total": total} if total is not None else job.counts)
            if not self._jobs.replace(started, job.next_chunk, JobStatus.QUEUED):
                return
            job = started
        if chunk is None:
            chunk = job.next_chunk
        if chunk != job.next_chunk:
            if chunk == job.next_chunk - 1:  # committed, but the next chunk's message may never have been sent
                self._send_chunk(job, job.next_chunk)
            return
        data, cursor, rows, finished = self._next_part(job)
        key, content_type = export_key(workspace_id, job.id, job.format), CONTENT_TYPES[job.format]
        upload_id = job.upload_id
        if finished and upload_id is None:  # the whole file in one part
            self._files.write(key, [data], content_type)
        elif finished and self._files.size(key) is not None:
            pass  # a run of this last chunk completed the file already, and crashed before committing
        else:
            upload_id = upload_id or self._files.start_upload(key, content_type)
            if data:
                self._files.write_part(key, upload_id, chunk + 1, data)
            if finished:
                self._files.finish_upload(key, upload_id)
        before = job.counts.get("rows", 0) if job.cursor else 0  # a chunk from the first contact counts from 0
        done = job.with_changes(status=JobStatus.DONE if finished else JobStatus.PROCESSING, cursor=cursor,
                                upload_id=upload_id, counts={**job.counts, "rows": before + rows},
                                next_chunk=chunk + 1, updated_at=self.clock())
        if self._jobs.replace(done, chunk, JobStatus.PROCESSING) and not finished:
            self._send_chunk(done, done.next_chunk)

    def abandon(self, workspace_id: str, job_id: str, reason: str) -> None:
        """The worker gave up on this export (its last delivery failed): the job is failed with ``reason``."""
        from .imports import abandon

        abandon(self._jobs, self._jobs.get(workspace_id, job_id), reason, self.clock())

    def _next_part(self, job: BulkJob) -> tuple[bytes, str | None, int, bool]:
        """Whole pages of contacts from the job's cursor until they make a part: (the part, the cursor after it,
        its contacts, whether the walk ended)."""
        query = contact_query(job.query)
        part = bytearray()
        cursor, rows = job.cursor, 0
        header = job.cursor is None  # a CSV's header starts the file only
        while len(part) < self._part_bytes:
            page = self._contacts.search(job.workspace_id, query, limit=self._page_size, cursor=cursor)
            lines = write_csv(page.items, header) if job.format is FileFormat.CSV else write_vcards(page.items)
            for line in lines:
                part += line.encode()
            rows, header = rows + len(page.items), False
            if page.next is None:
                return bytes(part), cursor, rows, True
            cursor = page.next
        return bytes(part), cursor, rows, False

    def _send_chunk(self, job: BulkJob, chunk: int) -> None:
        self._queue.send({"type": "export", "workspaceId": job.workspace_id, "jobId": job.id, "chunk": chunk})

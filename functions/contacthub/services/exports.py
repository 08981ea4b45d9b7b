"""Export jobs: every contact of the workspace, or those a filter picks, written as CSV or vCard 4.0 to S3.

The worker pages through the contacts (keyset pages, as any listing) and streams the file to S3 in parts as it
goes: what it holds in memory is a page of contacts and one part, whatever the number of contacts. Run again
after a crash, it writes the whole file again under the same key.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..bulk.csv_format import write_csv
from ..bulk.vcard_format import write_vcards
from ..domain.bulk_jobs import BulkJob, FileFormat, JobKind, JobStatus, export_key, new_job_id
from ..domain.contact import Contact
from ..domain.text import canonical_uuid
from ..domain.errors import NotFound
from ..ports import BulkFiles, BulkJobRepository, BulkQueue, ContactQuery
from . import paging
from .contacts import ContactService

CONTENT_TYPES = {FileFormat.CSV: "text/csv; charset=utf-8", FileFormat.VCARD: "text/vcard; charset=utf-8"}
PROGRESS_EVERY = 1000  # contacts between two progress writes on the job


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _Progress:
    job: BulkJob  # as last stored
    rows: int = 0


def contact_query(query: dict[str, Any]) -> ContactQuery:
    return ContactQuery(text=query.get("search") or None, tags=tuple(query.get("tags") or ()))


class ExportService:
    def __init__(self, contacts: ContactService, jobs: BulkJobRepository, files: BulkFiles, queue: BulkQueue,
                 clock: Callable[[], datetime] = utcnow):
        self._contacts = contacts
        self._jobs = jobs
        self._files = files
        self._queue = queue
        self.clock = clock

    def create(self, workspace_id: str, file_format: FileFormat, query: dict[str, Any] | None = None) -> BulkJob:
        query = {k: v for k, v in (query or {}).items() if v}
        # A bad filter is refused now (400), not when the worker runs.
        self._contacts.search(workspace_id, contact_query(query), limit=1)
        now = self.clock()
        job = BulkJob(workspace_id=workspace_id, id=new_job_id(), kind=JobKind.EXPORT, status=JobStatus.QUEUED,
                      format=file_format, created_at=now, updated_at=now, query=query)
        self._jobs.add(job)
        self._queue.send({"type": "export", "workspaceId": workspace_id, "jobId": job.id})
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

    def run(self, workspace_id: str, job_id: str) -> None:
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
        # PROCESSING already: a run that crashed; this one writes the file again from the start.
        progress = _Progress(job)

        def counted(contacts: Iterator[Contact]) -> Iterator[Contact]:
            for contact in contacts:
                progress.rows += 1
                if progress.rows % PROGRESS_EVERY == 0:
                    progress.job = self._progress(progress.job, progress.rows)
                yield contact

        contacts = counted(self._contacts_of(job))
        lines = write_csv(contacts) if job.format is FileFormat.CSV else write_vcards(contacts)
        self._files.write(export_key(workspace_id, job.id, job.format), (line.encode() for line in lines),
                          CONTENT_TYPES[job.format])
        current = progress.job
        done = current.with_changes(status=JobStatus.DONE, counts={**current.counts, "rows": progress.rows},
                                    next_chunk=current.next_chunk + 1, updated_at=self.clock())
        self._jobs.replace(done, current.next_chunk, JobStatus.PROCESSING)

    def abandon(self, workspace_id: str, job_id: str, reason: str) -> None:
        """The worker gave up on this export (its last delivery failed): the job is failed with ``reason``."""
        from .imports import abandon

        abandon(self._jobs, self._jobs.get(workspace_id, job_id), reason, self.clock())

    def _progress(self, job: BulkJob, rows: int) -> BulkJob:
        moved = job.with_changes(counts={**job.counts, "rows": rows}, next_chunk=job.next_chunk + 1,
                                 updated_at=self.clock())
        return moved if self._jobs.replace(moved, job.next_chunk, JobStatus.PROCESSING) else job

    def _contacts_of(self, job: BulkJob) -> Iterator[Contact]:
        query = contact_query(job.query)
        cursor: str | None = None
        while True:
            page = self._contacts.search(job.workspace_id, query, limit=paging.MAX_PAGE_SIZE, cursor=cursor)
            yield from page.items
            if page.next is None:
                return
            cursor = page.next

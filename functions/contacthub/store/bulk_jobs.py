"""Import and export jobs: one item per job in the workspace's partition (sk ``JOB#<job id>``).

A chunk's counts and the position of the next chunk are written together, conditioned on the chunk the
writer read: a chunk run twice (a redelivered message, a crash before the message was deleted) commits once.
"""
from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError

from ..domain.bulk_jobs import BulkJob, DuplicatePolicy, FileFormat, JobKind, JobStatus
from .tables import _CrmModel, workspace_pk

JOB_PREFIX = "JOB#"
RETENTION = timedelta(days=30)  # the job's record outlives its files (7 days) so its counts stay readable


class BulkJobItem(_CrmModel):
    jobId = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    format = UnicodeAttribute()
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    onDuplicate = UnicodeAttribute()
    dryRun = BooleanAttribute()
    mapping = JSONAttribute(null=True)
    counts = JSONAttribute()
    nextChunk = NumberAttribute()
    nextOffset = NumberAttribute()
    nextLine = NumberAttribute()
    header = UnicodeAttribute(null=True)
    detectedFormat = UnicodeAttribute(null=True)
    ignoredColumns = JSONAttribute()
    failedChunks = JSONAttribute()
    error = UnicodeAttribute(null=True)
    query = JSONAttribute()
    cursor = UnicodeAttribute(null=True)
    uploadId = UnicodeAttribute(null=True)
    expiresAt = TTLAttribute()


def _to_item(job: BulkJob) -> BulkJobItem:
    return BulkJobItem(workspace_pk(job.workspace_id), JOB_PREFIX + job.id, jobId=job.id, kind=job.kind.value,
                       status=job.status.value, format=job.format.value, createdAt=job.created_at,
                       updatedAt=job.updated_at, onDuplicate=job.on_duplicate.value, dryRun=job.dry_run,
                       mapping=job.mapping, counts=job.counts, nextChunk=job.next_chunk, nextOffset=job.next_offset,
                       nextLine=job.next_line, header=job.header, detectedFormat=job.detected_format,
                       ignoredColumns=list(job.ignored_columns), failedChunks=list(job.failed_chunks),
                       error=job.error, query=job.query, cursor=job.cursor, uploadId=job.upload_id,
                       expiresAt=job.created_at + RETENTION)


def _from_item(workspace_id: str, item: BulkJobItem) -> BulkJob:
    return BulkJob(workspace_id=workspace_id, id=item.jobId, kind=JobKind(item.kind), status=JobStatus(item.status),
                   format=FileFormat(item.format), created_at=item.createdAt, updated_at=item.updatedAt,
                   on_duplicate=DuplicatePolicy(item.onDuplicate), dry_run=item.dryRun, mapping=item.mapping,
                   counts=dict(item.counts), next_chunk=int(item.nextChunk), next_offset=int(item.nextOffset),
                   next_line=int(item.nextLine), header=item.header, detected_format=item.detectedFormat,
                   ignored_columns=tuple(item.ignoredColumns), failed_chunks=tuple(item.failedChunks),
                   error=item.error, query=dict(item.query), cursor=item.cursor, upload_id=item.uploadId)


class BulkJobRepository:
    def add(self, job: BulkJob) -> None:
        _to_item(job).save(condition=BulkJobItem.sk.does_not_exist())

    def get(self, workspace_id: str, job_id: str) -> BulkJob | None:
        try:
            item = BulkJobItem.get(workspace_pk(workspace_id), JOB_PREFIX + job_id, consistent_read=True)
        except DoesNotExist:
            return None
        return _from_item(workspace_id, item)

    def replace(self, job: BulkJob, expected_chunk: int, expected_status: JobStatus) -> bool:
        try:
            _to_item(job).save(condition=(BulkJobItem.nextChunk == expected_chunk)
                               & (BulkJobItem.status == expected_status.value))
        except PutError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True

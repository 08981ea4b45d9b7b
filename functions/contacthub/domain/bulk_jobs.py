"""Import and export jobs: what a client asks for, where a job stands, what it counted.

A job is asynchronous: an import waits for its file, then runs in chunks of rows, each chunk committed with
its counts in one conditional write on the job (see services/imports.py); an export writes its file in chunks
of one part each (see services/exports.py) and then offers a download link.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

# Bounds (documented in the README). A file over MAX_IMPORT_BYTES is refused when announced (400) and fails
# its job when the uploaded object turns out larger.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# A file's part in an S3 multipart upload (every part but the last holds at least 5 MiB): what a write holds in
# memory at most, and what one chunk of an export writes.
PART_BYTES = 8 * 1024 * 1024
CHUNK_ROWS = 250  # rows per worker invocation: about 10 s of writes, far from a Lambda's timeout
URL_SECONDS = 3600  # how long an upload or download link works
MAX_REASONS = 5  # reasons kept per failed row


class JobKind(str, Enum):
    IMPORT = "import"
    EXPORT = "export"


class JobStatus(str, Enum):
    AWAITING_UPLOAD = "awaiting_upload"  # an import whose file has not arrived
    QUEUED = "queued"  # an export waiting for the worker
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"  # the file as a whole could not be read (rows failing alone never fail the job)

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


class FileFormat(str, Enum):
    CSV = "csv"
    VCARD = "vcard"


class DuplicatePolicy(str, Enum):
    """What a row matching an existing contact (same email, case-insensitive, or same E.164 phone) does."""

    SKIP = "skip"  # left as it is
    UPDATE = "update"  # the row's fields replace the contact's; emails, phones and tags are added to its own
    CREATE = "create"  # a new contact all the same


class RowOutcome(str, Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # matched, and the row would change nothing
    SKIPPED = "skipped"  # matched, policy skip
    FAILED = "failed"


COUNTED = ("rows", *(o.value for o in RowOutcome))


@dataclass(frozen=True)
class FailedRow:
    line: int  # the row's line in the file (the header is line 1; a vCard's BEGIN line)
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class BulkJob:
    workspace_id: str
    id: str
    kind: JobKind
    status: JobStatus
    format: FileFormat
    created_at: datetime
    updated_at: datetime
    # imports
    on_duplicate: DuplicatePolicy = DuplicatePolicy.SKIP
    dry_run: bool = False
    mapping: dict[str, str] | None = None  # header -> field; None: recognised from the header
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    next_chunk: int = 0  # chunks committed so far
    next_offset: int = 0  # where the next chunk starts in the file (bytes)
    next_line: int = 1  # the file line at next_offset
    header: str | None = None  # a CSV's header record, read by the first chunk, fed to every later one
    detected_format: str | None = None  # google, outlook, hubspot, contacthub, generic, explicit
    ignored_columns: tuple[str, ...] = ()
    failed_chunks: tuple[int, ...] = ()  # chunks that wrote a file of failed rows
    error: str | None = None  # why a FAILED job failed
    # exports
    query: dict[str, Any] = field(default_factory=dict)  # {"search": ..., "tags": [...]}
    cursor: str | None = None  # where the next part's contacts start (None: the first contact)
    upload_id: str | None = None  # the file's multipart upload, once it needs more than one part

    def with_changes(self, **changes: Any) -> BulkJob:
        return replace(self, **changes)


def new_job_id() -> str:
    return str(uuid.uuid4())


_ROWS = uuid.UUID("5f1b8c3e-2a57-4f0e-9a5c-7d7f2b1e6a10")


def row_contact_id(job_id: str, line: int) -> str:
    """The id the contact created by this row of this job gets: a chunk run again after a crash writes the
    same id, which the store refuses as existing, so nothing is created twice."""
    return str(uuid.uuid5(_ROWS, f"{job_id}:{line}"))


def upload_key(workspace_id: str, job_id: str) -> str:
    return f"{workspace_id}/imports/{job_id}/upload"


def failed_part_key(workspace_id: str, job_id: str, chunk: int) -> str:
    return f"{workspace_id}/imports/{job_id}/failed/{chunk:07d}.csv"


def failed_rows_key(workspace_id: str, job_id: str) -> str:
    return f"{workspace_id}/imports/{job_id}/failed-rows.csv"


def export_key(workspace_id: str, job_id: str, file_format: FileFormat) -> str:
    return f"{workspace_id}/exports/{job_id}/contacts.{'csv' if file_format is FileFormat.CSV else 'vcf'}"


def parse_upload_key(key: str) -> tuple[str, str] | None:
    """(workspace id, job id) of an import's upload key; None for any other key."""
    parts = key.split("/")
    if len(parts) == 4 and parts[1] == "imports" and parts[3] == "upload" and all(parts):
        return parts[0], parts[2]
    return None

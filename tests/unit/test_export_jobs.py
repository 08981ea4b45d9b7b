"""Export jobs on moto (DynamoDB and S3) with an in-memory queue: a file written in parts over several chunks is
the file one run would write, and chunks run twice, crashed or lost leave the same file and counts."""
from __future__ import annotations

import pytest

from fakes import Crash, ListQueue
from contacthub.bulk.files import S3BulkFiles
from contacthub.domain.bulk_jobs import FileFormat, JobStatus, export_key
from contacthub.services.exports import ExportService
from contacthub.store.bulk_jobs import BulkJobRepository

BUCKET = "test-bulk"
PEOPLE = 23
SMALL_PART = 300  # bytes: two pages of 3 contacts make a part


@pytest.fixture
def people(services):
    ws = services.workspaces.create_key("Acme", "Ann Admin", "ann@acme.example").workspace.id
    for n in range(PEOPLE):
        services.contacts.create(ws, {"name": f"Person {n:02}", "emails": [f"p{n}@acme.example"],
                                      "company": "Acme, Inc.", "notes": "line one\nline two"})
    return services, ws


def _exports(services, part_bytes: int) -> tuple[ExportService, ListQueue, S3BulkFiles]:
    queue, files = ListQueue(), S3BulkFiles(BUCKET, "us-east-1")
    return ExportService(services.contacts, BulkJobRepository(), files, queue, part_bytes=part_bytes,
                         page_size=3), queue, files


def _drain(exports, queue) -> int:
    """What the worker does: each message in turn; how many it ran."""
    runs = 0
    while queue.messages:
        message = queue.messages.pop(0)
        exports.run(message["workspaceId"], message["jobId"], message["chunk"])
        runs += 1
    return runs


def _export(services, ws, file_format, part_bytes) -> tuple[bytes, object, int]:
    exports, queue, files = _exports(services, part_bytes)
    job = exports.create(ws, file_format)
    runs = _drain(exports, queue)
    return b"".join(files.read(export_key(ws, job.id, file_format))), exports.get(ws, job.id), runs


@pytest.mark.parametrize("file_format", list(FileFormat))
def test_a_file_in_many_parts_is_the_file_of_one(people, small_s3_parts, file_format):
    services, ws = people
    # Given the workspace exported in one part
    whole, _, runs = _export(services, ws, file_format, part_bytes=10 * 1024 * 1024)
    assert runs == 1
    # When it is exported in parts of a few hundred bytes, one chunk each
    parted, job, runs = _export(services, ws, file_format, part_bytes=SMALL_PART)
    # Then the file is the same, byte for byte, and every contact was counted once
    assert runs > 3 and parted == whole
    assert job.status is JobStatus.DONE and job.counts["rows"] == PEOPLE and job.counts["total"] == PEOPLE
    assert job.upload_id and job.next_chunk == runs
    if file_format is FileFormat.CSV:
        assert parted.count(b"Name,First Name") == 1
        assert parted.decode().count("@acme.example") == PEOPLE


def test_an_empty_workspace_exports_a_header(services):
    ws = services.workspaces.create_key("Empty", "Ed", "ed@empty.example").workspace.id
    text, job, runs = _export(services, ws, FileFormat.CSV, part_bytes=SMALL_PART)
    assert runs == 1 and text.decode().splitlines() == [text.decode().splitlines()[0]]
    assert job.status is JobStatus.DONE and job.counts["rows"] == 0 and job.upload_id is None


def test_chunks_delivered_twice_or_run_again_after_a_crash_write_the_same_file(people, small_s3_parts, monkeypatch):
    services, ws = people
    whole, _, _ = _export(services, ws, FileFormat.CSV, part_bytes=10 * 1024 * 1024)
    exports, queue, files = _exports(services, SMALL_PART)
    job = exports.create(ws, FileFormat.CSV)
    real_write, real_finish = files.write_part, files.finish_upload
    crashes = {"part": 0, "finish": 0}

    def write_part_then_crash(key, upload_id, number, data):
        real_write(key, upload_id, number, data)
        if number == 2 and not crashes["part"]:  # the part is stored, the job not yet told
            crashes["part"] += 1
            raise Crash("after the part")

    def finish_then_crash(key, upload_id):
        real_finish(key, upload_id)
        if not crashes["finish"]:  # the file is complete, the job not yet told
            crashes["finish"] += 1
            raise Crash("after the file")

    monkeypatch.setattr(files, "write_part", write_part_then_crash)
    monkeypatch.setattr(files, "finish_upload", finish_then_crash)
    # When every message is delivered twice, and a message that crashed comes back (as SQS redelivers it)
    while queue.messages:
        message = queue.messages.pop(0)
        for _ in range(2):
            try:
                exports.run(message["workspaceId"], message["jobId"], message["chunk"])
            except Crash:
                exports.run(message["workspaceId"], message["jobId"], message["chunk"])
    # Then the file and the counts are those of a single clean run
    done = exports.get(ws, job.id)
    assert crashes == {"part": 1, "finish": 1}
    assert done.status is JobStatus.DONE and done.counts["rows"] == PEOPLE
    assert b"".join(files.read(export_key(ws, job.id, FileFormat.CSV))) == whole


def test_a_committed_chunk_whose_next_message_was_lost_sends_it_again(people, small_s3_parts):
    services, ws = people
    exports, queue, _ = _exports(services, SMALL_PART)
    job = exports.create(ws, FileFormat.VCARD)
    first = queue.messages.pop(0)
    exports.run(first["workspaceId"], first["jobId"], first["chunk"])
    queue.messages.clear()  # the next chunk's message never reached the queue
    # When the committed chunk's message comes back
    exports.run(first["workspaceId"], first["jobId"], first["chunk"])
    # Then it writes nothing again, and the next chunk is queued
    assert queue.messages == [{"type": "export", "workspaceId": ws, "jobId": job.id, "chunk": 1}]
    assert exports.get(ws, job.id).next_chunk == 1
    _drain(exports, queue)
    assert exports.get(ws, job.id).counts["rows"] == PEOPLE


def test_a_message_of_another_workspace_writes_nothing(people):
    services, ws = people
    other = services.workspaces.create_key("Other", "Oz", "oz@other.example").workspace.id
    exports, queue, _ = _exports(services, SMALL_PART)
    job = exports.create(ws, FileFormat.CSV)
    message = queue.messages.pop(0)
    exports.run(other, message["jobId"], 0)  # the job id under another workspace names no job
    assert not queue.messages and exports.get(ws, job.id).status is JobStatus.QUEUED


def test_an_export_the_previous_version_left_midway_is_written_again_whole(people, small_s3_parts, monkeypatch):
    from contacthub.bulk import handler

    services, ws = people
    whole, _, _ = _export(services, ws, FileFormat.CSV, part_bytes=10 * 1024 * 1024)
    # Given an export as the version that wrote a file in one run left it after a crash: processing, its chunk
    # counter moved by progress writes, 2,000 rows counted, no cursor, and its message (which names no chunk)
    exports, queue, files = _exports(services, SMALL_PART)
    job = exports.create(ws, FileFormat.CSV)
    message = {key: value for key, value in queue.messages.pop(0).items() if key != "chunk"}
    jobs = BulkJobRepository()
    jobs.replace(job.with_changes(status=JobStatus.PROCESSING, next_chunk=3, counts={"rows": 2000}), 0,
                 JobStatus.QUEUED)
    monkeypatch.setattr(handler, "services", lambda: type("Built", (), {"exports": exports})())
    # When that message comes back to this version's worker, and the chunks it queues run
    handler.handle(message)
    _drain(exports, queue)
    # Then the file is whole, header included, and every contact counted once
    done = exports.get(ws, job.id)
    assert done.status is JobStatus.DONE and done.counts["rows"] == PEOPLE
    assert b"".join(files.read(export_key(ws, job.id, FileFormat.CSV))) == whole

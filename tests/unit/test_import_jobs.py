"""Import jobs on moto (DynamoDB and S3) with an in-memory queue: chunks, counts, failed rows, duplicate policies,
dry runs, and a chunk run again after a crash creating nothing twice."""
from __future__ import annotations

import csv
import io
import json

import pytest

from client import LambdaContext
from fakes import Crash, ListQueue
from contacthub.bulk.files import S3BulkFiles
from contacthub.domain.bulk_jobs import (
    DuplicatePolicy,
    FileFormat,
    JobStatus,
    MAX_IMPORT_BYTES,
    failed_rows_key,
    upload_key,
)
from contacthub.domain.errors import NotFound, ValidationFailed
from contacthub.ports import ContactQuery
from contacthub.services.imports import ImportService
from contacthub.store.bulk_jobs import BulkJobRepository

BUCKET = "test-bulk"


@pytest.fixture
def bulk(services):
    queue = ListQueue()
    files = S3BulkFiles(BUCKET, "us-east-1")
    imports = ImportService(services.contacts, BulkJobRepository(), files, queue, chunk_rows=3)
    ws = services.workspaces.create_key("Acme", "Ann Admin", "ann@acme.example").workspace.id
    return imports, queue, files, ws, services


def _upload(files, job, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    files.write(upload_key(job.workspace_id, job.id), [data], "text/csv")


def _drain(imports, queue, limit=100):
    """What the worker does: the upload event, then each chunk message in turn."""
    for _ in range(limit):
        if not queue.messages:
            return
        message = queue.messages.pop(0)
        imports.run_chunk(message["workspaceId"], message["jobId"], message["chunk"])


def _run(bulk, text, **options):
    imports, queue, files, ws, _ = bulk
    job, url = imports.create(ws, **options)
    assert url.startswith("https://") and BUCKET in url
    _upload(files, job, text)
    imports.uploaded(upload_key(ws, job.id))
    _drain(imports, queue)
    return imports.get(ws, job.id)


GOOGLE_HEADER = "First Name,Last Name,E-mail 1 - Value,Phone 1 - Value,Labels\n"


def _google(rows: list[tuple[str, str, str, str]]) -> str:
    return GOOGLE_HEADER + "".join(f"{f},{l},{e},{p},* myContacts ::: Imported\n" for f, l, e, p in rows)


def _failed_rows(bulk, job) -> list[list[str]]:
    _, _, files, ws, _ = bulk
    text = b"".join(files.read(failed_rows_key(ws, job.id))).decode()
    return list(csv.reader(io.StringIO(text)))


def test_counts_across_chunks_with_duplicates_and_bad_rows(bulk):
    # Given 7 rows (3 per chunk): a duplicate of row 2 by email (other case), a bad email, a row with nothing
    text = _google([("Ann", "Lee", "ann@x.example", "+1 212 555 0101"),
                    ("Bob", "Ray", "bob@x.example", ""),
                    ("Bobby", "Ray", "BOB@x.example", ""),
                    ("Cid", "Moe", "not-an-email", ""),
                    (",", "", "", ""),
                    ("Dee", "Fox", "dee@x.example", "+1 212 555 0104"),
                    ("Eve", "Kim", "", "+1 (212) 555-0101")])  # Ann's phone, written another way
    # When it is imported skipping duplicates
    job = _run(bulk, text, on_duplicate=DuplicatePolicy.SKIP)
    # Then every row is counted once, the failures with their lines and reasons
    assert job.status is JobStatus.DONE and job.detected_format == "google"
    assert job.counts == {"rows": 7, "created": 3, "updated": 0, "unchanged": 0, "skipped": 2, "failed": 2}
    assert job.next_chunk == 3
    rows = _failed_rows(bulk, job)
    assert rows[0] == ["row", "reasons"]
    assert [r[0] for r in rows[1:]] == ["5", "6"]
    assert "email" in rows[1][1].lower() and rows[2][1]
    imports, _, _, ws, services = bulk
    assert imports.failed_rows_url(job)
    assert services.contacts.search(ws, ContactQuery(), limit=0, with_total=True).total == 3


def test_update_then_update_again_changes_nothing(bulk):
    imports, _, _, ws, services = bulk
    services.contacts.create(ws, {"name": "Ann Old", "emails": ["ann@x.example"], "tags": ["Customer"]})
    text = _google([("Ann", "Lee", "ann@x.example", "+1 212 555 0101"), ("Bob", "Ray", "bob@x.example", ""),
                    ("Bob", "Ray", "bob@x.example", "")])
    first = _run(bulk, text, on_duplicate=DuplicatePolicy.UPDATE)
    assert (first.counts["created"], first.counts["updated"], first.counts["unchanged"]) == (1, 1, 1)
    ann = services.contacts.find_match(ws, {"name": "x", "emails": ["ann@x.example"]}, imports_match())
    assert ann.name == "Ann Lee" and set(ann.tags) == {"Customer", "Imported"}  # the contact's own tag is kept
    second = _run(bulk, text, on_duplicate=DuplicatePolicy.UPDATE)
    assert (second.counts["created"], second.counts["updated"], second.counts["unchanged"]) == (0, 0, 3)


def imports_match():
    from contacthub.services.imports import MATCH_BY

    return MATCH_BY


def test_dry_run_reports_and_writes_nothing(bulk):
    imports, _, _, ws, services = bulk
    services.contacts.create(ws, {"name": "Ann Old", "emails": ["ann@x.example"]})
    text = _google([("Ann", "Lee", "ann@x.example", ""), ("Bob", "Ray", "bob@x.example", ""),
                    ("Bob", "Ray", "bob@x.example", ""), ("Cid", "", "bad@", "")])
    job = _run(bulk, text, on_duplicate=DuplicatePolicy.UPDATE, dry_run=True)
    assert job.counts == {"rows": 4, "created": 1, "updated": 2, "unchanged": 0, "skipped": 0, "failed": 1}
    assert services.contacts.search(ws, ContactQuery(), limit=0, with_total=True).total == 1
    assert services.contacts.find_match(ws, {"name": "x", "emails": ["ann@x.example"]}, imports_match()).name == "Ann Old"


def test_create_policy_makes_duplicates(bulk):
    text = _google([("Bob", "Ray", "bob@x.example", ""), ("Bob", "Ray", "bob@x.example", "")])
    job = _run(bulk, text, on_duplicate=DuplicatePolicy.CREATE)
    assert job.counts["created"] == 2


def test_a_chunk_run_again_after_a_crash_creates_nothing_twice(bulk):
    imports, queue, files, ws, services = bulk
    text = _google([(f"P{i}", "Q", f"p{i}@x.example", "") for i in range(7)])
    job, _ = imports.create(ws, on_duplicate=DuplicatePolicy.CREATE)
    _upload(files, job, text)
    imports.uploaded(upload_key(ws, job.id))
    imports.uploaded(upload_key(ws, job.id))  # S3 delivers events at least once
    assert len(queue.messages) == 2
    # Given the worker crashes in the middle of chunk 1, after its second row was written
    _drain(imports, queue, limit=2)  # chunk 0, and its duplicate, which only queues chunk 1 once more
    assert [m["chunk"] for m in queue.messages] == [1, 1]
    real_create, calls = services.contacts.create, []

    def crashing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise Crash("the container died")
        return real_create(*args, **kwargs)

    services.contacts.create = crashing
    message = queue.messages.pop(0)
    with pytest.raises(Crash):
        imports.run_chunk(ws, job.id, message["chunk"])
    services.contacts.create = real_create
    # When the message comes back and is handled again (twice, as SQS may)
    _drain(imports, queue)
    imports.run_chunk(ws, job.id, message["chunk"])
    _drain(imports, queue)
    # Then each row made exactly one contact, and the counts are exact
    done = imports.get(ws, job.id)
    assert done.status is JobStatus.DONE
    assert done.counts == {"rows": 7, "created": 7, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    assert services.contacts.search(ws, ContactQuery(), limit=0, with_total=True).total == 7


def test_vcards_in_chunks_with_their_begin_lines(bulk):
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@x.example\r\nEND:VCARD\r\n"
                    for i in range(4))
    broken = "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nobody\r\nEND:VCARD\r\n"
    job = _run(bulk, cards + broken, file_format=FileFormat.VCARD)
    assert job.counts["rows"] == 5 and job.counts["created"] == 4 and job.counts["failed"] == 1
    assert _failed_rows(bulk, job)[1][0] == "21"


def test_a_file_that_is_not_utf8_fails_the_job_with_a_reason(bulk):
    job = _run(bulk, (GOOGLE_HEADER + "Zoë,Ä,z@x.example,,\n").encode("latin-1"))
    assert job.status is JobStatus.FAILED and "UTF-8" in job.error


def test_a_csv_without_known_columns_fails_the_job(bulk):
    job = _run(bulk, "foo,bar\n1,2\n")
    assert job.status is JobStatus.FAILED and "mapping" in job.error


def test_an_explicit_mapping(bulk):
    job = _run(bulk, "Who,Mail\nAnn,ann@x.example\n", mapping={"Who": "name", "Mail": "emails"})
    assert job.counts["created"] == 1 and job.detected_format == "explicit"


def test_bad_requests_are_refused(bulk):
    imports, _, _, ws, _ = bulk
    with pytest.raises(ValidationFailed):
        imports.create(ws, size=MAX_IMPORT_BYTES + 1)
    with pytest.raises(ValidationFailed):
        imports.create(ws, mapping={"Who": "shoe_size"})
    with pytest.raises(ValidationFailed):
        imports.create(ws, file_format=FileFormat.VCARD, mapping={"Who": "name"})


def test_another_workspace_sees_no_job(bulk):
    imports, _, _, ws, services = bulk
    job, _ = imports.create(ws)
    other = services.workspaces.create_key("Globex", "Hank", "hank@globex.example").workspace.id
    with pytest.raises(NotFound):
        imports.get(other, job.id)
    imports.uploaded(upload_key(other, job.id))  # a key naming another workspace starts nothing
    assert imports.get(ws, job.id).status is JobStatus.AWAITING_UPLOAD


def _sqs_event(body: dict, receives: int) -> dict:
    return {"Records": [{"messageId": "m-1", "body": json.dumps(body),
                         "attributes": {"ApproximateReceiveCount": str(receives)}}]}


def test_a_chunk_failing_on_its_last_delivery_fails_its_job(bulk, monkeypatch):
    from contacthub.bulk import handler

    # Given an import whose first chunk keeps crashing
    imports, queue, files, ws, _ = bulk
    job, _ = imports.create(ws)
    _upload(files, job, _google([("Ann", "Lee", "ann@x.example", "")]))
    imports.uploaded(upload_key(ws, job.id))
    message = queue.messages.pop(0)
    monkeypatch.setattr(handler, "services", lambda: type("Built", (), {"imports": imports})())
    monkeypatch.setattr(imports, "_process", lambda job: (_ for _ in ()).throw(Crash("disk on fire")))
    # When deliveries before the last fail, the job still shows processing (the queue will try again)
    for receives in range(1, handler.MAX_RECEIVES):
        answer = handler.lambda_handler(_sqs_event(message, receives), LambdaContext())
        assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
        assert imports.get(ws, job.id).status is JobStatus.PROCESSING
    # When the last one fails, the message is reported (to the dead-letter queue) and the job is failed, saying why
    answer = handler.lambda_handler(_sqs_event(message, handler.MAX_RECEIVES), LambdaContext())
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    stopped = imports.get(ws, job.id)
    assert stopped.status is JobStatus.FAILED and "failed 5 times" in stopped.error
    assert "disk on fire" not in stopped.error  # no internals in what the client reads


def test_the_worker_gives_up_when_the_queue_does():
    from contacthub.bulk import handler
    from contacthub_local.template import load_template

    queue = load_template()["Resources"]["BulkQueue"]["Properties"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == handler.MAX_RECEIVES

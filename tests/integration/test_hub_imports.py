"""/hub/v1/imports and /hub/v1/exports through the real handlers on moto: the upload link, the bucket's event,
the bulk worker's chunks, exact counts and failed rows, re-runs, a crash in the middle of a chunk, tenant walls,
bad input as problem+json, and an export that imports back to the same contacts."""
from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest
import requests

from client import ApiClient, LambdaContext
from contacthub.wiring import services as build_services
from contacthub.wiring import use_settings
from contacthub_local.workers import LocalWorkers, local_settings
from environment import SETTINGS, workspace_items

HEADER = ("Name,Given Name,Family Name,Labels,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
          "Organization 1 - Name\n")


def _hub():
    settings = local_settings(SETTINGS)
    use_settings(settings)
    services = build_services()
    mine = services.workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")
    other = services.workspaces.create_key("Globex", "Hank Scorpio", "hank@globex.example")
    return SimpleNamespace(workers=LocalWorkers(settings), api=ApiClient(mine.key), other=ApiClient(other.key),
                           services=services, ws=mine.workspace.id, other_ws=other.workspace.id)


@pytest.fixture
def hub(aws):
    return _hub()


def _row(given: str, family: str, email: str, phone: str = "", company: str = "", labels="* myContacts") -> str:
    return f"{given} {family},{given},{family},{labels},Work,{email},Mobile,{phone},{company}\n"


def _import(hub, data: bytes, api=None, **options) -> dict:
    api = api or hub.api
    created = api.post("/hub/v1/imports", json={"format": "csv", **options})
    assert created.status == 201, created.text
    job = created.json
    assert job["status"] == "awaiting_upload" and job["uploadHeaders"]["Content-Type"].startswith("text/")
    put = requests.put(job["uploadUrl"], data=data, headers=job["uploadHeaders"], timeout=10)
    assert put.status_code == 200
    hub.workers.drain(rounds=200)
    reply = api.get(f"/hub/v1/imports/{job['id']}")
    assert reply.status == 200, reply.text
    return reply.json


def _total(hub, ws) -> int:
    from contacthub.ports import ContactQuery

    return hub.services.contacts.search(ws, ContactQuery(), limit=0, with_total=True).total


def google_file() -> tuple[bytes, list[int]]:
    """500 rows: 447 people, 23 exact repeats of earlier rows, 10 that update contacts of the workspace (same
    address, other case), 10 with a bad address and 10 with nothing to make a contact of. And the failing lines."""
    rows, failing = [], []
    for i in range(447):
        rows.append(_row(f"Given{i}", f"Family{i}", f"person{i}@example.com", f"+1 212 555 {1000 + i:04d}",
                         "Acme" if i % 3 else ""))
        if i % 20 == 5:  # 23 repeats, spread through the file
            rows.append(rows[-1])
        if i % 45 == 7:  # 10 rows about contacts the workspace has
            rows.append(_row("Known", f"Person{i}", f"KNOWN{i}@Example.com", "", "Initech"))
        if i % 45 == 9:
            rows.append(_row("Bad", f"Address{i}", f"bad{i}@", ""))
            failing.append(len(rows) + 1)  # the header is line 1
        if i % 45 == 11:
            rows.append(",,,VIP,,,,,\n")
            failing.append(len(rows) + 1)
    assert len(rows) == 500
    return (HEADER + "".join(rows)).encode(), failing


def test_a_google_csv_with_duplicates_imports_with_exact_counts_and_a_second_update_changes_nothing(hub):
    # Given a workspace with 10 contacts the file also has (by email), and the 500-row Google Contacts file
    for i in range(7, 450, 45):
        hub.services.contacts.create(hub.ws, {"name": f"Old Name{i}", "emails": [f"known{i}@example.com"]})
    data, failing = google_file()
    # When it is imported, updating duplicates
    job = _import(hub, data, onDuplicate="update")
    # Then every row is counted exactly once
    assert job["status"] == "done" and job["detectedFormat"] == "google", job
    assert job["counts"] == {"rows": 500, "created": 447, "updated": 10, "unchanged": 23, "skipped": 0,
                             "failed": 20}
    assert _total(hub, hub.ws) == 457
    # And the failed rows are listed with their line numbers and reasons
    report = list(csv.reader(io.StringIO(requests.get(job["failedRowsUrl"], timeout=10).text)))
    assert report[0] == ["row", "reasons"]
    assert [int(r[0]) for r in report[1:]] == failing
    assert all(r[1] for r in report[1:])
    assert any("email" in r[1].lower() for r in report[1:]) and any("no name" in r[1] for r in report[1:])
    # When the same file is imported again with update
    again = _import(hub, data, onDuplicate="update")
    # Then nothing changes
    assert again["counts"] == {"rows": 500, "created": 0, "updated": 0, "unchanged": 480, "skipped": 0,
                               "failed": 20}
    assert _total(hub, hub.ws) == 457
    # And with skip, every known row is skipped
    skipped = _import(hub, data, onDuplicate="skip")
    assert (skipped["counts"]["created"], skipped["counts"]["skipped"]) == (0, 480)


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(hub):
    data = (HEADER + _row("Ann", "Lee", "ann@example.com") + _row("Bob", "Ray", "bad@")).encode()
    job = _import(hub, data, dryRun=True)
    assert job["dryRun"] is True and job["counts"]["created"] == 1 and job["counts"]["failed"] == 1
    assert _total(hub, hub.ws) == 0


def test_a_chunk_redelivered_after_a_crash_creates_nothing_twice(hub, monkeypatch):
    from contacthub.bulk import handler
    from contacthub.domain.bulk_jobs import upload_key

    # Given an import of 300 rows (two chunks) whose file has arrived
    data = (HEADER + "".join(_row(f"G{i}", f"F{i}", f"p{i}@example.com") for i in range(300))).encode()
    created = hub.api.post("/hub/v1/imports", json={"onDuplicate": "create"}).json
    requests.put(created["uploadUrl"], data=data, headers=created["uploadHeaders"], timeout=10)
    imports = hub.services.imports
    imports.uploaded(upload_key(hub.ws, created["id"]))
    record = {"messageId": "m-1", "body": json.dumps({"type": "import-chunk", "workspaceId": hub.ws,
                                                       "jobId": created["id"], "chunk": 0})}
    # When the worker dies after 100 rows of the first chunk
    real_create, calls = hub.services.contacts.create, []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == 101:
            raise MemoryError("the container is gone")
        return real_create(*args, **kwargs)

    monkeypatch.setattr(hub.services.contacts, "create", dying)
    assert handler.lambda_handler({"Records": [record]}, LambdaContext())["batchItemFailures"] == [
        {"itemIdentifier": "m-1"}]
    monkeypatch.setattr(hub.services.contacts, "create", real_create)
    assert _total(hub, hub.ws) == 100
    # And the message comes back, twice (SQS delivers at least once)
    for _ in range(2):
        assert handler.lambda_handler({"Records": [record]}, LambdaContext())["batchItemFailures"] == []
    hub.workers.drain(rounds=200)
    # Then each row made one contact, and the counts are exact
    job = hub.api.get(f"/hub/v1/imports/{created['id']}").json
    assert job["status"] == "done"
    assert job["counts"] == {"rows": 300, "created": 300, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    assert _total(hub, hub.ws) == 300


def test_jobs_and_links_stay_in_their_workspace(hub):
    job = hub.api.post("/hub/v1/imports", json={}).json
    export = hub.api.post("/hub/v1/exports", json={"format": "csv"}).json
    for path in (f"/hub/v1/imports/{job['id']}", f"/hub/v1/exports/{export['id']}"):
        reply = hub.other.get(path)
        assert reply.status == 404 and reply.headers["Content-Type"] == "application/problem+json"
    assert f"/{hub.ws}/imports/{job['id']}/upload" in job["uploadUrl"]  # keys are prefixed by their workspace
    assert hub.api.get(f"/hub/v1/exports/{job['id']}").status == 404  # an import is no export


@pytest.mark.parametrize("body", [
    {"format": "xlsx"}, {"onDuplicate": "merge"}, {"dryRun": "yes"}, {"size": 50 * 1024 * 1024 + 1},
    {"mapping": {"Who": "shoe_size"}}, {"format": "vcard", "mapping": {"FN": "name"}}, {"unknown": 1},
])
def test_bad_import_requests_are_problems(hub, body):
    before = workspace_items(hub.ws)
    reply = hub.api.post("/hub/v1/imports", json=body)
    assert reply.status == 400 and reply.headers["Content-Type"] == "application/problem+json", reply.text
    assert reply.json["status"] == 400
    assert workspace_items(hub.ws) == before  # no job was stored


@pytest.mark.parametrize("body", [{}, {"format": "pdf"}, {"format": "csv", "filter": {"colour": "red"}}])
def test_bad_export_requests_are_problems(hub, body):
    before = workspace_items(hub.ws)
    reply = hub.api.post("/hub/v1/exports", json=body)
    assert reply.status == 400 and reply.headers["Content-Type"] == "application/problem+json", reply.text
    assert workspace_items(hub.ws) == before  # no job was stored


def test_an_unreadable_file_fails_its_job_with_a_reason(hub):
    job = _import(hub, (HEADER + _row("Zoë", "Ä", "z@example.com")).encode("utf-16"))
    assert job["status"] == "failed" and "UTF-8" in job["error"]
    job = _import(hub, b"")
    assert job["status"] == "failed" and "empty" in job["error"]


@pytest.mark.parametrize("file_format", ["csv", "vcard"])
def test_an_export_imports_back_to_the_same_contacts(hub, file_format):
    from contacthub.ports import ContactQuery

    # Given contacts with every exported field
    for i in range(120):
        hub.services.contacts.create(hub.ws, {
            "name": f"Person {i}", "emails": [f"p{i}@example.com", f"p{i}@home.example"],
            "phones": [f"+1 212 555 {2000 + i:04d}"], "company": "Acme, Inc." if i % 2 else None,
            "position": "CTO" if i % 3 else None, "notes": f"Met at fair {i}\nsecond line" if i % 4 else None,
            "tags": ["VIP", f"T{i % 5}"], "website": "https://acme.example" if i % 5 else None})
    # When they are exported
    export = hub.api.post("/hub/v1/exports", json={"format": file_format})
    assert export.status == 202 and export.json["downloadUrl"] is None
    hub.workers.drain(rounds=50)
    done = hub.api.get(f"/hub/v1/exports/{export.json['id']}").json
    assert done["status"] == "done" and done["counts"] == {"rows": 120, "total": 120}
    data = requests.get(done["downloadUrl"], timeout=10).content
    # And imported into an empty workspace
    job = _import(hub, data, api=hub.other, format=file_format)
    assert job["counts"]["created"] == 120 and job["counts"]["failed"] == 0, job

    # Then it holds the same contacts
    def snapshot(ws):
        page = hub.services.contacts.search(ws, ContactQuery(), limit=100)
        items = list(page.items)
        while page.next:
            page = hub.services.contacts.search(ws, ContactQuery(), limit=100, cursor=page.next)
            items += page.items
        return sorted((c.name, tuple(c.emails), tuple(p.e164 for p in c.phones), c.company, c.position, c.notes,
                       tuple(sorted(c.tags)), c.website) for c in items)

    assert snapshot(hub.other_ws) == snapshot(hub.ws)


def test_an_export_of_a_filter(hub):
    for i in range(5):
        hub.services.contacts.create(hub.ws, {"name": f"P{i}", "tags": ["VIP"] if i < 2 else []})
    export = hub.api.post("/hub/v1/exports", json={"format": "vcard", "filter": {"tags": ["VIP"]}}).json
    hub.workers.drain(rounds=50)
    done = hub.api.get(f"/hub/v1/exports/{export['id']}").json
    text = requests.get(done["downloadUrl"], timeout=10).text
    assert done["counts"]["rows"] == 2 and text.count("BEGIN:VCARD") == 2 and "VERSION:4.0" in text


@pytest.mark.parametrize("job_id", ["not-a-uuid", "x" * 2000, "JOB%23a"])
def test_an_id_that_names_no_job_is_a_404(hub, job_id):
    for kind in ("imports", "exports"):
        reply = hub.api.get(f"/hub/v1/{kind}/{job_id}")
        assert reply.status == 404 and reply.headers["Content-Type"] == "application/problem+json", reply.text

"""`contacthub import` and `contacthub export` against `contacthub serve`, each a real process: the upload and
download links served by the local server, the bucket's event and the bulk worker in the server's process."""
from __future__ import annotations

import socket
import subprocess
import time

import pytest

from contacthub_local import cli
from contacthub_local.template import PROJECT_ROOT
from test_hub_imports import google_file

pytestmark = pytest.mark.e2e

K1 = "k1_bulk_local_key_aaaaaaaaaaaaaaaaaaaa"
K2 = "k2_bulk_local_key_bbbbbbbbbbbbbbbbbbbb"


@pytest.fixture
def server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([*cli.checkout_command(), "serve", "--port", str(port), "--quiet", "--api-key", K1,
                                "--api-key", K2], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=cli.checkout_environment(), cwd=PROJECT_ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not listen"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.communicate(timeout=10)


def contacthub(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*cli.checkout_command(), *args], capture_output=True, text=True, timeout=300,
                          env=cli.checkout_environment({"CONTACTHUB_PROGRESS": "1"}), cwd=PROJECT_ROOT)


def test_import_a_google_file_update_it_again_and_export_it_back(server, tmp_path):
    # Given a 500-row Google Contacts file with repeats and bad rows
    data, failing = google_file()
    source = tmp_path / "google.csv"
    source.write_bytes(data)
    # When it is imported through the local server
    first = contacthub("import", str(source), "--url", server, "--key", K1, "--on-duplicate", "update")
    # Then the counts are exact, with a link to the failed rows, and the progress bar ran
    assert first.returncode == 0, first.stderr
    assert "500 rows, 457 created, 0 updated, 23 unchanged, 0 skipped, 20 failed" in first.stdout, first.stdout
    assert f"{server}/local/files/" in first.stdout and "rows/s" in first.stdout
    report_url = first.stdout.split("failed rows: ")[1].split()[0]
    import urllib.request

    with urllib.request.urlopen(report_url, timeout=10) as response:
        report = response.read().decode()
    assert [int(line.split(",")[0]) for line in report.splitlines()[1:]] == failing
    # When it is imported again with update
    again = contacthub("import", str(source), "--url", server, "--key", K1, "--on-duplicate", "update")
    # Then nothing changes
    assert "500 rows, 0 created, 0 updated, 480 unchanged, 0 skipped, 20 failed" in again.stdout, again.stdout
    # When the workspace is exported and the file imported into another, empty, workspace
    exported = tmp_path / "contacts.csv"
    export = contacthub("export", "--url", server, "--key", K1, "--format", "csv", "-o", str(exported))
    assert export.returncode == 0, export.stderr
    assert "457 contacts written" in export.stdout
    back = contacthub("import", str(exported), "--url", server, "--key", K2, "--dry-run")
    # Then every contact would be created again, none failing
    assert "dry run: would have import" in back.stdout and "457 rows, 457 created" in back.stdout, back.stdout
    # And a bad option is refused by the API, not a crash
    bad = contacthub("import", str(source), "--url", server, "--key", K1, "--mapping", '{"Name": "shoe"}')
    assert bad.returncode == 1 and "400" in bad.stderr and "Traceback" not in bad.stderr

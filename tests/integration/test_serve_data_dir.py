"""`contacthub serve --data-dir DIR`: stopped and restarted, the store keeps every contact, task, key and counter.

The server runs as a real subprocess on 127.0.0.1 (always killed at the end). Writers keep creating
contacts (skarbe, with a lead status; whautomate, with tags) and tasks (letsligo) while the server is
stopped: by SIGINT, after which every acknowledged write must be back; or by SIGKILL, after which every
write acknowledged before the last snapshot's capture must be back. Either way the restarted store must
be consistent: counts and catalogues agree with the contacts actually stored.
"""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from contacthub_local import cli, persistence
from contacthub_local.template import PROJECT_ROOT

KEY = "chk_persistencepersistencetest01"
TAGS = ("alpha", "beta", "gamma")

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`contacthub serve --data-dir` in a subprocess: waits until it listens, always ended by the fixture."""

    def __init__(self, data_dir: Path, interval: float):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [*cli.checkout_command(), "serve", "--port", str(self.port), "--quiet", "--api-key", KEY,
             "--data-dir", str(data_dir), "--snapshot-interval", str(interval)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
            env=cli.checkout_environment())
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited early:\n{self.process.communicate()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("serve did not listen within 90 s")

    def request(self, method: str, path: str, payload=None, key_header: str = "X-Api-Key"):
        data = json.dumps(payload).encode() if payload is not None else None
        headers = {"Accept": "application/json", "Content-Type": "application/json", key_header: KEY}
        if key_header == "Authorization":
            headers[key_header] = f"Bearer {KEY}"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def graphql(self, query: str, **variables):
        status, body = self.request("POST", "/graphql", {"query": query, "variables": variables})
        assert status == 200 and "errors" not in body, body
        return body["data"]

    def end(self, signum: int) -> None:
        self.process.send_signal(signum)
        self.process.communicate(timeout=60)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=30)


@pytest.fixture
def serve():
    started: list[Serve] = []

    def start(data_dir: Path, interval: float = 3600) -> Serve:
        process = Serve(data_dir, interval)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


class Writers:
    """Threads writing through three dialects; each acknowledged write is recorded with the time of its answer."""

    def __init__(self, server: Serve, threads: int = 3):
        self.server = server
        self.acknowledged: list[tuple[float, str, dict]] = []  # (answered at, kind, what to find again)
        self.failures: list[tuple[int, object]] = []  # refusals while the server was up: a broken test
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._write, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self) -> Writers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def count(self) -> int:
        assert not self.failures, self.failures
        with self._lock:
            return len(self.acknowledged)

    def _ack(self, kind: str, what: dict) -> None:
        with self._lock:
            self.acknowledged.append((time.time(), kind, what))

    def _failed(self, status: int, body) -> None:
        if not self._stop.is_set() and self.server.process.poll() is None:
            self.failures.append((status, body))

    def _write(self, worker: int) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            try:
                email = f"w{worker}n{n}@persist.example"
                status, body = self.server.request("POST", "/api/connect/contacts",
                                                   {"firstName": f"Skarbe{worker}", "lastName": f"N{n}",
                                                    "email": email, "leadStatus": 1 + n % 2})
                if status != 200:
                    return self._failed(status, body)
                self._ack("skarbe", {"id": body["id"], "email": email})
                tag = TAGS[n % len(TAGS)]
                status, body = self.server.request("POST", "/v1/contacts",
                                                   {"name": f"Whautomate{worker} N{n}", "tags": [tag],
                                                    "phoneNumber": f"+3361{worker}{n:06d}"},
                                                   key_header="x-api-key")
                if status not in (200, 201):
                    return self._failed(status, body)
                self._ack("whautomate", {"id": body["id"], "tag": tag})
                status, body = self.server.request("POST", "/api/contact_tasks",
                                                   {"contact": f"/api/contacts/{body['id']}", "title": f"Call {n}",
                                                    "dueDate": "2030-01-02T09:00:00Z"}, key_header="Authorization")
                if status not in (200, 201):
                    return self._failed(status, body)
                self._ack("task", {"iri": body["@id"]})
            except (OSError, ValueError):
                return  # the server went away mid-request: that write was never acknowledged


def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def assert_present(server: Serve, acknowledged: list[tuple[float, str, dict]]) -> None:
    for _, kind, what in acknowledged:
        if kind == "skarbe":
            status, body = server.request("GET", f"/api/connect/contacts/{what['id']}")
            assert status == 200 and body["email"] == what["email"], (what, body)
        elif kind == "whautomate":
            status, body = server.request("GET", f"/v1/contacts/{what['id']}", key_header="x-api-key")
            assert status == 200 and body["tags"] == [what["tag"]], (what, body)
        else:
            status, body = server.request("GET", what["iri"], key_header="Authorization")
            assert status == 200, (what, body)


CONTACTS = """query($after: String) { contacts(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { number pipelineStateId tags { name } } } } }"""


def assert_consistent(server: Serve) -> int:
    """Counters agree with the stored contacts; returns the highest contact number."""
    contacts, after, total = [], None, None
    while True:
        page = server.graphql(CONTACTS, after=after)["contacts"]
        total = page["totalCount"]
        contacts += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert total == len(contacts)
    numbers = [c["number"] for c in contacts]
    assert len(set(numbers)) == len(numbers)
    tags = {t["name"]: t["contactCount"] for t in server.graphql("{ tags { name contactCount } }")["tags"]}
    for tag in TAGS:
        assert tags.get(tag, 0) == sum(1 for c in contacts if tag in [t["name"] for t in c["tags"]]), tag
    states = server.graphql("{ pipelineStates { id contactCount } }")["pipelineStates"]
    for state in states:
        assert state["contactCount"] == sum(1 for c in contacts if c["pipelineStateId"] == state["id"]), state
    return max(numbers, default=0)


def restart_and_check(serve, data_dir: Path, must_have: list[tuple[float, str, dict]]) -> None:
    server = serve(data_dir)
    status, me = server.request("GET", "/api/connect/me")
    assert status == 200, me  # the key survived
    assert_present(server, must_have)
    highest = assert_consistent(server)
    status, body = server.request("POST", "/api/connect/contacts", {"firstName": "After", "email": "after@x.example"})
    # The number counter survived: never reused (a create cut short between taking its number and
    # writing the contact leaves a gap, as it would on DynamoDB).
    assert status == 200 and body["id"] > highest
    server.end(signal.SIGTERM)


def test_sigint_in_the_middle_of_writes_keeps_every_acknowledged_write(serve, tmp_path):
    # Given a server with a data directory, written to from several threads
    server = serve(tmp_path)
    with Writers(server) as writers:
        wait_for(lambda: writers.count() >= 12, "some acknowledged writes")
        # When it is interrupted while the writes go on
        server.end(signal.SIGINT)
    assert server.process.returncode == 0
    # Then after a restart every acknowledged write is there and the counters agree
    acknowledged = writers.acknowledged
    assert {kind for _, kind, _ in acknowledged} == {"skarbe", "whautomate", "task"}
    restart_and_check(serve, tmp_path, acknowledged)
    # And a second restart (after SIGTERM) still has them
    restart_and_check(serve, tmp_path, acknowledged)


def captured_at(data_dir: Path) -> float:
    with open(persistence.snapshot_path(data_dir), encoding="utf-8") as snapshot:
        return json.loads(snapshot.readline())["captured_at"]


def test_sigkill_in_the_middle_of_writes_keeps_what_the_last_snapshot_holds(serve, tmp_path):
    # Given a server saving often, written to from several threads
    server = serve(tmp_path, interval=0.2)
    with Writers(server) as writers:
        first = captured_at(tmp_path)  # the snapshot taken once the key was provisioned
        wait_for(lambda: writers.count() >= 12 and captured_at(tmp_path) > writers.acknowledged[5][0],
                 "a snapshot taken after some acknowledged writes")
        # When it is killed while the writes go on
        server.process.kill()
        server.process.communicate(timeout=30)
    last = captured_at(tmp_path)
    assert last > first
    # Then every write acknowledged before the last snapshot's capture is there, and the store is consistent
    saved = [ack for ack in writers.acknowledged if ack[0] < last]
    assert len(saved) >= 6
    restart_and_check(serve, tmp_path, saved)

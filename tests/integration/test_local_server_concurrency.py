"""`contacthub serve` under concurrent load: every acknowledged write survives, every connection is answered.

The server runs as a real process on an ephemeral port of 127.0.0.1, on its own moto, as a developer
runs it; the fixture stops it with SIGINT (and kills it if that fails), so nothing outlives the test.
"""
from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from contacthub_local import cli
from contacthub_local.template import PROJECT_ROOT

KEY = "concurrency_key_cccccccccccccccccccccc"
THREADS = 40


class Server:
    def __init__(self, process: subprocess.Popen, base_url: str):
        self.process = process
        self.base_url = base_url

    def call(self, method: str, path: str, payload=None, content_type: str = "application/json"):
        """(status, parsed JSON body) with the key; HTTP errors included."""
        headers = {"Authorization": f"Bearer {KEY}", "Accept": "application/json", "Content-Type": content_type}
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def graphql(self, query: str, variables: dict | None = None):
        return self.call("POST", "/graphql", {"query": query, "variables": variables or {}})


def _wait_for_base_url(process: subprocess.Popen, timeout: float = 60) -> str:
    """The URL of the banner's first line (`--port 0` picks the port), or fail with what serve printed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{process.stdout.read()}\n{process.stderr.read()}")
        if select.select([process.stdout], [], [], 0.2)[0]:
            match = re.search(r"on (http://127\.0\.0\.1:\d+)", process.stdout.readline())
            if match:
                return match.group(1)
    raise AssertionError(f"serve printed no address within {timeout:g} s")


@pytest.fixture(scope="module")
def server():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    process = subprocess.Popen([*cli.checkout_command(), "serve", "--port", "0", "--api-key", KEY, "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=cli.checkout_environment(env),
                               cwd=PROJECT_ROOT)
    try:
        yield Server(process, _wait_for_base_url(process))
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0 and "contacthub: stopped" in out, err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def _run_together(calls: list) -> list:
    """Run every call in its own thread, released at the same moment; results in the calls' order."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


CONTACT = "query($id: ID!) { contact(id: $id) { id version additionalInfo: notes tags { name } } }"
CREATE = "mutation($name: String!) { createContact(input: {name: $name}) { contact { id } error { __typename } } }"


def test_concurrent_writes_to_every_function_lose_nothing_acknowledged(server):
    # Given one contact
    status, contact = server.call("POST", "/api/contacts", {"name": "Shared Contact"})
    assert status == 201, contact
    contact_id = contact["id"]
    # When 40 clients write at once through four functions: letsligo updates and whautomate tag additions on
    # that contact, skarbe and GraphQL creates
    per_kind = THREADS // 4
    updates = [lambda i=i: server.call("PATCH", f"/api/contacts/{contact_id}", {"additionalInfo": f"note {i}"},
                                       "application/merge-patch+json") for i in range(per_kind)]
    tags = [lambda i=i: server.call("POST", f"/v1/contacts/{contact_id}/tags/add", {"tags": [f"tag-{i}"]})
            for i in range(per_kind)]
    skarbe = [lambda i=i: server.call("POST", "/api/connect/contacts", {"firstName": f"Skarbe {i}"})
              for i in range(per_kind)]
    graphql = [lambda i=i: server.graphql(CREATE, {"name": f"Graph {i}"}) for i in range(per_kind)]
    results = _run_together(updates + tags + skarbe + graphql)
    update_results, tag_results = results[:per_kind], results[per_kind:2 * per_kind]
    skarbe_results, graphql_results = results[2 * per_kind:3 * per_kind], results[3 * per_kind:]

    # Then every answer is a success or a conflict the client can retry, never a server error
    for result in results:
        assert not isinstance(result, Exception), result
        assert 200 <= result[0] < 300 or result[0] == 409, result
    acked_updates = [i for i, (status, _) in enumerate(update_results) if status == 200]
    acked_tags = [f"tag-{i}" for i, (status, _) in enumerate(tag_results) if status == 200]
    assert acked_updates and acked_tags, "no write applied: the test would prove nothing"
    # And the contact's version counts exactly its creation and each acknowledged write
    status, body = server.graphql(CONTACT, {"id": contact_id})
    assert status == 200 and "errors" not in body, body
    stored = body["data"]["contact"]
    assert stored["version"] == 1 + len(acked_updates) + len(acked_tags)
    assert set(acked_tags) <= {tag["name"] for tag in stored["tags"]}
    assert stored["additionalInfo"] in {f"note {i}" for i in acked_updates}
    # And every acknowledged create can be read back
    for status, created in skarbe_results:
        assert 200 <= status < 300, created
        assert server.call("GET", f"/api/connect/contacts/{created['id']}")[0] == 200
    for status, answer in graphql_results:
        assert status == 200 and answer["data"]["createContact"]["error"] is None, answer
        created_id = answer["data"]["createContact"]["contact"]["id"]
        assert server.call("GET", f"/api/contacts/{created_id}")[0] == 200


def test_forty_simultaneous_connections_are_all_answered(server):
    host, port = server.base_url.removeprefix("http://").split(":")

    def one_request() -> bytes:
        with socket.create_connection((host, int(port)), timeout=60) as connection:
            connection.sendall(f"GET /api/contacts HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {KEY}\r\n"
                               "Accept: application/json\r\nConnection: close\r\n\r\n".encode())
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
            return received

    answers = _run_together([one_request] * THREADS)
    for answer in answers:
        assert not isinstance(answer, Exception), answer
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]

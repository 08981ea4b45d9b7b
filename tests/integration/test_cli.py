"""The `contacthub` command: routes, events, keys, and `serve` as a real process stopped by a signal.

`keys` runs in-process on moto. `serve` runs as a subprocess (bounded by timeouts and always killed), once
on its own moto and once on a DynamoDB endpoint that this test process answers with its moto, to show the
endpoint mode reaches the given endpoint and nothing else.
"""
from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from contacthub_local import cli
from contacthub_local.template import PROJECT_ROOT, routes
from environment import table_environment

K1 = "k1_local_key_aaaaaaaaaaaaaaaaaaaaaaaa"
K2 = "k2_local_key_bbbbbbbbbbbbbbbbbbbbbbbb"


@pytest.fixture
def restore_environ():
    """The CLI sets variables like a Lambda environment; undo that after each in-process run."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def _letsligo_or_skip():
    try:
        importlib.import_module("contacthub.api.letsligo.handler")
    except ImportError as error:
        pytest.skip(f"letsligo handler does not import yet: {error}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, method: str = "GET", payload=None, key: str | None = None):
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class ServeProcess:
    """`contacthub serve` in a subprocess: waits until it listens, always ends it."""

    def __init__(self, *args: str, env: dict | None = None):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([*cli.checkout_command(), "serve", "--port", str(self.port), "--quiet", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=cli.checkout_environment(env), cwd=PROJECT_ROOT)

    def wait_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited early:\n{self.process.stdout.read()}\n{self.process.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("serve did not listen within 30 s")

    def interrupt(self, timeout: float = 15) -> tuple[int, str, str]:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=10)


@pytest.fixture
def serve_process():
    started: list[ServeProcess] = []

    def start(*args: str, env: dict | None = None) -> ServeProcess:
        process = ServeProcess(*args, env=env)
        started.append(process)
        process.wait_listening()
        return process

    yield start
    for process in started:
        process.kill()


# -------------------------------------------------------------------- routes, events, registry
def test_routes_lists_every_template_route(capsys):
    assert cli.main(["routes"]) == 0
    out = capsys.readouterr().out
    for route in routes():
        assert any(route.method in line and route.path in line and route.function in line
                   for line in out.splitlines()), route


def test_events_write_adds_missing_files_and_check_reports_them(tmp_path, monkeypatch, capsys):
    from contacthub_local import sample_events

    # Given an events folder missing every file
    monkeypatch.setattr(sample_events, "EVENTS_DIR", tmp_path / "infra" / "events")
    assert cli.main(["events", "--check"]) == 1
    # When the generator writes them
    assert cli.main(["events", "--write"]) == 0
    # Then each route has its file, and a hand edit survives the next --write
    assert cli.main(["events", "--check"]) == 0
    route = routes()[0]
    edited = sample_events.event_path(route)
    edited.write_text('{"edited": true}')
    cli.main(["events", "--write"])
    assert edited.read_text() == '{"edited": true}'
    assert json.loads(sample_events.event_path(routes()[-1]).read_text())["resource"] == routes()[-1].path


def test_subcommands_are_a_registry_others_can_extend(capsys, monkeypatch):
    monkeypatch.setattr(cli, "SUBCOMMANDS", dict(cli.SUBCOMMANDS))

    @cli.subcommand("hello", "say hello", lambda p: p.add_argument("--name", default="world"))
    def hello(args):
        print(f"hello {args.name}")
        return 3

    assert cli.main(["hello", "--name", "crm"]) == 3
    assert capsys.readouterr().out == "hello crm\n"


# -------------------------------------------------------------------- keys
def test_keys_create_prints_a_working_key_once_and_revoke_disables_it(services, restore_environ, capsys):
    os.environ.update(table_environment())
    # When a key is created through the CLI (tables named by the environment)
    assert cli.main(["keys", "create", "--workspace", "Acme", "--user", "Ann", "--email", "ann@acme.example"]) == 0
    captured = capsys.readouterr()
    key = captured.out.strip()
    # Then stdout holds just the key, and it authenticates
    assert key.startswith("chk_") and "\n" not in key and key not in captured.err
    principal = services.workspaces.known_key(key)
    assert principal is not None
    assert services.workspaces.find_by_name("Acme").id == principal.workspace_id
    # When it is revoked by the prefix shown at creation
    assert cli.main(["keys", "revoke", key[:12]]) == 0
    assert services.workspaces.known_key(key) is None
    # And an unknown prefix revokes nothing
    assert cli.main(["keys", "revoke", "chk_unknown_"]) == 1


def test_workspace_switches_unique_emails(services, workspace, restore_environ, capsys):
    os.environ.update(table_environment())
    assert cli.main(["workspace", "--workspace", workspace.workspace.name, "--unique-emails", "on"]) == 0
    assert services.workspaces.keeps_emails_unique(workspace.workspace.id)
    assert cli.main(["workspace", "--workspace", workspace.workspace.id, "--unique-emails", "off"]) == 0
    assert not services.workspaces.keeps_emails_unique(workspace.workspace.id)
    assert cli.main(["workspace", "--workspace", "nobody", "--unique-emails", "on"]) == 2


def test_keys_refuse_to_guess_table_names(aws, restore_environ, monkeypatch):
    os.environ.update(table_environment())
    monkeypatch.delenv("CRM_TABLE")
    with pytest.raises(SystemExit, match="CRM_TABLE"):
        cli.main(["keys", "revoke", "chk_abcdefghij"])


def _deploy_stack(name: str, outputs: dict | None = None) -> None:
    """A stack in moto's CloudFormation holding the template's tables under generated names, and its outputs."""
    import boto3
    from contacthub_local.template import load_template, resources

    tables = {logical: {"Type": r["Type"], "Properties": r["Properties"]}
              for logical, r in resources(load_template(), "AWS::DynamoDB::Table").items()}
    if outputs is None:
        outputs = {f"{logical}Name": {"Value": {"Ref": logical}} for logical in tables}
    boto3.client("cloudformation").create_stack(
        StackName=name, TemplateBody=json.dumps({"Resources": tables, "Outputs": outputs}))


def test_keys_create_reads_table_names_from_the_stack_outputs(aws, restore_environ, capsys):
    from contacthub.wiring import services as current_services

    # Given a deployed stack, and no table named anywhere else (no flags, no variables, no sender)
    _deploy_stack("crm-prod")
    for name in ("CRM_TABLE", "DIRECTORY_TABLE", "IDEMPOTENCY_TABLE", "SENDER_ADDRESS"):
        os.environ.pop(name, None)
    # When a key is created by the stack's name
    code = cli.main(["keys", "create", "--stack", "crm-prod", "--workspace", "Acme", "--user", "Ann",
                     "--email", "ann@acme.example"])
    captured = capsys.readouterr()
    # Then it is stored in the stack's own tables and works there, with nothing said about email
    assert code == 0, captured.err
    key = captured.out.strip()
    settings = cli.configure_environment(stack="crm-prod", local_defaults=False)
    assert settings.crm_table.startswith("crm-prod") and settings.crm_table != "test-crm"
    assert current_services().workspaces.known_key(key) is not None
    assert "Mailer" not in captured.err and "Traceback" not in captured.err


def test_keys_create_needs_neither_the_idempotency_table_nor_a_sender(services, restore_environ, capsys):
    os.environ.update({"CRM_TABLE": "test-crm", "DIRECTORY_TABLE": "test-directory", "SENDER_ADDRESS": ""})
    os.environ.pop("IDEMPOTENCY_TABLE", None)
    assert cli.main(["keys", "create", "--workspace", "Acme", "--user", "Ann", "--email", "ann@acme.example"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("chk_") and "Mailer" not in captured.err


@pytest.mark.parametrize("case", ["no such stack", "not a contacthub stack", "no such table"])
def test_keys_failures_are_one_line_and_non_zero(aws, restore_environ, capsys, case):
    os.environ.update(table_environment())
    args = ["keys", "create", "--workspace", "Acme", "--user", "Ann", "--email", "ann@acme.example"]
    if case == "no such stack":
        args += ["--stack", "missing-stack"]
    elif case == "not a contacthub stack":
        _deploy_stack("other", outputs={"Something": {"Value": "else"}})
        args += ["--stack", "other"]
    else:
        args += ["--crm-table", "absent-crm", "--directory-table", "absent-directory"]
    try:
        code = cli.main(args)
    except SystemExit as exit_:
        code, message = 1, str(exit_.code)
    else:
        message = capsys.readouterr().err
    assert code != 0
    assert message.startswith("contacthub: ") and len(message.strip().splitlines()) == 1, message
    assert {"no such stack": "missing-stack", "not a contacthub stack": "CrmTableName",
            "no such table": "ResourceNotFoundException"}[case] in message


def test_api_key_workspaces_are_distinct_and_stable():
    assert cli.key_workspace(K1) == cli.key_workspace(K1)
    assert cli.key_workspace(K1)[0] != cli.key_workspace(K2)[0]
    assert cli.key_workspace(K1)[0].startswith("Workspace ")


# -------------------------------------------------------------------- serve
def test_serve_gives_each_api_key_its_own_workspace_and_stops_on_sigint(serve_process):
    _letsligo_or_skip()
    # Given `contacthub serve` with two keys
    server = serve_process("--api-key", K1, "--api-key", K2)
    # When K1 creates a contact
    status, contact = _request(f"{server.base_url}/api/contacts", "POST", {"name": "Marie Dubois"}, K1)
    assert status == 201, contact
    # Then K1 reads it and K2, another workspace, does not see it
    assert _request(f"{server.base_url}/api/contacts/{contact['id']}", key=K1)[0] == 200
    assert _request(f"{server.base_url}/api/contacts/{contact['id']}", key=K2)[0] == 404
    # And Ctrl-C stops it cleanly
    code, out, err = server.interrupt()
    assert code == 0, err
    assert "Traceback" not in err and K1 in out and K2 in out and "stopped" in out


def test_serve_prints_a_demo_key_on_a_new_store_and_stops_on_sigterm(serve_process):
    server = serve_process()
    server.process.send_signal(signal.SIGTERM)
    out, err = server.process.communicate(timeout=15)
    assert server.process.returncode == 0, err
    assert "Demo workspace" in out and "chk_" in out and server.base_url in out
    assert "Traceback" not in err


# -------------------------------------------------------------------- a DynamoDB endpoint
class _MotoEndpoint(BaseHTTPRequestHandler):
    """A DynamoDB endpoint answered by this process's moto (what DynamoDB Local would be)."""

    def do_POST(self):
        from botocore.awsrequest import AWSPreparedRequest
        from moto.core.models import botocore_stubber

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "content-length"}}
        request = AWSPreparedRequest("POST", "https://dynamodb.us-east-1.amazonaws.com/", headers, body, False)
        status, response_headers, response_body = botocore_stubber.process_request(request)
        payload = response_body.encode() if isinstance(response_body, str) else response_body
        self.send_response(status)
        for name, value in response_headers.items():
            if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def dynamodb_endpoint(aws):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MotoEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_keys_and_serve_use_the_given_dynamodb_endpoint(dynamodb_endpoint, services, serve_process):
    _letsligo_or_skip()
    env = {**os.environ, **table_environment()}  # the tables the `services` fixture reads
    # Given a key created on the endpoint by a separate `contacthub keys create`
    created = subprocess.run([*cli.checkout_command(), "keys", "create", "--dynamodb-endpoint", dynamodb_endpoint,
                              "--workspace", "Endpoint Co", "--user", "Eve", "--email", "eve@endpoint.example"],
                             check=False, capture_output=True, text=True, env=cli.checkout_environment(env),
                             timeout=30)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert services.workspaces.known_key(key) is not None
    # When `serve` runs on the same endpoint (the store is not new: no demo workspace)
    server = serve_process("--dynamodb-endpoint", dynamodb_endpoint, env=env)
    status, contact = _request(f"{server.base_url}/api/contacts", "POST", {"name": "Stored Remotely"}, key)
    # Then the contact lands in the endpoint's tables
    assert status == 201, contact
    workspace = services.workspaces.known_key(key).workspace_id
    assert services.contacts.get(workspace, contact["id"]).name == "Stored Remotely"
    code, out, err = server.interrupt()
    assert code == 0 and "Demo workspace" not in out, err


# -------------------------------------------------------------------- reindex
def test_reindex_gives_contacts_of_an_older_version_the_entries_this_one_reads(services, workspace, restore_environ,
                                                                              capsys):
    import boto3

    from contacthub.ports import ContactSort
    from contacthub.services.criteria import AllOf

    os.environ.update(table_environment())
    ws = workspace.workspace.id
    made = [services.contacts.create(ws, {"name": f"Person {i:03}"}) for i in range(105)]
    table = boto3.resource("dynamodb").Table(table_environment()["CRM_TABLE"])
    everything = table.query(KeyConditionExpression="pk = :pk", ConsistentRead=True,
                             ExpressionAttributeValues={":pk": f"WS#{ws}"})["Items"]
    # Given contacts stored before the name and change orderings existed
    for item in everything:
        if item["sk"].startswith(("ORD#name#", "ORD#updated#")):
            table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
    by_name = services.contacts.filter(ws, AllOf(()), ContactSort.NAME, False, 100)
    assert by_name.items == []
    # When the workspace is reindexed (twice: it is safe to run again)
    for _ in range(2):
        assert cli.main(["reindex", "--workspace", workspace.workspace.name]) == 0
        assert capsys.readouterr().out == "reindexed 105 contact(s)\n"
    # Then every contact is listed in name order, and the items are those a fresh write makes
    names = [c.name for c in services.contacts.filter(ws, AllOf(()), ContactSort.NAME, False, 100).items]
    assert names == sorted(c.name for c in made)[:100]
    again = table.query(KeyConditionExpression="pk = :pk", ConsistentRead=True,
                        ExpressionAttributeValues={":pk": f"WS#{ws}"})["Items"]
    assert sorted(i["sk"] for i in again) == sorted(i["sk"] for i in everything)
    assert cli.main(["reindex", "--workspace", "nobody"]) == 2

"""Snapshots of the emulated AWS state: every item comes back, and a crash never leaves half a file."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import boto3
import pytest

from environment import SETTINGS
from moto import mock_aws

from contacthub_local import persistence, scalable_moto
from contacthub_local.bootstrap import create_tables, table_names


def everything() -> dict:
    """Every item of every table (all pages), the table definitions, and the mail sent."""
    client = boto3.client("dynamodb")
    state = {}
    for name in client.list_tables()["TableNames"]:
        table = client.describe_table(TableName=name)["Table"]
        items, request = [], {"TableName": name}
        while True:
            page = client.scan(**request)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        state[name] = {"items": items, "keys": table["KeySchema"], "attributes": table["AttributeDefinitions"],
                       "indexes": sorted(i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])),
                       "ttl": client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]}
    from moto.ses.models import ses_backends

    state["mail"] = [vars(m) for m in ses_backends["123456789012"]["us-east-1"].sent_messages]
    return state


def fill_workspace():
    """A workspace with contacts, a task and a sent mail, written through the services."""
    from contacthub.wiring import services as build

    build.cache_clear()
    services = build()
    issued = services.workspaces.create_key("Acme Corporation", "John Admin", "john@acme.example")
    workspace_id = issued.workspace.id
    contacts = [services.contacts.create(workspace_id, {"first_name": f"Ann{i}", "last_name": "Dubois",
                                                         "emails": [f"ann{i}@acme.example"], "tags": ["vip"]})
                for i in range(12)]
    services.tasks.create(workspace_id, {"contact_id": contacts[0].id, "title": "Call back",
                                           "due_date": "2030-01-02T09:00:00Z"})
    ses = boto3.client("ses")
    ses.verify_email_identity(EmailAddress="crm@contacthub.example")
    ses.send_email(Source="crm@contacthub.example", Destination={"ToAddresses": ["ann0@acme.example"]},
                   Message={"Subject": {"Data": "Bonjour"}, "Body": {"Text": {"Data": "Hello Ann"}}})
    build.cache_clear()
    return issued, contacts


@pytest.fixture(autouse=True)
def scaled():
    scalable_moto.install()


def test_a_snapshot_brings_back_every_item_into_a_fresh_moto(tmp_path):
    # Given a workspace stored in moto, saved to disk
    with mock_aws():
        create_tables(SETTINGS)
        issued, contacts = fill_workspace()
        before = everything()
        assert before["mail"] and before["test-crm"]["items"]
        records = persistence.save_state(tmp_path)
    assert records > sum(len(t["items"]) for k, t in before.items() if k != "mail")
    # When a fresh moto loads it
    with mock_aws():
        assert not boto3.client("dynamodb").list_tables()["TableNames"]
        assert persistence.load_state(tmp_path)
        after = everything()
        # Then every table, item and mail is back, and the services read it as before
        assert after == before
        assert sum(len(t["items"]) for k, t in after.items() if k != "mail") > 90
        from contacthub.ports import ContactQuery
        from contacthub.wiring import services as build

        build.cache_clear()
        services = build()
        assert services.workspaces.known_key(issued.key).workspace_id == issued.workspace.id
        page = services.contacts.search(issued.workspace.id, ContactQuery(name="ann1"), 0, 30, with_total=True)
        assert page.total == 3  # Ann1, Ann10, Ann11
        again = services.contacts.create(issued.workspace.id, {"first_name": "Zoe", "last_name": "Martin"})
        assert again.number == max(c.number for c in contacts) + 1  # counters survived too
        build.cache_clear()
        assert create_tables(SETTINGS) == table_names(SETTINGS)  # the loaded tables are the ones the template declares


def test_without_a_snapshot_nothing_is_loaded(tmp_path):
    with mock_aws():
        assert persistence.load_state(tmp_path) is False


def put(name: str, key: str) -> None:
    boto3.client("dynamodb").put_item(TableName=name, Item={"pk": {"S": "P"}, "sk": {"S": key}})


def make_table() -> None:
    boto3.client("dynamodb").create_table(
        TableName="t", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}])


def keys_loaded_from(directory) -> list[str]:
    with mock_aws():
        persistence.load_state(directory)
        return sorted(i["sk"]["S"] for i in boto3.client("dynamodb").scan(TableName="t")["Items"])


def test_an_interrupted_save_leaves_the_previous_snapshot(tmp_path, monkeypatch):
    with mock_aws():
        make_table()
        put("t", "first")
        persistence.save_state(tmp_path)
        put("t", "second")

        def interrupted(source, target):
            raise KeyboardInterrupt  # Ctrl-C after the new file is written, before it replaces the old one

        monkeypatch.setattr(persistence.os, "replace", interrupted)
        with pytest.raises(KeyboardInterrupt):
            persistence.save_state(tmp_path)
        monkeypatch.undo()
    assert os.listdir(tmp_path) == [persistence.SNAPSHOT_NAME]  # no temporary file left behind
    assert keys_loaded_from(tmp_path) == ["first"]


def test_a_process_killed_between_write_and_replace_leaves_the_previous_snapshot(tmp_path):
    script = textwrap.dedent(f"""
        import os
        from moto import mock_aws
        from contacthub_local import persistence
        from test_persistence import make_table, put

        with mock_aws():
            make_table()
            put("t", "first")
            persistence.save_state({str(tmp_path)!r})
            put("t", "second")
            persistence.os.replace = lambda source, target: os._exit(9)  # dies with the new file unrenamed
            persistence.save_state({str(tmp_path)!r})
    """)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([os.path.dirname(__file__), *sys.path])}
    finished = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True)
    assert finished.returncode == 9, finished.stderr
    leftovers = [name for name in os.listdir(tmp_path) if name != persistence.SNAPSHOT_NAME]
    assert len(leftovers) == 1 and leftovers[0].endswith(".tmp")  # the complete new file, never renamed
    assert keys_loaded_from(tmp_path) == ["first"]


def test_a_snapshot_cut_short_is_refused(tmp_path):
    with mock_aws():
        make_table()
        for key in ("a", "b", "c"):
            put("t", key)
        persistence.save_state(tmp_path)
    path = persistence.snapshot_path(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), encoding="utf-8")
    with mock_aws(), pytest.raises(persistence.SnapshotError, match="incomplete"):
        persistence.load_state(tmp_path)


def test_periodic_snapshots_save_only_what_changed_and_once_more_at_stop(tmp_path):
    with mock_aws():
        make_table()
        writes = [0]
        snapshots = persistence.PeriodicSnapshot(tmp_path, interval=3600, generation=lambda: writes[0])
        snapshots.start()  # the state as loaded needs no snapshot
        assert snapshots.save_if_changed() is False and not persistence.snapshot_path(tmp_path).exists()
        put("t", "one")
        writes[0] += 1
        assert snapshots.save_if_changed() is True
        assert snapshots.save_if_changed() is False
        put("t", "two")
        writes[0] += 1
        snapshots.stop()
    assert keys_loaded_from(tmp_path) == ["one", "two"]


def test_a_capture_keeps_the_state_it_was_taken_at_while_updates_go_on(tmp_path):
    # Given items captured (references only), with the write still to come
    client = boto3.client("dynamodb")
    with mock_aws():
        make_table()
        put("t", "a")
        put("t", "b")
        taken = persistence.capture()
        # When updates (plain and in a transaction) change the stored items before the capture is written
        for key in ("a", "b"):
            client.update_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": key}},
                               UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"S": "later"}})
        client.transact_write_items(TransactItems=[{"Update": {
            "TableName": "t", "Key": {"pk": {"S": "P"}, "sk": {"S": "a"}},
            "UpdateExpression": "SET w = :w", "ExpressionAttributeValues": {":w": {"S": "later"}}}}])
        persistence.write_capture(tmp_path, taken)
        assert client.get_item(TableName="t", Key={"pk": {"S": "P"}, "sk": {"S": "a"}})["Item"]["w"]["S"] == "later"
    # Then the snapshot holds the items as they were when captured
    with mock_aws():
        persistence.load_state(tmp_path)
        items = boto3.client("dynamodb").scan(TableName="t")["Items"]
    assert sorted(items, key=lambda i: i["sk"]["S"]) == [{"pk": {"S": "P"}, "sk": {"S": "a"}},
                                                         {"pk": {"S": "P"}, "sk": {"S": "b"}}]
    assert not taken.pinned and not scalable_moto._pins[0]  # released once written

"""A contact's delete cleans up after its commit; an interrupted cleanup is finished by the sweep."""
from __future__ import annotations

import os

import boto3
import pytest

from environment import SETTINGS

from contacthub.store.tables import EmailSessionItem


def _sort_keys(workspace) -> list[str]:
    client = boto3.client("dynamodb")
    pages = client.get_paginator("query").paginate(
        TableName="test-crm", KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"WS#{workspace.workspace.id}"}}, ConsistentRead=True)
    return [item["sk"]["S"] for page in pages for item in page["Items"]]


def _leftovers(workspace) -> list[str]:
    return [sk for sk in _sort_keys(workspace) if sk.startswith(("EMAILSESSION#", "CTASK#", "TASK#", "CLEANUP#"))]


@pytest.fixture
def contact_with_history(services, workspace):
    ws = workspace.workspace.id
    contact = services.contacts.create(ws, {"name": "Marie Dubois", "emails": ["marie@acme.example"]})
    services.tasks.create(ws, {"contact_id": contact.id, "title": "Call", "due_date": "2025-03-20T10:00:00Z"})
    services.emails.prepare(ws, contact.id, "Thank her for the meeting")
    return contact


def test_a_delete_leaves_nothing_behind(letsligo, services, workspace, contact_with_history):
    assert letsligo.delete(f"/api/contacts/{contact_with_history.id}").status == 204
    assert _leftovers(workspace) == []
    assert services.contacts.sweep_deleted(workspace.workspace.id) == 0


def test_an_interrupted_cleanup_is_finished_by_the_sweep(letsligo, services, workspace, contact_with_history,
                                                        monkeypatch):
    ws = workspace.workspace.id

    # Given the email purge fails after the delete committed (its first read raises)
    with monkeypatch.context() as patched:
        patched.setattr(EmailSessionItem, "query", _interrupted)
        reply = letsligo.delete(f"/api/contacts/{contact_with_history.id}")
    # Then the delete still answers as done, and its cleanup is recorded as pending
    assert reply.status == 204, reply.text
    assert letsligo.get(f"/api/contacts/{contact_with_history.id}").status == 404
    assert f"CLEANUP#{contact_with_history.id}" in _sort_keys(workspace)
    assert any(sk.startswith("EMAILSESSION#") for sk in _leftovers(workspace))
    # When the sweep runs, it finishes the cleanup and clears the marker
    assert services.contacts.sweep_deleted(ws) == 1
    assert _leftovers(workspace) == []
    assert services.contacts.sweep_deleted(ws) == 0


@pytest.fixture
def restore_environ():
    """The CLI sets variables like a Lambda environment; undo that after the run."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_the_cli_sweeps_a_workspace(letsligo, services, workspace, contact_with_history, monkeypatch, capsys,
                                    restore_environ):
    from contacthub_local import cli

    with monkeypatch.context() as patched:
        patched.setattr(EmailSessionItem, "query", _interrupted)
        assert letsligo.delete(f"/api/contacts/{contact_with_history.id}").status == 204
    assert _leftovers(workspace) != []
    assert cli.main(["sweep", "--workspace", workspace.workspace.name,
                     "--crm-table", SETTINGS.crm_table, "--directory-table", SETTINGS.directory_table]) == 0
    assert "finished the cleanup of 1 deleted contact(s)" in capsys.readouterr().out
    assert _leftovers(workspace) == []


def _interrupted(*args, **kwargs):
    raise RuntimeError("the Lambda timed out here")

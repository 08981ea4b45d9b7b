"""Local mode's outbox: `serve` verifies the sender in moto and mirrors sent mail; `contacthub outbox` shows it."""
import json

import boto3
import pytest
from contacthub.mail.base import OutgoingEmail
from contacthub.mail.ses import SesMailer
from contacthub_local import cli, outbox

EMAIL = OutgoingEmail(to="marie@acme.example", subject="Suite à notre rencontre",
                      body="Bonjour Marie,\n\nMerci.", from_name="John Admin")


@pytest.fixture
def outbox_file(tmp_path, monkeypatch):
    path = tmp_path / "outbox.jsonl"
    monkeypatch.setenv("CONTACTHUB_OUTBOX", str(path))
    return path


def test_serve_hook_is_registered():
    cli.load_extensions()
    assert outbox.serve_hook in cli.SERVE_HOOKS and "outbox" in cli.SUBCOMMANDS


def test_each_server_keeps_its_own_outbox(tmp_path, monkeypatch):
    # Given no outbox chosen by hand
    monkeypatch.delenv("CONTACTHUB_OUTBOX", raising=False)
    # Then servers on different ports (and the suite's servers on port 0) write different files
    assert outbox.outbox_path(3000) != outbox.outbox_path(3001)
    assert outbox.outbox_path(0) not in (outbox.outbox_path(3000), outbox.outbox_path(3001))
    assert outbox.outbox_path() == outbox.outbox_path(3000)  # what `contacthub outbox` reads by default


def test_sent_mail_is_kept_and_shown(aws, outbox_file, monkeypatch, capsys):
    # Given `serve` started its outbox (sender verified in moto, file fresh)
    outbox_file.write_text("stale\n")
    monkeypatch.setenv("SENDER_ADDRESS", "crm@contacthub.example")
    assert outbox.start_local_outbox() == outbox_file and outbox_file.read_text() == ""
    identities = boto3.client("sesv2").list_email_identities()["EmailIdentities"]
    assert [i["IdentityName"] for i in identities] == ["crm@contacthub.example"]
    # When the app sends two emails through SES
    first = SesMailer("crm@contacthub.example").send(EMAIL)
    second = SesMailer("crm@contacthub.example").send(OutgoingEmail("jo@example.org", "Hi", "Hello Jo"))
    # Then both are in moto and in the outbox file, in order
    assert [m["messageId"] for m in outbox.sent_messages()] == [first, second]
    records = outbox.read_outbox()
    assert [(r["messageId"], r["to"], r["subject"]) for r in records] == [
        (first, ["marie@acme.example"], EMAIL.subject), (second, ["jo@example.org"], "Hi")]
    assert records[0]["from"] == "John Admin <crm@contacthub.example>" and records[0]["body"] == EMAIL.body
    # And `contacthub outbox` prints them, readable or as JSON lines
    assert cli.main(["outbox"]) == 0
    shown = capsys.readouterr().out
    assert f"John Admin <crm@contacthub.example> -> marie@acme.example\n  Message-Id: {first}\n" \
           "  Subject: Suite à notre rencontre\n\n  Bonjour Marie,\n\n  Merci." in shown
    assert cli.main(["outbox", "--json", "--last", "1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["messageId"] == second


def test_empty_outbox(outbox_file, capsys):
    assert cli.main(["outbox"]) == 0
    assert "no mail sent yet" in capsys.readouterr().err

"""letsligo AI email flow through the real handler: prepare, refine, send (moto DynamoDB and SES)."""
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber
from contacthub.api.letsligo.emails.mapping import draft_to_wire, sent_to_wire
from contacthub.domain.email import DraftResult, DraftVersion, EmailDraft, EmailSession, SentEmail, Turn
from contacthub.composers.bedrock import BedrockComposer
from contacthub.domain.contact import Status
from contacthub.store.tables import EmailSessionItem, SentEmailItem, workspace_pk
from environment import SETTINGS
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

SENDER = SETTINGS.sender_address
SEED_PREPARE = {"message": "Rédige un email de relance après notre rencontre au salon"}  # the letsligo doc's
SEED_REFINE = {"instruction": "Raccourcis le paragraphe 2"}
MARIE = {"name": "Marie Dubois", "emails": ["marie@acme.example", "m.dubois@acme.example"], "company": "Acme Corp",
         "position": "Directrice", "meetingContext": "Salon VivaTech 2025"}
UNKNOWN_UUID = "123e4567-e89b-12d3-a456-426614174000"


@pytest.fixture(autouse=True)
def verified_sender(aws):
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)


def outbox():
    return ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages


def _contact(letsligo, **fields):
    reply = letsligo.post("/api/contacts", json={**MARIE, **fields})
    assert reply.status == 201, reply.text
    return reply.json["id"]


def _url(cid, action):
    return f"/api/contacts/{cid}/emails/{action}"


def _prepare(letsligo, cid, **body):
    reply = letsligo.post(_url(cid, "prepare"), json={**SEED_PREPARE, **body})
    assert reply.status == 200, reply.text
    return reply.json


def _stored(workspace, cid):
    """Every email item of the contact (sessions and sent records), to prove a rejected call wrote nothing."""
    pk = workspace_pk(workspace.workspace.id)
    sessions = [i.attribute_values for i in EmailSessionItem.query(pk, EmailSessionItem.sk.startswith("EMAILSESSION#"))]
    sent = [i.attribute_values for i in SentEmailItem.query(pk, SentEmailItem.sk.startswith(f"EMAILSENT#{cid}#"))]
    return json.dumps([sessions, sent], sort_keys=True, default=str)


def _guard_records():
    return boto3.client("dynamodb").scan(TableName=SETTINGS.idempotency_table)["Count"]


# --------------------------------------------------------------------------- the flow
def test_prepare_refine_send(letsligo, services, workspace):
    cid = _contact(letsligo)
    # Given the doc's prepare request
    draft = _prepare(letsligo, cid)
    # Then a French follow-up to the contact's first address, in a new session
    assert draft["@type"] == "EmailDraft" and draft["version"] == 1 and draft["composer"] == "offline"
    assert draft["to"] == "marie@acme.example" and draft["notes"] == []
    assert draft["subject"] == "Suite à notre rencontre – Salon VivaTech 2025"
    assert draft["body"].startswith("Bonjour Marie,\n\nJe me permets de revenir vers vous après notre rencontre")
    assert draft["body"].endswith("Bien cordialement,\nJohn Admin\nAcme Corporation")  # signed by the caller
    # When the doc's refine request is sent
    refined = letsligo.post(_url(cid, "refine"), json={**SEED_REFINE, "sessionId": draft["sessionId"]})
    assert refined.status == 200, refined.text
    assert refined.json["sessionId"] == draft["sessionId"] and refined.json["version"] == 2
    assert len(refined.json["body"]) < len(draft["body"])
    # And the session is sent
    before = services.contacts.get(workspace.workspace.id, cid)
    sent = letsligo.post(_url(cid, "send"), json={"sessionId": draft["sessionId"]})
    assert sent.status == 200, sent.text
    assert sent.json["status"] == "sent" and sent.json["to"] == "marie@acme.example" and sent.json["messageId"]
    # Then exactly that draft left, from the workspace sender with the user's name
    (message,) = outbox()
    assert message.source == f"John Admin <{SENDER}>" and message.destinations == {"ToAddresses": ["marie@acme.example"]}
    assert (message.subject, message.body) == (refined.json["subject"], refined.json["body"])
    assert message.id == sent.json["messageId"]
    # And the contact was contacted, its activity bumped, the email recorded under it
    after = services.contacts.get(workspace.workspace.id, cid)
    assert before.status == Status.PENDING and after.status == Status.CONTACTED
    assert after.last_activity_at > before.last_activity_at
    (record,) = services.emails.sent_emails(workspace.workspace.id, cid)
    assert (record.message_id, record.subject, record.session_id) == (message.id, message.subject, draft["sessionId"])


def test_prepare_continues_a_session_and_keeps_user_edits(letsligo, services, workspace):
    cid = _contact(letsligo)
    first = _prepare(letsligo, cid)
    edit = {"subject": "Mon objet", "body": "Bonjour Marie,\n\nPremière phrase. Deuxième phrase.\n\nJo",
            "to": "m.dubois@acme.example"}
    refined = letsligo.post(_url(cid, "refine"), json={"instruction": "raccourcis le paragraphe 1",
                                                       "sessionId": first["sessionId"], "currentEmail": edit})
    assert refined.status == 200, refined.text
    # the user's edit was refined (not the model's draft) and its recipient kept
    assert refined.json["subject"] == "Mon objet" and refined.json["to"] == "m.dubois@acme.example"
    assert refined.json["body"] == "Bonjour Marie,\n\nPremière phrase.\n\nJo"
    session = services.emails.session(workspace.workspace.id, cid, first["sessionId"])
    assert [v.source for v in session.versions] == ["offline", "user", "offline"] and refined.json["version"] == 3
    assert [t.kind for t in session.turns] == ["prepare", "refine"]
    again = _prepare(letsligo, cid, message="Write a thank-you email instead", sessionId=first["sessionId"])
    assert again["sessionId"] == first["sessionId"] and again["subject"] == "Thank you for your time"


def test_mapping_golden():
    at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    draft = EmailDraft("Suite à notre rencontre", "Bonjour Marie,", "marie@acme.example")
    version = DraftVersion(2, draft, "offline", at, ("note",))
    session = EmailSession("ws", "s-1", "c-1", (Turn("prepare", "x"),), (version,), at, at, at + timedelta(hours=24))
    assert draft_to_wire("c-1", DraftResult(session, version, ("note",)), "offline") == {
        "@context": "/api/contexts/EmailDraft", "@type": "EmailDraft", "contact": "/api/contacts/c-1",
        "sessionId": "s-1", "version": 2, "subject": "Suite à notre rencontre", "body": "Bonjour Marie,",
        "to": "marie@acme.example", "notes": ["note"], "composer": "offline", "expiresAt": "2025-03-21T10:00:00+00:00"}
    assert sent_to_wire(SentEmail("ws", "c-1", "m-1", "marie@acme.example", "Hi", at, "s-1")) == {
        "@context": "/api/contexts/SentEmail", "@type": "SentEmail", "contact": "/api/contacts/c-1", "status": "sent",
        "messageId": "m-1", "sessionId": "s-1", "to": "marie@acme.example", "subject": "Hi",
        "sentAt": "2025-03-20T10:00:00+00:00"}


# --------------------------------------------------------------------------- exactly once
def test_retried_sends_answer_the_first_result_and_send_nothing_more(letsligo):
    cid = _contact(letsligo)
    session_id = _prepare(letsligo, cid)["sessionId"]
    first = letsligo.post(_url(cid, "send"), json={"sessionId": session_id})
    # a retry, even one carrying other content, answers the first result
    retry = letsligo.post(_url(cid, "send"), json={"sessionId": session_id})
    other = letsligo.post(_url(cid, "send"), json={"sessionId": session_id, "emailData": {"subject": "X", "body": "Y"}})
    assert first.status == retry.status == other.status == 200
    assert first.json == retry.json == other.json
    # the same emailData request twice: one email; different content: another email
    data = {"emailData": {"subject": "Quick question", "body": "Hello Marie,\n\nAre you free on Monday?"}}
    one, two = letsligo.post(_url(cid, "send"), json=data), letsligo.post(_url(cid, "send"), json=data)
    assert one.json == two.json and one.json["sessionId"] is None
    letsligo.post(_url(cid, "send"), json={"emailData": {**data["emailData"], "body": "Another email"}})
    assert len(outbox()) == 3
    # a sent session is closed
    closed = letsligo.post(_url(cid, "refine"), json={"instruction": "shorter", "sessionId": session_id})
    assert closed.status == 409 and closed.json["@type"] == "hydra:Error"


@pytest.mark.parametrize("by", ["session", "emailData"])
def test_concurrent_double_send_produces_one_email(letsligo, services, workspace, by):
    ws = workspace.workspace.id
    cid = _contact(letsligo)
    if by == "session":
        kwargs = {"session_id": _prepare(letsligo, cid)["sessionId"]}
    else:
        kwargs = {"email_data": {"subject": "Hello", "body": "Hello Marie"}}
    # Given two requests sending the same email at the same moment
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: services.emails.send(ws, cid, **kwargs), range(2)))
    # Then one email left and both callers got its result
    assert len(outbox()) == 1
    assert results[0] == results[1] and results[0].message_id == outbox()[0].id
    assert len(services.emails.sent_emails(ws, cid)) == 1


# --------------------------------------------------------------------------- tenancy and lookups
def test_sessions_are_bound_to_their_contact_and_workspace(letsligo, other_letsligo):
    cid = _contact(letsligo)
    other_cid = _contact(letsligo, name="Jean Martin", emails=["jean@acme.example"])
    session_id = _prepare(letsligo, cid)["sessionId"]
    foreign_cid = _contact(other_letsligo, name="Hank", emails=["hank@globex.example"])
    probes = [
        (letsligo, other_cid, "refine", {"instruction": "shorter", "sessionId": session_id}),  # another contact's session
        (letsligo, other_cid, "send", {"sessionId": session_id}),
        (letsligo, other_cid, "prepare", {**SEED_PREPARE, "sessionId": session_id}),
        (other_letsligo, cid, "prepare", SEED_PREPARE),  # another workspace's contact, by id
        (other_letsligo, cid, "refine", {"instruction": "shorter", "sessionId": session_id}),
        (other_letsligo, cid, "send", {"sessionId": session_id}),
        (other_letsligo, foreign_cid, "send", {"sessionId": session_id}),  # own contact, foreign session
        (letsligo, foreign_cid, "send", {"emailData": {"subject": "x", "body": "y"}}),
        (letsligo, cid, "refine", {"instruction": "shorter", "sessionId": UNKNOWN_UUID}),
        (letsligo, cid, "send", {"sessionId": "not-a-uuid"}),
        (letsligo, UNKNOWN_UUID, "prepare", SEED_PREPARE),
        (letsligo, "not-a-uuid", "send", {"emailData": {"subject": "x", "body": "y"}}),
    ]
    for client, contact_id, action, body in probes:
        reply = client.post(_url(contact_id, action), json=body)
        assert reply.status == 404, (contact_id, action, body, reply.status, reply.text[:200])
        assert reply.json["@type"] == "hydra:Error"
    assert outbox() == []


def test_expired_sessions_are_gone(letsligo, services):
    cid = _contact(letsligo)
    session_id = _prepare(letsligo, cid)["sessionId"]
    later = datetime.now(UTC) + timedelta(hours=25)
    services.emails.clock = lambda: later  # TTL deletion lags: reads check the expiry themselves
    assert letsligo.post(_url(cid, "refine"), json={"instruction": "shorter", "sessionId": session_id}).status == 404
    assert letsligo.post(_url(cid, "send"), json={"sessionId": session_id}).status == 404
    assert outbox() == []


# --------------------------------------------------------------------------- bad input
def test_rejected_requests_change_nothing(letsligo, workspace, services):
    cid = _contact(letsligo)
    session_id = _prepare(letsligo, cid)["sessionId"]
    before = (_stored(workspace, cid), services.contacts.get(workspace.workspace.id, cid), _guard_records())
    ok = {"subject": "Hello", "body": "Hello Marie"}
    cases = [
        ("prepare", {}, 422, "message"),
        ("prepare", {"message": "   "}, 422, "message"),
        ("prepare", {"message": "x" * 2001}, 422, "message"),
        ("prepare", {**SEED_PREPARE, "tone": "warm"}, 422, "tone"),
        ("prepare", {**SEED_PREPARE, "currentEmail": {**ok, "subject": "Hi\r\nBcc: x@evil.example"}}, 422,
         "currentEmail.subject"),
        ("prepare", {**SEED_PREPARE, "currentEmail": {**ok, "to": "not-an-email"}}, 422, "currentEmail.to"),
        ("prepare", {**SEED_PREPARE, "currentEmail": {"subject": "Hi"}}, 422, "currentEmail.body"),
        ("refine", {"instruction": "shorter"}, 422, "sessionId"),
        ("refine", {"instruction": "", "sessionId": session_id}, 422, "instruction"),
        ("refine", {"instruction": "shorter", "sessionId": session_id, "currentEmail": {**ok, "body": "b" * 20_001}},
         422, "currentEmail.body"),
        ("send", {}, 422, "sessionId"),
        ("send", {"emailData": {**ok, "subject": "Hi\nBcc: victim@example.com"}}, 422, "emailData.subject"),
        ("send", {"emailData": {**ok, "subject": "Hi\u2028there"}}, 422, "emailData.subject"),
        ("send", {"emailData": {**ok, "to": "victim@example.com\r\nBcc: x@evil.example"}}, 422, "emailData.to"),
        ("send", {"emailData": {**ok, "to": "Evil <evil@example.com>"}}, 422, "emailData.to"),
        ("send", {"emailData": {**ok, "subject": "s" * 256}}, 422, "emailData.subject"),
        ("send", {"emailData": {**ok, "subject": ""}}, 422, "emailData.subject"),
        ("send", {"sessionId": session_id, "emailData": {"subject": 5, "body": "x"}}, 422, "emailData.subject"),
    ]
    for action, body, status, path in cases:
        reply = letsligo.post(_url(cid, action), json=body)
        assert reply.status == status, (action, body, reply.status, reply.text[:300])
        assert path in [v["propertyPath"] for v in reply.json["violations"]], (action, reply.json)
    for raw, content_type, status in (("{not json", "application/json", 400), ("message=hi", "text/plain", 415)):
        reply = letsligo.post(_url(cid, "prepare"), body=raw, headers={"Content-Type": content_type})
        assert reply.status == status and reply.json["@type"] == "hydra:Error"
    # Then nothing was stored, sent, or reserved, and the contact is as it was
    assert (_stored(workspace, cid), services.contacts.get(workspace.workspace.id, cid), _guard_records()) == before
    assert outbox() == []


def test_a_contact_without_email_cannot_be_sent_to(letsligo):
    cid = _contact(letsligo, emails=[])
    draft = _prepare(letsligo, cid)
    assert draft["to"] is None
    reply = letsligo.post(_url(cid, "send"), json={"sessionId": draft["sessionId"]})
    assert reply.status == 422
    (violation,) = reply.json["violations"]
    assert violation["propertyPath"] == "to" and "no email address" in violation["message"]
    assert outbox() == []
    # naming a recipient explicitly is allowed
    named = letsligo.post(_url(cid, "send"), json={"sessionId": draft["sessionId"],
                                               "emailData": {"subject": draft["subject"], "body": draft["body"],
                                                             "to": "marie.perso@example.org"}})
    assert named.status == 200 and outbox()[0].destinations == {"ToAddresses": ["marie.perso@example.org"]}


def test_status_moves_to_contacted_only_from_pending_or_enriched(letsligo, services, workspace):
    ws = workspace.workspace.id
    cid = _contact(letsligo)
    services.contacts.set_status(ws, cid, Status.QUALIFIED)
    assert letsligo.post(_url(cid, "send"), json={"emailData": {"subject": "Hi", "body": "Hello"}}).status == 200
    assert services.contacts.get(ws, cid).status == Status.QUALIFIED


# --------------------------------------------------------------------------- failures keep the draft
def test_ses_failure_is_a_503_and_keeps_the_draft(letsligo, services, workspace):
    cid = _contact(letsligo)
    draft = _prepare(letsligo, cid)
    boto3.client("sesv2").delete_email_identity(EmailIdentity=SENDER)  # SES now rejects the sender
    failed = letsligo.post(_url(cid, "send"), json={"sessionId": draft["sessionId"]})
    assert failed.status == 503 and failed.headers["Retry-After"] == "300"
    assert failed.json["@type"] == "hydra:Error" and failed.json["status"] == 503
    # nothing left, the session still holds its draft, the contact is untouched
    assert outbox() == []
    session = services.emails.session(workspace.workspace.id, cid, draft["sessionId"])
    assert session.sent is None and session.latest.draft.body == draft["body"]
    assert services.contacts.get(workspace.workspace.id, cid).status == Status.PENDING
    # and once SES accepts the sender again, the retry sends it, once
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    assert letsligo.post(_url(cid, "send"), json={"sessionId": draft["sessionId"]}).status == 200
    assert letsligo.post(_url(cid, "send"), json={"sessionId": draft["sessionId"]}).status == 200
    assert len(outbox()) == 1


def _bedrock(services, *errors_or_texts):
    client = boto3.client("bedrock-runtime")
    stubber = Stubber(client)
    for item in errors_or_texts:
        if isinstance(item, tuple):
            stubber.add_client_error("converse", *item)
        else:
            stubber.add_response("converse", {"output": {"message": {"role": "assistant", "content": [{"text": item}]}},
                                              "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1,
                                                                                  "totalTokens": 2},
                                              "metrics": {"latencyMs": 1}})
    stubber.activate()
    services.emails.composer = BedrockComposer("anthropic.claude-3-haiku-20240307-v1:0", client=client)
    return stubber


def test_bedrock_drafts_through_the_api(letsligo, services):
    cid = _contact(letsligo)
    _bedrock(services, json.dumps({"subject": "Suite au salon", "body": "Bonjour Marie,\n\nMerci !", "notes": []}))
    reply = letsligo.post(_url(cid, "prepare"), json=SEED_PREPARE)
    assert reply.status == 200 and reply.json["composer"] == "bedrock" and reply.json["subject"] == "Suite au salon"


def test_model_throttling_is_a_503_and_keeps_the_users_edit(letsligo, services, workspace):
    cid = _contact(letsligo)
    draft = _prepare(letsligo, cid)
    _bedrock(services, ("ThrottlingException", "slow down", 429), "This is not JSON at all")
    edit = {"subject": "Mon objet", "body": "Bonjour Marie,\n\nMon texte à moi."}
    throttled = letsligo.post(_url(cid, "refine"), json={"instruction": "plus formel", "sessionId": draft["sessionId"],
                                                         "currentEmail": edit})
    assert throttled.status == 503 and throttled.headers["Retry-After"] == "10"
    # the user's edit is now the session's latest draft: nothing they typed is lost
    session = services.emails.session(workspace.workspace.id, cid, draft["sessionId"])
    assert session.latest.source == "user" and session.latest.draft.body == edit["body"]
    assert session.latest.draft.to == "marie@acme.example"
    malformed = letsligo.post(_url(cid, "refine"), json={"instruction": "plus formel", "sessionId": draft["sessionId"]})
    assert malformed.status == 503 and malformed.headers["Retry-After"] == "2"  # a clear 503, never a 502
    sent = letsligo.post(_url(cid, "send"), json={"sessionId": draft["sessionId"]})
    assert sent.status == 200 and outbox()[0].body == edit["body"]


# --------------------------------------------------------------------------- lifecycle
def test_deleting_the_contact_removes_its_email_items(letsligo, workspace):
    cid = _contact(letsligo)
    session_id = _prepare(letsligo, cid)["sessionId"]
    assert letsligo.post(_url(cid, "send"), json={"sessionId": session_id}).status == 200
    assert _stored(workspace, cid) != json.dumps([[], []])
    assert letsligo.delete(f"/api/contacts/{cid}").status == 204
    assert _stored(workspace, cid) == json.dumps([[], []])


def test_send_guard_waits_for_a_send_in_progress_then_answers_its_result(aws):
    import threading
    import time

    from contacthub.domain.errors import Conflict, ServiceUnavailable
    from contacthub.store.emails import IdempotentSends

    table = SETTINGS.idempotency_table
    guard = IdempotentSends(table, wait_seconds=10, poll_seconds=0.05)
    started, release, calls = threading.Event(), threading.Event(), []

    def blocked_send():
        calls.append(1)
        started.set()
        release.wait(10)  # the send stays in progress until the test lets it finish
        return {"messageId": "m-1"}

    key = {"workspace": "w", "contact": "c", "session": "s"}
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(guard.run, key, blocked_send)
        assert started.wait(10)
        second = pool.submit(guard.run, key, blocked_send)  # arrives while the first is in progress
        time.sleep(0.5)
        assert not second.done()  # it waits...
        release.set()
        assert first.result() == second.result() == {"messageId": "m-1"}  # ...and answers the first result
    assert len(calls) == 1
    # a duplicate that cannot wait long enough gets a 409 telling it to retry
    impatient = IdempotentSends(table, wait_seconds=0.2, poll_seconds=0.05)
    started.clear()
    release.clear()
    other = {"workspace": "w", "contact": "c", "session": "t"}
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(guard.run, other, blocked_send)
        assert started.wait(10)
        with pytest.raises(Conflict):
            impatient.run(other, blocked_send)
        release.set()
        assert running.result() == {"messageId": "m-1"}
    assert len(calls) == 2

    # a failed send frees its key: the retry runs
    def failing():
        raise ServiceUnavailable("SES down")

    failed = {"workspace": "w", "contact": "c", "session": "u"}
    with pytest.raises(ServiceUnavailable):
        guard.run(failed, failing)
    assert guard.run(failed, lambda: {"messageId": "m-2"}) == {"messageId": "m-2"}


def test_a_session_stays_under_the_item_size_limit(services, workspace):
    # Given a session of maximal drafts in 3-byte characters (10 x 20,000 x 3 bytes: far over 400 KB)
    from contacthub.domain.email import MAX_BODY, MAX_INSTRUCTION
    from contacthub.store.emails import EmailRepository

    ws = workspace.workspace.id
    contact = services.contacts.create(ws, {"name": "Marie", "emails": ["marie@acme.example"]})
    now = datetime.now(UTC)
    versions = tuple(DraftVersion(n, EmailDraft(f"Objet {n}", "€" * MAX_BODY, "marie@acme.example"), "user", now)
                     for n in range(1, 11))
    turns = tuple(Turn("refine", "€" * MAX_INSTRUCTION) for _ in range(20))
    session = EmailSession(ws, "323e4567-e89b-12d3-a456-426614174000", contact.id, turns, versions, now, now,
                           now + timedelta(hours=1))
    # When it is stored, then read back
    EmailRepository().add_session(session)
    stored = EmailRepository().get_session(ws, contact.id, session.id)
    # Then the newest draft and instructions were kept, the oldest dropped (stored as ASCII JSON: € is 6 bytes)
    assert stored.latest.number == 10 and stored.latest.draft.body == "€" * MAX_BODY
    assert len(stored.versions) < 10 and 1 <= len(stored.turns) < 20 and stored.turns[-1] == turns[-1]


def test_international_addresses_are_sent_in_ascii_or_refused_up_front(letsligo):
    # Given contacts at an international domain, and with a non-ASCII mailbox name
    idn = letsligo.post("/api/contacts", json={"name": "Jörg", "emails": ["joerg@bücher.example"]}).json["id"]
    utf8 = letsligo.post("/api/contacts", json={"name": "Jörg", "emails": ["jörg@bücher.example"]}).json["id"]
    email = {"emailData": {"subject": "Hallo", "body": "Guten Tag"}}
    # Then the domain goes out in punycode, and a mailbox SES cannot reach is a 422, not a provider 503
    sent = letsligo.post(f"/api/contacts/{idn}/emails/send", json=email)
    assert sent.status == 200, sent.text
    assert sent.json["to"] == "joerg@xn--bcher-kva.example"
    refused = letsligo.post(f"/api/contacts/{utf8}/emails/send", json=email)
    assert refused.status == 422 and refused.json["violations"][0]["propertyPath"] == "to"

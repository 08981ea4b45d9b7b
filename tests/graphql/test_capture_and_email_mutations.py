"""Contact capture (prepareContact -> confirmContact) and the AI email flow (prepareContactEmail ->
refineContactEmail -> sendContactEmail) through the real GraphQL Lambda handler, on moto DynamoDB and SES."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from conftest import error_members
from environment import SETTINGS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "capture"
SIGNATURE = (FIXTURES / "fr_directrice_pipe.txt").read_text(encoding="utf-8")
MULTI_VCARD = (FIXTURES / "vcard_multi.vcf").read_text(encoding="utf-8")
SENDER = SETTINGS.sender_address
UNKNOWN_UUID = "123e4567-e89b-12d3-a456-426614174000"
MEMBER_FIELDS = {"ValidationError": "violations { path message code }", "NotFoundError": "entity id",
                 "ServiceUnavailableError": "retryAfter"}

PREPARED = """confirmationToken expiresAt source cardsFound
  draft { name firstName lastName emails phones { raw e164 } company position address website linkedinUrl
          notes meetingContext stage tags customFields location { id title } channel }
  duplicates { contact { id name emails } matchedOn reasons score }"""
CREATED = "contact { id name emails phones { raw e164 } company meetingContext status }"
DRAFT = "sessionId version draft { subject body to } notes composer expiresAt"
SENT = "sentEmail { messageId sessionId to subject sentAt contactId contact { id status lastActivityAt } }"


def run(gql, mutation: str, input: dict, selection: str = "") -> dict:
    """Run one mutation with a selection and every member of its error union; return its payload."""
    name = mutation[0].upper() + mutation[1:]
    members = "".join(f" ...on {m} {{ {MEMBER_FIELDS[m]} }}" for m in error_members(mutation) if m in MEMBER_FIELDS)
    error = f"error {{ __typename ...on Error {{ message }}{members} }}"
    return gql.data(f"mutation($input: {name}Input!) {{ {mutation}(input: $input) {{ {selection} {error} }} }}",
                    {"input": input})[mutation]


def prepare_contact(gql, text: str = SIGNATURE, **input) -> dict:
    payload = run(gql, "prepareContact", {"text": text, **input}, PREPARED)
    assert payload["error"] is None, payload["error"]
    return payload


def confirm_contact(gql, token: str, **input) -> dict:
    return run(gql, "confirmContact", {"confirmationToken": token, **input}, CREATED)


def contact_count(gql) -> int:
    return gql.data("{ contacts { totalCount } }")["contacts"]["totalCount"]


def paths(payload: dict) -> list[str]:
    return [v["path"] for v in payload["error"]["violations"]]


# =============================================================================== contact capture
def test_prepare_then_confirm_creates_the_contact(gql, letsligo, workspace, snapshot):
    # Given a French signature, prepared with an override
    before = snapshot(workspace)
    prepared = prepare_contact(gql, overrides={"meetingContext": "Salon VivaTech 2025", "tags": ["Salon"]})
    # Then the draft holds the extracted fields, under input names, with a token; nothing is created
    assert prepared["source"] == "signature" and prepared["cardsFound"] == 0 and prepared["duplicates"] == []
    assert prepared["draft"] == {
        "name": "Marie Dubois", "firstName": None, "lastName": None, "emails": [],
        "phones": [{"raw": "+33 1 42 68 53 00", "e164": "+33142685300"},
                   {"raw": "+33 6 12 34 56 78", "e164": "+33612345678"}],
        "company": "Acme SAS", "position": "Directrice commerciale", "address": "12 rue de la Paix, 75002 Paris",
        "website": "https://www.acme.fr", "linkedinUrl": None, "notes": None,
        "meetingContext": "Salon VivaTech 2025", "stage": None, "tags": ["Salon"], "customFields": {},
        "location": None, "channel": None}
    assert len(prepared["confirmationToken"]) >= 43 and prepared["expiresAt"]
    assert contact_count(gql) == 0
    # When it is confirmed with a last-minute override
    created = confirm_contact(gql, prepared["confirmationToken"], overrides={"emails": ["Marie.Dubois@acme.example"]})
    # Then the contact exists, with the draft's fields and the override, readable over GraphQL and REST
    assert created["error"] is None, created["error"]
    contact = created["contact"]
    assert contact["name"] == "Marie Dubois" and contact["emails"] == ["Marie.Dubois@acme.example"]
    assert [p["e164"] for p in contact["phones"]] == ["+33142685300", "+33612345678"]
    assert (contact["company"], contact["meetingContext"], contact["status"]) == (
        "Acme SAS", "Salon VivaTech 2025", "PENDING")
    assert gql.data("query($id: ID!) { contact(id: $id) { tags { name } } }", {"id": contact["id"]}) == {
        "contact": {"tags": [{"name": "Salon"}]}}
    assert letsligo.get(f"/api/contacts/{contact['id']}").json["name"] == "Marie Dubois"
    assert snapshot(workspace) != before


def test_duplicates_are_this_workspaces_contacts_sharing_an_email_or_phone(gql, other_gql):
    # Given contacts sharing an email (other case) and a phone (other formatting), and a mere prefix match
    same_email = gql.mutate("createContact", {"name": "Ana S.", "emails": ["ANA@tailspin.example"]})["contact"]["id"]
    same_phone = gql.mutate("createContact", {"name": "Ana Mobile", "phones": ["+55 (11) 912345678"]})["contact"]["id"]
    gql.mutate("createContact", {"name": "Prefix only", "emails": ["ana@tailspin.example.org"]})
    # and one in another workspace with both
    other_gql.mutate("createContact", {"name": "Elsewhere", "emails": ["ana@tailspin.example"],
                                       "phones": ["+55 11 91234-5678"]})
    # When a three-card vCard file is prepared
    prepared = prepare_contact(gql, MULTI_VCARD)
    # Then the first card is drafted and exactly this workspace's two matches are listed, with their contacts
    assert prepared["source"] == "vcard" and prepared["cardsFound"] == 3 and prepared["draft"]["name"] == "Ana Souza"
    found = {d["contact"]["id"]: d for d in prepared["duplicates"]}
    assert set(found) == {same_email, same_phone}
    assert found[same_email] == {"contact": {"id": same_email, "name": "Ana S.", "emails": ["ANA@tailspin.example"]},
                                 "matchedOn": ["emails"], "reasons": ["EMAIL"], "score": found[same_email]["score"]}
    assert found[same_phone]["matchedOn"] == ["phones"] and found[same_phone]["reasons"] == ["PHONE"]
    assert 0 < found[same_phone]["score"] < found[same_email]["score"] <= 1


def test_a_token_works_once_and_expires(gql, services, workspace, snapshot):
    # Given a token that created a contact
    first = prepare_contact(gql)["confirmationToken"]
    created = confirm_contact(gql, first)["contact"]["id"]
    before = snapshot(workspace)
    # When it is replayed (even with other overrides)
    again = confirm_contact(gql, first, overrides={"name": "Other"})
    # Then TokenGoneError naming the contact it created, and nothing new
    assert again["contact"] is None and again["error"]["__typename"] == "TokenGoneError"
    assert created in again["error"]["message"]
    assert snapshot(workspace) == before
    # A token past its hour is gone too; a minute before, it still works
    second = prepare_contact(gql)["confirmationToken"]
    before = snapshot(workspace)
    now = services.capture.clock()
    services.capture.clock = lambda: now + timedelta(hours=1, seconds=1)
    expired = confirm_contact(gql, second)
    assert expired["error"]["__typename"] == "TokenGoneError" and "expired" in expired["error"]["message"]
    assert snapshot(workspace) == before
    services.capture.clock = lambda: now + timedelta(minutes=59)
    assert confirm_contact(gql, second)["error"] is None and contact_count(gql) == 2


def test_another_workspaces_token_is_not_found(gql, other_gql, workspace, other_workspace, snapshot):
    token = prepare_contact(gql)["confirmationToken"]
    before, other_before = snapshot(workspace), snapshot(other_workspace)
    # Another workspace cannot use the token (drafts live in the preparing workspace's partition)
    stolen = confirm_contact(other_gql, token)
    assert stolen["contact"] is None
    assert stolen["error"] == {"__typename": "NotFoundError", "message": "Confirmation token not found",
                               "entity": "Confirmation token", "id": None}  # the token is never echoed
    for bogus in ("x" * 43, "not a token", "", "a" * 5000, token[:-1] + ("A" if token[-1] != "A" else "B")):
        assert confirm_contact(gql, bogus)["error"]["__typename"] == "NotFoundError", bogus[:20]
    assert (snapshot(workspace), snapshot(other_workspace)) == (before, other_before)
    # And the owner still can
    assert confirm_contact(gql, token)["error"] is None


def test_invalid_capture_input_is_refused_with_input_paths_and_changes_nothing(gql, workspace, snapshot):
    token = prepare_contact(gql)["confirmationToken"]
    before = snapshot(workspace)
    cases = [
        ("prepareContact", {"text": SIGNATURE, "overrides": {"emails": ["nope"]}}, "overrides.emails[0]"),
        ("prepareContact", {"text": SIGNATURE, "overrides": {"linkedinUrl": "x" * 3000}}, "overrides.linkedinUrl"),
        ("prepareContact", {"text": SIGNATURE, "overrides": {"firstName": "x" * 300}}, "overrides.firstName"),
        ("prepareContact", {"text": SIGNATURE, "overrides": {"customFields": {"shoe_size": {"eu": 38}}}},
         "overrides.customFields.shoe_size"),  # a custom field's own name is kept as given
        ("prepareContact", {"text": SIGNATURE, "overrides": {"name": None}}, "overrides.name"),
        ("prepareContact", {"text": SIGNATURE, "overrides": {"channel": "Not A Channel!"}}, "overrides.channel"),
        ("prepareContact", {"text": ""}, "text"),
        ("prepareContact", {"text": "x" * (20 * 1024 + 1)}, "text"),
        ("prepareContact", {"text": "BEGIN:VCARD\nVERSION:3.0\nFN:Jane\n"}, "text"),
        ("confirmContact", {"confirmationToken": token, "overrides": {"emails": ["a@b.example", "bad"]}},
         "overrides.emails[1]"),
        ("confirmContact", {"confirmationToken": token, "overrides": {"meetingContext": "y" * 10_001}},
         "overrides.meetingContext"),
        ("confirmContact", {"confirmationToken": token, "overrides": {"name": "  "}}, "overrides.name"),
        ("confirmContact", {"confirmationToken": token, "overrides": {"pipelineStateId": UNKNOWN_UUID}},
         "overrides.pipelineStateId"),
    ]
    for mutation, input, path in cases:
        payload = run(gql, mutation, input)
        assert payload["error"]["__typename"] == "ValidationError", (mutation, str(input)[:80], payload)
        assert path in paths(payload), (path, payload["error"])
        assert snapshot(workspace) == before, (mutation, path)
    # A value of the wrong GraphQL type never reaches the service: a request error, nothing runs
    wrong = gql("mutation { prepareContact(input: {text: 42}) { confirmationToken } }")
    assert wrong.json.get("data") is None
    assert "String cannot represent" in wrong.json["errors"][0]["message"]
    # The token survived every refused confirmation
    assert snapshot(workspace) == before
    assert confirm_contact(gql, token)["error"] is None


def test_a_draft_without_a_name_needs_one_in_the_overrides(gql):
    prepared = prepare_contact(gql, "Tél : +33 6 12 34 56 78")
    assert prepared["draft"]["name"] is None and prepared["draft"]["phones"][0]["raw"] == "+33 6 12 34 56 78"
    missing = confirm_contact(gql, prepared["confirmationToken"])
    assert missing["error"]["__typename"] == "ValidationError" and paths(missing) == ["overrides.name"]
    named = confirm_contact(gql, prepared["confirmationToken"], overrides={"name": "Léa"})
    assert named["error"] is None and named["contact"]["name"] == "Léa"


# =============================================================================== AI email flow
MARIE = {"name": "Marie Dubois", "emails": ["marie@acme.example", "m.dubois@acme.example"], "company": "Acme Corp",
         "position": "Directrice", "meetingContext": "Salon VivaTech 2025"}
SEED_MESSAGE = "Rédige un email de relance après notre rencontre au salon"  # the letsligo doc's


@pytest.fixture
def verified_sender(aws):
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)


def outbox() -> list:
    return ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages


def guard_records() -> int:
    return boto3.client("dynamodb").scan(TableName=SETTINGS.idempotency_table)["Count"]


def new_contact(gql, **fields) -> str:
    payload = gql.mutate("createContact", {**MARIE, **fields})
    assert payload["error"] is None, payload["error"]
    return payload["contact"]["id"]


def prepare_email(gql, contact_id: str, **input) -> dict:
    payload = run(gql, "prepareContactEmail", {"contactId": contact_id, "message": SEED_MESSAGE, **input}, DRAFT)
    assert payload["error"] is None, payload["error"]
    return payload


def test_prepare_refine_send(gql, letsligo, verified_sender):
    cid = new_contact(gql)
    # Given the doc's instruction
    drafted = prepare_email(gql, cid)
    # Then a French follow-up to the contact's first address, signed by the caller, in a new session
    assert (drafted["version"], drafted["composer"], drafted["notes"]) == (1, "offline", [])
    assert drafted["draft"]["to"] == "marie@acme.example" and drafted["expiresAt"]
    assert drafted["draft"]["subject"] == "Suite à notre rencontre – Salon VivaTech 2025"
    assert drafted["draft"]["body"].endswith("Bien cordialement,\nJohn Admin\nAcme Corporation")
    session_id = drafted["sessionId"]
    # When it is refined
    refined = run(gql, "refineContactEmail", {"contactId": cid, "sessionId": session_id,
                                              "instruction": "Raccourcis le paragraphe 2"}, DRAFT)
    assert refined["error"] is None and refined["sessionId"] == session_id and refined["version"] == 2
    assert len(refined["draft"]["body"]) < len(drafted["draft"]["body"])
    # And sent
    sent = run(gql, "sendContactEmail", {"contactId": cid, "sessionId": session_id}, SENT)
    assert sent["error"] is None, sent["error"]
    record = sent["sentEmail"]
    # Then exactly the refined draft left, and the contact shows it at once
    (message,) = outbox()
    assert (message.subject, message.body) == (refined["draft"]["subject"], refined["draft"]["body"])
    assert message.source == f"John Admin <{SENDER}>"
    assert record["messageId"] == message.id and record["to"] == "marie@acme.example"
    assert record["sessionId"] == session_id and record["subject"] == message.subject and record["sentAt"]
    assert record["contact"]["id"] == cid and record["contact"]["status"] == "CONTACTED"
    assert record["contact"]["lastActivityAt"] >= record["sentAt"][:19]
    # The same session over REST answers the same record: one flow, two facades
    rest = letsligo.post(f"/api/contacts/{cid}/emails/send", json={"sessionId": session_id})
    assert rest.status == 200 and rest.json["messageId"] == message.id and len(outbox()) == 1


def test_user_edits_are_kept_and_refined(gql):
    cid = new_contact(gql)
    first = prepare_email(gql, cid)
    edit = {"subject": "Mon objet", "body": "Bonjour Marie,\n\nPremière phrase. Deuxième phrase.\n\nJo",
            "to": "m.dubois@acme.example"}
    refined = run(gql, "refineContactEmail", {"contactId": cid, "sessionId": first["sessionId"],
                                              "instruction": "raccourcis le paragraphe 1", "currentEmail": edit},
                  DRAFT)
    assert refined["error"] is None and refined["version"] == 3  # model's v1, the user's v2, this one
    assert refined["draft"] == {"subject": "Mon objet", "body": "Bonjour Marie,\n\nPremière phrase.\n\nJo",
                                "to": "m.dubois@acme.example"}
    again = prepare_email(gql, cid, message="Write a thank-you email instead", sessionId=first["sessionId"])
    assert again["sessionId"] == first["sessionId"] and again["draft"]["subject"] == "Thank you for your time"


def test_sends_happen_exactly_once(gql, verified_sender):
    cid = new_contact(gql)
    session_id = prepare_email(gql, cid)["sessionId"]
    # Replays of a session's send, even carrying other content, answer the first result and send nothing
    first = run(gql, "sendContactEmail", {"contactId": cid, "sessionId": session_id}, SENT)
    retry = run(gql, "sendContactEmail", {"contactId": cid, "sessionId": session_id}, SENT)
    other = run(gql, "sendContactEmail", {"contactId": cid, "sessionId": session_id,
                                          "emailData": {"subject": "X", "body": "Y"}}, SENT)
    assert first["error"] is None and first == retry == other
    # The same emailData twice: one email; other content: another email
    data = {"contactId": cid, "emailData": {"subject": "Quick question", "body": "Are you free on Monday?"}}
    one, two = run(gql, "sendContactEmail", data, SENT), run(gql, "sendContactEmail", data, SENT)
    assert one == two and one["sentEmail"]["sessionId"] is None
    run(gql, "sendContactEmail", {**data, "emailData": {**data["emailData"], "body": "Another email"}}, SENT)
    assert len(outbox()) == 3
    # A sent session is closed to drafting
    closed = run(gql, "refineContactEmail", {"contactId": cid, "sessionId": session_id, "instruction": "shorter"},
                 DRAFT)
    assert closed["error"]["__typename"] == "ConflictError" and closed["sessionId"] is None


def test_another_workspaces_contacts_and_sessions_are_not_found(gql, other_gql, workspace, other_workspace,
                                                                snapshot, verified_sender):
    cid = new_contact(gql)
    sibling = new_contact(gql, name="Jean Martin", emails=["jean@acme.example"])
    session_id = prepare_email(gql, cid)["sessionId"]
    foreign = new_contact(other_gql, name="Hank", emails=["hank@globex.example"])
    before, other_before, guarded = snapshot(workspace), snapshot(other_workspace), guard_records()
    probes = [
        (other_gql, "prepareContactEmail", {"contactId": cid, "message": SEED_MESSAGE}, "Contact"),
        (other_gql, "refineContactEmail", {"contactId": cid, "sessionId": session_id, "instruction": "x"}, "Contact"),
        (other_gql, "sendContactEmail", {"contactId": cid, "sessionId": session_id}, "Contact"),
        (other_gql, "sendContactEmail", {"contactId": cid, "emailData": {"subject": "x", "body": "y"}}, "Contact"),
        (other_gql, "sendContactEmail", {"contactId": foreign, "sessionId": session_id}, "EmailSession"),
        (other_gql, "prepareContactEmail", {"contactId": foreign, "message": "x", "sessionId": session_id},
         "EmailSession"),
        (gql, "refineContactEmail", {"contactId": sibling, "sessionId": session_id, "instruction": "x"},
         "EmailSession"),  # another contact's session
        (gql, "sendContactEmail", {"contactId": sibling, "sessionId": session_id}, "EmailSession"),
        (gql, "sendContactEmail", {"contactId": foreign, "emailData": {"subject": "x", "body": "y"}}, "Contact"),
        (gql, "sendContactEmail", {"contactId": cid, "sessionId": UNKNOWN_UUID}, "EmailSession"),
        (gql, "sendContactEmail", {"contactId": cid, "sessionId": "not-a-uuid"}, "EmailSession"),
        (gql, "prepareContactEmail", {"contactId": "not-a-uuid", "message": SEED_MESSAGE}, "Contact"),
    ]
    for client, mutation, input, entity in probes:
        payload = run(client, mutation, input)
        assert payload["error"]["__typename"] == "NotFoundError", (mutation, input, payload)
        assert payload["error"]["entity"] == entity, (mutation, input, payload)
    # Nothing was stored, sent or reserved anywhere
    assert (snapshot(workspace), snapshot(other_workspace), guard_records()) == (before, other_before, guarded)
    assert outbox() == []


def test_invalid_email_input_is_refused_with_input_paths_and_changes_nothing(gql, workspace, snapshot,
                                                                             verified_sender):
    cid = new_contact(gql)
    no_email = new_contact(gql, name="Paul", emails=[])
    session_id = prepare_email(gql, cid)["sessionId"]
    empty_session = prepare_email(gql, no_email)["sessionId"]
    before, guarded = snapshot(workspace), guard_records()
    ok = {"subject": "Hello", "body": "Hello Marie"}
    cases = [
        ("prepareContactEmail", {"contactId": cid, "message": "   "}, "message", "blank"),
        ("prepareContactEmail", {"contactId": cid, "message": "x" * 2001}, "message", "too_long"),
        ("prepareContactEmail", {"contactId": cid, "message": "hi",
                                 "currentEmail": {**ok, "subject": "Hi\r\nBcc: x@evil.example"}},
         "currentEmail.subject", "line_break"),
        ("prepareContactEmail", {"contactId": cid, "message": "hi", "currentEmail": {**ok, "to": "not-an-email"}},
         "currentEmail.to", None),
        ("refineContactEmail", {"contactId": cid, "sessionId": session_id, "instruction": ""}, "instruction",
         "blank"),
        ("refineContactEmail", {"contactId": cid, "sessionId": session_id, "instruction": "shorter",
                                "currentEmail": {**ok, "body": "b" * 20_001}}, "currentEmail.body", "too_long"),
        ("sendContactEmail", {"contactId": cid}, "sessionId", "blank"),
        ("sendContactEmail", {"contactId": cid, "emailData": {**ok, "subject": "Hi\nBcc: victim@example.com"}},
         "emailData.subject", "line_break"),
        ("sendContactEmail", {"contactId": cid, "emailData": {**ok, "to": "victim@example.com\r\nBcc: x@e.example"}},
         "emailData.to", None),
        ("sendContactEmail", {"contactId": cid, "emailData": {**ok, "subject": "s" * 256}}, "emailData.subject",
         "too_long"),
        ("sendContactEmail", {"contactId": no_email, "sessionId": empty_session}, "emailData.to", "no_recipient"),
    ]
    for mutation, input, path, code in cases:
        payload = run(gql, mutation, input)
        assert payload["error"]["__typename"] == "ValidationError", (mutation, str(input)[:80], payload)
        violations = {v["path"]: v["code"] for v in payload["error"]["violations"]}
        assert path in violations and (code is None or violations[path] == code), (path, violations)
    # Then nothing was stored, sent, or reserved
    assert (snapshot(workspace), guard_records()) == (before, guarded)
    assert outbox() == []


def test_service_failures_are_typed_and_keep_the_draft(gql, services, workspace, verified_sender):
    cid = new_contact(gql)
    drafted = prepare_email(gql, cid)
    send = {"contactId": cid, "sessionId": drafted["sessionId"]}
    # Given SES rejecting the sender
    boto3.client("sesv2").delete_email_identity(EmailIdentity=SENDER)
    failed = run(gql, "sendContactEmail", send, SENT)
    # Then a ServiceUnavailableError with its retry delay; nothing left, the draft is kept, the contact untouched
    assert failed["sentEmail"] is None and failed["error"]["__typename"] == "ServiceUnavailableError"
    assert failed["error"]["retryAfter"] == 300 and failed["error"]["message"]
    assert outbox() == []
    session = services.emails.session(workspace.workspace.id, cid, drafted["sessionId"])
    assert session.sent is None and session.latest.draft.body == drafted["draft"]["body"]
    # And once SES accepts the sender again, the retry sends it, once
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    assert run(gql, "sendContactEmail", send, SENT)["error"] is None
    assert run(gql, "sendContactEmail", send, SENT)["error"] is None and len(outbox()) == 1
    # A composer that is not configured is a ServiceUnavailableError as well
    from contacthub.composers import UnavailableComposer

    services.emails.composer = UnavailableComposer("BEDROCK_MODEL_ID is not set")
    down = run(gql, "prepareContactEmail", {"contactId": cid, "message": SEED_MESSAGE}, DRAFT)
    assert down["error"]["__typename"] == "ServiceUnavailableError" and down["error"]["retryAfter"] == 300


def test_unexpected_failures_are_masked(gql, services):
    cid = new_contact(gql)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    services.emails.prepare = broken
    reply = gql("mutation($i: PrepareContactEmailInput!) { prepareContactEmail(input: $i) { sessionId } }",
                {"i": {"contactId": cid, "message": "hi"}})
    assert reply.status == 200 and "secret" not in reply.text
    assert reply.json["errors"][0]["message"] == "Internal server error"

"""letsligo contact capture (prepare -> confirm) through the real handler, API Gateway events and moto."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "capture"
SIGNATURE = (FIXTURES / "fr_directrice_pipe.txt").read_text(encoding="utf-8")
MULTI_VCARD = (FIXTURES / "vcard_multi.vcf").read_text(encoding="utf-8")
CONTACT_KEYS = {
    "name",
    "emails",
    "phones",
    "company",
    "position",
    "address",
    "website",
    "linkedinUrl",
    "additionalInfo",
    "meetingContext",
}


def _snapshot(letsligo):
    return json.dumps(letsligo.get("/api/contacts?itemsPerPage=100").json, sort_keys=True)


def _prepare(letsligo, text=SIGNATURE, **extra):
    reply = letsligo.post("/api/contacts/prepare", json={"text": text, **extra})
    assert reply.status == 200, reply.text
    return reply.json


def test_prepare_then_confirm_creates_the_contact(letsligo):
    # Given a French signature
    before = _snapshot(letsligo)
    # When it is prepared
    prepared = _prepare(letsligo, overrides={"meetingContext": "Salon VivaTech 2025"})
    # Then the extracted fields come back under letsligo names, with a token, and nothing is created yet
    assert prepared["@type"] == "ContactPreparation" and prepared["source"] == "signature"
    assert prepared["cardsFound"] == 0 and prepared["duplicates"] == []
    assert set(prepared["contact"]) == CONTACT_KEYS
    assert prepared["contact"] == {
        "name": "Marie Dubois",
        "emails": [],
        "phones": ["+33 1 42 68 53 00", "+33 6 12 34 56 78"],
        "company": "Acme SAS",
        "position": "Directrice commerciale",
        "address": "12 rue de la Paix, 75002 Paris",
        "website": "https://www.acme.fr",
        "linkedinUrl": None,
        "additionalInfo": None,
        "meetingContext": "Salon VivaTech 2025",
    }
    assert len(prepared["confirmationToken"]) >= 43 and prepared["expiresAt"]
    assert _snapshot(letsligo) == before
    # When it is confirmed with a last-minute override
    created = letsligo.post(
        "/api/contacts/confirm",
        json={
            "confirmationToken": prepared["confirmationToken"],
            "overrides": {"emails": ["marie.dubois@acme.example"]},
        },
    )
    # Then a 201 with the letsligo contact, readable and searchable at once
    assert created.status == 201, created.text
    body = created.json
    assert body["@type"] == "Contact" and body["status"] == "pending"
    assert body["name"] == "Marie Dubois" and body["emails"] == ["marie.dubois@acme.example"]
    assert body["phones"] == ["+33 1 42 68 53 00", "+33 6 12 34 56 78"] and body["company"] == "Acme SAS"
    assert body["meetingContext"] == "Salon VivaTech 2025" and body["linkedinUrl"] is None
    assert letsligo.get(f"/api/contacts/{body['id']}").json == body
    assert letsligo.get("/api/contacts?phone=0612345678").json["hydra:member"][0]["id"] == body["id"]


def test_a_token_works_once(letsligo):
    token = _prepare(letsligo)["confirmationToken"]
    first = letsligo.post("/api/contacts/confirm", json={"confirmationToken": token})
    assert first.status == 201
    snapshot = _snapshot(letsligo)
    # When the same token is confirmed again
    again = letsligo.post(
        "/api/contacts/confirm", json={"confirmationToken": token, "overrides": {"name": "Other"}}
    )
    # Then 410 Gone in the Hydra error shape, pointing at the contact it created, and nothing new
    assert again.status == 410, again.text
    assert again.json["@type"] == "hydra:Error" and first.json["id"] in again.json["detail"]
    assert _snapshot(letsligo) == snapshot


def test_an_expired_token_is_gone(letsligo, services):
    token = _prepare(letsligo)["confirmationToken"]
    before = _snapshot(letsligo)
    now = services.capture.clock()
    services.capture.clock = lambda: now + timedelta(hours=1, seconds=1)
    expired = letsligo.post("/api/contacts/confirm", json={"confirmationToken": token})
    assert expired.status == 410 and "expired" in expired.json["detail"]
    assert _snapshot(letsligo) == before
    # Just before the hour it still works
    services.capture.clock = lambda: now + timedelta(minutes=59)
    assert letsligo.post("/api/contacts/confirm", json={"confirmationToken": token}).status == 201


def test_expiry_is_also_enforced_at_commit(letsligo, services, workspace):
    """A token that expires between the read and the write is refused by the transaction's own condition."""
    from contacthub.domain.secrets import hash_secret
    from contacthub.domain.errors import Conflict
    from contacthub.ports import ConsumeCaptureDraft
    from contacthub.store.capture import CaptureDraftRepository
    from contacthub.store.repositories import ContactRepository

    ws = workspace.workspace.id
    token = _prepare(letsligo)["confirmationToken"]
    drafts = CaptureDraftRepository()
    draft = drafts.get(ws, hash_secret(token))
    late = draft.expires_at + timedelta(seconds=1)
    with pytest.raises(Conflict):
        ContactRepository().add(_contact(services, ws), also=(ConsumeCaptureDraft(ws, draft.token_hash, late),))
    assert services.contacts.search(ws, _all(), limit=10, with_total=True).total == 0
    assert drafts.get(ws, hash_secret(token)).used_at is None


def test_unknown_and_foreign_tokens_are_not_found(letsligo, other_letsligo):
    token = _prepare(letsligo)["confirmationToken"]
    before, other_before = _snapshot(letsligo), _snapshot(other_letsligo)
    # Another workspace cannot use the token (its drafts live under its own partition)
    stolen = other_letsligo.post("/api/contacts/confirm", json={"confirmationToken": token})
    assert stolen.status == 404 and stolen.json["@type"] == "hydra:Error"
    for bogus in ("x" * 43, "not a token", "", "a" * 5000, token[:-1] + ("A" if token[-1] != "A" else "B")):
        reply = letsligo.post("/api/contacts/confirm", json={"confirmationToken": bogus})
        assert reply.status == 404, (bogus[:20], reply.status, reply.text)
    assert _snapshot(letsligo) == before and _snapshot(other_letsligo) == other_before
    # and the owner still can
    assert letsligo.post("/api/contacts/confirm", json={"confirmationToken": token}).status == 201


def test_invalid_overrides_are_refused_and_change_nothing(letsligo):
    token = _prepare(letsligo)["confirmationToken"]
    before = _snapshot(letsligo)
    cases = [
        (
            "/api/contacts/prepare",
            {"text": SIGNATURE, "overrides": {"emails": ["nope"]}},
            "overrides.emails[0]",
        ),
        (
            "/api/contacts/prepare",
            {"text": SIGNATURE, "overrides": {"linkedinUrl": "x" * 3000}},
            "overrides.linkedinUrl",
        ),
        ("/api/contacts/prepare", {"text": SIGNATURE, "overrides": {"name": None}}, "overrides.name"),
        (
            "/api/contacts/prepare",
            {"text": SIGNATURE, "overrides": {"status": "converted"}},
            "overrides.status",
        ),
        ("/api/contacts/prepare", {"text": SIGNATURE, "overrides": {"phones": "0612"}}, "overrides.phones"),
        ("/api/contacts/prepare", {"text": ""}, "text"),
        ("/api/contacts/prepare", {"text": "x" * (20 * 1024 + 1)}, "text"),
        ("/api/contacts/prepare", {"text": "BEGIN:VCARD\nVERSION:3.0\nFN:Jane\n"}, "text"),
        ("/api/contacts/prepare", {}, "text"),
        ("/api/contacts/prepare", {"text": 42}, "text"),
        (
            "/api/contacts/confirm",
            {"confirmationToken": token, "overrides": {"emails": ["a@b.example", "bad"]}},
            "overrides.emails[1]",
        ),
        (
            "/api/contacts/confirm",
            {"confirmationToken": token, "overrides": {"additionalInfo": "y" * 10_001}},
            "overrides.additionalInfo",
        ),
        (
            "/api/contacts/confirm",
            {"confirmationToken": token, "overrides": {"name": "  "}},
            "overrides.name",
        ),
        ("/api/contacts/confirm", {"confirmationToken": token, "overrides": {"id": "x"}}, "overrides.id"),
        ("/api/contacts/confirm", {"confirmationToken": token, "extra": 1}, "extra"),
        ("/api/contacts/confirm", {}, "confirmationToken"),
    ]
    for url, payload, path in cases:
        reply = letsligo.post(url, json=payload)
        assert reply.status == 422, (url, str(payload)[:80], reply.status, reply.text[:300])
        assert reply.json["@type"] == "ConstraintViolationList"
        assert path in {v["propertyPath"] for v in reply.json["violations"]}, (path, reply.json["violations"])
    assert (
        letsligo.post(
            "/api/contacts/confirm", body="{not json", headers={"Content-Type": "application/json"}
        ).status
        == 400
    )
    assert (
        letsligo.post("/api/contacts/prepare", body="text", headers={"Content-Type": "text/plain"}).status == 415
    )
    assert _snapshot(letsligo) == before
    # The token survived every refused confirmation
    assert letsligo.post("/api/contacts/confirm", json={"confirmationToken": token}).status == 201


def test_a_draft_without_name_or_email_needs_an_override(letsligo):
    # Given a text where only a phone number is recognised
    prepared = _prepare(letsligo, text="Tél : +33 6 12 34 56 78")
    assert prepared["contact"]["name"] is None and prepared["contact"]["phones"] == ["+33 6 12 34 56 78"]
    token = prepared["confirmationToken"]
    # Then confirming as is says which override is missing, and keeps the token
    missing = letsligo.post("/api/contacts/confirm", json={"confirmationToken": token})
    assert missing.status == 422 and missing.json["violations"][0]["propertyPath"] == "overrides.name"
    named = letsligo.post("/api/contacts/confirm", json={"confirmationToken": token, "overrides": {"name": "Léa"}})
    assert named.status == 201 and named.json["name"] == "Léa"


def test_duplicates_by_email_and_by_phone_in_another_format(letsligo, other_letsligo):
    # Given contacts of this workspace sharing an email (other case) or a phone (other formatting)
    same_email = letsligo.post("/api/contacts", json={"name": "Ana S.", "emails": ["ANA@tailspin.example"]}).json
    same_phone = letsligo.post(
        "/api/contacts", json={"name": "Ana Mobile", "phones": ["+55 (11) 912345678"], "company": "Tailspin"}
    ).json
    letsligo.post(
        "/api/contacts",
        json={
            "name": "Prefix only",
            "emails": ["ana@tailspin.example.org"],
            "phones": ["+55 11 91234-56789"],
        },
    )
    # and one in another workspace with both
    other_letsligo.post(
        "/api/contacts",
        json={"name": "Ana elsewhere", "emails": ["ana@tailspin.example"], "phones": ["+55 11 91234-5678"]},
    )
    # When a vCard file with three cards is prepared
    prepared = _prepare(letsligo, text=MULTI_VCARD)
    # Then the first card is extracted, the count is given, and exactly the two matches are listed
    assert prepared["source"] == "vcard" and prepared["cardsFound"] == 3
    assert prepared["contact"]["name"] == "Ana Souza"
    duplicates = {d["id"]: d for d in prepared["duplicates"]}
    assert set(duplicates) == {same_email["id"], same_phone["id"]}
    assert duplicates[same_email["id"]]["matchedOn"] == ["emails"]
    assert duplicates[same_phone["id"]] == {
        "@id": f"/api/contacts/{same_phone['id']}",
        "@type": "Contact",
        "id": same_phone["id"],
        "name": "Ana Mobile",
        "emails": [],
        "company": "Tailspin",
        "matchedOn": ["phones"],
    }


def test_vcard_first_and_last_names_are_kept(letsligo, services, workspace):
    prepared = _prepare(letsligo, text=(FIXTURES / "vcard30_outlook_qp.vcf").read_text(encoding="utf-8"))
    assert prepared["contact"]["name"] == "Élodie Dupré"
    created = letsligo.post(
        "/api/contacts/confirm", json={"confirmationToken": prepared["confirmationToken"]}
    ).json
    contact = services.contacts.get(workspace.workspace.id, created["id"])
    assert (contact.first_name, contact.last_name) == ("Élodie", "Dupré")
    assert [p.e164 for p in contact.phones] == ["+33140000000", "+33607080910"]


def test_only_one_of_two_racing_confirmations_creates(letsligo, services, workspace, monkeypatch):
    """Both read the draft as unused; the transaction's condition lets exactly one through."""
    from contacthub.domain.secrets import hash_secret
    from contacthub.domain.errors import Gone
    from contacthub.store.capture import CaptureDraftRepository

    ws = workspace.workspace.id
    token = _prepare(letsligo)["confirmationToken"]
    stale = CaptureDraftRepository().get(ws, hash_secret(token))
    assert letsligo.post("/api/contacts/confirm", json={"confirmationToken": token}).status == 201
    # the loser read before the winner wrote: its first read is stale, the re-read after the failure is not
    fresh_get = CaptureDraftRepository.get
    reads = iter([stale])
    monkeypatch.setattr(CaptureDraftRepository, "get",
                        lambda self, workspace_id, token_hash: next(reads, None) or fresh_get(self, workspace_id,
                                                                                            token_hash))
    with pytest.raises(Gone):
        services.capture.confirm(ws, token)
    assert services.contacts.search(ws, _all(), limit=10, with_total=True).total == 1


def test_a_failed_create_leaves_the_token_usable(letsligo, services, workspace):
    """The contact's transaction fails (its integer id is taken): the draft is not marked used either."""
    from contacthub.store.repositories import _number_sk
    from contacthub.store.tables import ContactNumberItem, workspace_pk

    ws = workspace.workspace.id
    token = _prepare(letsligo)["confirmationToken"]
    ContactNumberItem(workspace_pk(ws), _number_sk(1), contactId="squatter").save()
    clash = letsligo.post("/api/contacts/confirm", json={"confirmationToken": token})
    assert clash.status == 409, clash.text
    assert services.contacts.search(ws, _all(), limit=10, with_total=True).total == 0
    retry = letsligo.post("/api/contacts/confirm", json={"confirmationToken": token})
    assert retry.status == 201 and services.contacts.search(ws, _all(), limit=10, with_total=True).total == 1


def test_authentication_is_required(letsligo):
    from client import ApiClient

    assert ApiClient(None).post("/api/contacts/prepare", json={"text": SIGNATURE}).status == 401
    assert ApiClient(None).post("/api/contacts/confirm", json={"confirmationToken": "x" * 43}).status == 401


# ---------------------------------------------------------------- helpers
def _all():
    from contacthub.ports import ContactQuery

    return ContactQuery()


def _contact(services, ws):
    import uuid

    from contacthub.domain.contact import Contact

    now = services.capture.clock()
    return Contact(
        workspace_id=ws,
        id=str(uuid.uuid4()),
        number=99,
        name="Late",
        created_at=now,
        updated_at=now,
        last_activity_at=now,
    )

"""CaptureService on in-memory repositories: merge rules, validation before the token, expiry, duplicates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fakes import InMemoryContacts, InMemoryDrafts, InMemoryDuplicateCandidates, InMemoryStates

from contacthub.domain.secrets import hash_secret
from contacthub.domain.errors import Conflict, Gone, NotFound, ValidationFailed
from contacthub.domain.contact import MAX_CAPTURE_TEXT_BYTES as MAX_TEXT_BYTES
from contacthub.services.capture import CaptureService
from contacthub.services.contacts import ContactService
from contacthub.services.duplicates import DuplicateService

WS, OTHER_WS = "ws-1", "ws-2"
T0 = datetime(2025, 3, 20, 10, 0, tzinfo=timezone.utc)
SIGNATURE = (
    "Cordialement,\nMarie Dubois\nDirectrice commerciale | Acme SAS\nPortable : 06 12 34 56 78\n"
    "marie@acme.example"
)


@pytest.fixture
def clock():
    class Clock:
        now = T0

        def __call__(self):
            return self.now

    return Clock()


@pytest.fixture
def drafts():
    return InMemoryDrafts()


@pytest.fixture
def contacts(drafts):
    return InMemoryContacts(drafts)


@pytest.fixture
def capture(clock, contacts, drafts):
    return CaptureService(ContactService(contacts, InMemoryStates(), clock=clock), drafts, clock=clock,
                          duplicates=DuplicateService(contacts, InMemoryDuplicateCandidates(contacts)))


def test_prepare_stores_only_the_token_hash_and_creates_nothing(capture, contacts, drafts):
    prepared = capture.prepare(WS, SIGNATURE)
    assert prepared.fields["name"] == "Marie Dubois" and prepared.fields["company"] == "Acme SAS"
    assert prepared.expires_at == T0 + timedelta(hours=1)
    assert list(drafts.drafts) == [(WS, hash_secret(prepared.token))]
    assert prepared.token not in str(drafts.drafts)
    assert contacts.contacts == {}


def test_overrides_win_field_by_field(capture):
    prepared = capture.prepare(
        WS, SIGNATURE, {"company": None, "phones": ["+44 20 7946 0958"], "notes": "VIP"}
    )
    assert "company" not in prepared.fields  # null clears the extracted value
    assert [p.e164 for p in prepared.fields["phones"]] == ["+442079460958"]  # a list replaces the list
    contact = capture.confirm(WS, prepared.token, {"position": "DG"})
    assert (contact.name, contact.company, contact.position, contact.notes) == (
        "Marie Dubois",
        None,
        "DG",
        "VIP",
    )
    assert contact.emails == ("marie@acme.example",)


def test_a_name_override_replaces_the_structured_vcard_name(capture):
    vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Q. Public\r\nN:Public;Jane;Q.;;\r\nEND:VCARD\r\n"
    kept = capture.confirm(WS, capture.prepare(WS, vcard).token)
    assert (kept.first_name, kept.last_name) == ("Jane", "Public")
    renamed = capture.confirm(WS, capture.prepare(WS, vcard).token, {"name": "Janet Smith"})
    assert (renamed.name, renamed.first_name, renamed.last_name) == ("Janet Smith", "Janet", "Smith")


def test_invalid_overrides_keep_the_token(capture):
    token = capture.prepare(WS, SIGNATURE).token
    with pytest.raises(ValidationFailed) as error:
        capture.confirm(WS, token, {"emails": ["ok@x.example", "bad"], "website": "w" * 3000})
    assert {v.path for v in error.value.violations} == {"overrides.emails[1]", "overrides.website"}
    assert capture.confirm(WS, token).name == "Marie Dubois"


def test_expiry_uses_the_injected_clock(capture, clock, contacts):
    token = capture.prepare(WS, SIGNATURE).token
    clock.now = T0 + timedelta(hours=1)
    with pytest.raises(Gone, match="expired"):
        capture.confirm(WS, token)
    assert contacts.contacts == {}


def test_used_unknown_and_foreign_tokens(capture):
    token = capture.prepare(WS, SIGNATURE).token
    created = capture.confirm(WS, token)
    with pytest.raises(Gone, match=created.id):
        capture.confirm(WS, token)
    for bad in (capture.prepare(WS, SIGNATURE).token[:-2], "", None, "x" * 200, "ünïcode-token-ünïcode"):
        with pytest.raises(NotFound):
            capture.confirm(WS, bad)
    with pytest.raises(NotFound):
        capture.confirm(OTHER_WS, capture.prepare(WS, SIGNATURE).token)


def test_a_failed_commit_does_not_burn_the_token(capture, contacts, drafts):
    token = capture.prepare(WS, SIGNATURE).token
    contacts.fail_next_commit = 1
    with pytest.raises(Conflict):
        capture.confirm(WS, token)
    assert drafts.get(WS, hash_secret(token)).used_at is None
    created = capture.confirm(WS, token)
    assert created.name == "Marie Dubois"
    assert drafts.get(WS, hash_secret(token)).contact_id == created.id  # consumed with the create


def test_text_bounds(capture):
    for text in ("", "   ", None, 42):
        with pytest.raises(ValidationFailed, match="blank"):
            capture.prepare(WS, text)
    with pytest.raises(ValidationFailed, match="too long"):
        capture.prepare(WS, "é" * (MAX_TEXT_BYTES // 2 + 1))  # bytes, not characters
    assert capture.prepare(WS, "a@b.example" + " " * (MAX_TEXT_BYTES - 11)).fields["emails"] == (
        "a@b.example",
    )


def test_unreadable_vcard_is_a_violation_on_text(capture):
    with pytest.raises(ValidationFailed) as error:
        capture.prepare(WS, "BEGIN:VCARD\nVERSION:3.0\nFN:Jane\n")
    assert error.value.violations[0].path == "text" and error.value.violations[0].code == "invalid_vcard"


def test_duplicates_match_exactly_and_stay_in_the_workspace(capture):
    first = capture.confirm(WS, capture.prepare(WS, SIGNATURE).token)
    capture.confirm(OTHER_WS, capture.prepare(OTHER_WS, SIGNATURE).token)
    capture.confirm(WS, capture.prepare(WS, "Marie Other\nmarie@acme.example.org").token)
    again = capture.prepare(WS, SIGNATURE.replace("06 12 34 56 78", "+33 (0)6 12-34-56-78"))
    # the same person: every reason the detector knows, and the fields behind them
    assert [(d.contact.id, d.matched_on) for d in again.duplicates] == [
        (first.id, ("emails", "phones", "name", "company"))]
    assert [r.value for r in again.duplicates[0].reasons] == ["email", "phone", "name+company", "name+emailDomain"]
    assert 0.9 < again.duplicates[0].score <= 1


def test_a_similar_name_in_the_same_company_is_a_possible_duplicate_too(capture):
    # Given Marie at Acme, known by another address and no phone
    known = capture.confirm(WS, capture.prepare(WS, "Marie Dubois\nmarie.d@gmail.com",
                                                overrides={"company": "Acme Inc."}).token)
    # When her signature is prepared (the same company, a name with a typo, other contact details)
    prepared = capture.prepare(WS, SIGNATURE, overrides={"name": "Marie Duboix", "company": "ACME"})
    # Then she is a possible duplicate on the name and company alone
    assert [(d.contact.id, d.matched_on) for d in prepared.duplicates] == [(known.id, ("name", "company"))]

"""Batch writes and upsert matching on the in-memory fakes; the /hub/v1 contact mapping (pure)."""
from __future__ import annotations

import pytest
from fakes import InMemoryContacts, InMemoryStates

from contacthub.api.hub.mapping import contact_to_wire, fields_from_wire
from contacthub.domain.contact_batch import BatchMode, MatchKey, WriteOutcome
from contacthub.domain.errors import Conflict, EmailTaken, ValidationFailed
from contacthub.services import retry
from contacthub.services.contact_batch import DEFAULT_MATCH_BY, write_batch
from contacthub.services.contacts import ContactService

WS, OTHER_WS = "ws-1", "ws-2"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(retry.time, "sleep", lambda seconds: None)


@pytest.fixture
def repo():
    return InMemoryContacts()


@pytest.fixture
def contacts(repo):
    return ContactService(repo, InMemoryStates())


def test_upsert_creates_then_updates_then_leaves_unchanged(contacts):
    fields = {"name": "Marie Dubois", "emails": ["marie@acme.example"]}
    outcome, made = contacts.upsert(WS, fields, DEFAULT_MATCH_BY)
    assert outcome is WriteOutcome.CREATED
    outcome, changed = contacts.upsert(WS, {"emails": ["MARIE@acme.example"], "company": "Acme"}, DEFAULT_MATCH_BY)
    assert (outcome, changed.id, changed.company) == (WriteOutcome.UPDATED, made.id, "Acme")
    outcome, same = contacts.upsert(WS, {"emails": ["MARIE@acme.example"], "company": "Acme"}, DEFAULT_MATCH_BY)
    assert (outcome, same.version) == (WriteOutcome.UNCHANGED, changed.version)


def test_phones_match_by_e164_only(contacts):
    local = contacts.create(WS, {"name": "Local Number", "phones": ["06 12 34 56 78"]})  # no region: no E.164
    e164 = contacts.create(WS, {"name": "Full Number", "phones": ["+33 6 11 22 33 44"]})
    assert contacts.find_match(WS, {"phones": ["+33611223344"]}, [MatchKey.PHONE]) == e164
    assert contacts.find_match(WS, {"phones": ["+33 6 12 34 56 78"]}, [MatchKey.PHONE]) is None
    assert contacts.find_match(WS, {"phones": ["06 12 34 56 78"]}, [MatchKey.PHONE]) is None
    assert local.phones[0].e164 is None


def test_matching_stays_in_its_workspace_and_follows_match_by(contacts):
    contacts.create(OTHER_WS, {"name": "Elsewhere", "emails": ["a@acme.example"]})
    assert contacts.find_match(WS, {"emails": ["a@acme.example"]}, DEFAULT_MATCH_BY) is None
    mine = contacts.create(WS, {"name": "Mine", "emails": ["a@acme.example"]})
    assert contacts.find_match(WS, {"emails": ["a@acme.example"]}, [MatchKey.PHONE]) is None
    assert contacts.find_match(WS, {"emails": ["a@acme.example"]}, [MatchKey.EMAIL]) == mine


def test_two_contacts_found_by_one_key_is_a_violation_on_that_field(contacts):
    for name in ("Twin One", "Twin Two"):
        contacts.create(WS, {"name": name, "phones": ["+33 6 11 22 33 44"]})
    with pytest.raises(ValidationFailed) as raised:
        contacts.find_match(WS, {"phones": ["+33611223344"]}, DEFAULT_MATCH_BY)
    assert [(v.path, v.code) for v in raised.value.violations] == [("phones", "ambiguous_match")]


def test_a_batch_answers_one_result_per_item_in_order_and_bad_items_fail_alone(contacts, repo):
    unreadable = ValidationFailed.one("firstName", "This value should be of type string.", "type")
    results = write_batch(contacts, WS, BatchMode.UPSERT, DEFAULT_MATCH_BY, [
        {"name": "First", "emails": ["first@acme.example"]},
        {"emails": ["bad"]},
        unreadable,
        {"emails": ["FIRST@acme.example"], "position": "CEO"},
    ])
    assert [r.outcome for r in results] == [WriteOutcome.CREATED, WriteOutcome.ERROR, WriteOutcome.ERROR,
                                            WriteOutcome.UPDATED]
    assert results[2].error is unreadable and results[3].contact.id == results[0].contact.id
    assert repo.count(WS) == 1


def test_an_item_losing_every_retry_is_an_error_for_that_item_alone(contacts, repo):
    made = contacts.create(WS, {"name": "Busy", "emails": ["busy@acme.example"]})
    repo.fail_next_commit = retry.MAX_ATTEMPTS
    results = write_batch(contacts, WS, BatchMode.UPSERT, DEFAULT_MATCH_BY,
                          [{"emails": ["busy@acme.example"], "company": "X"}, {"name": "Next"}])
    assert results[0].outcome is WriteOutcome.ERROR and isinstance(results[0].error, Conflict)
    assert results[1].outcome is WriteOutcome.CREATED
    assert repo.get(WS, made.id) == made


def test_create_mode_never_matches(contacts, repo):
    contacts.create(WS, {"name": "Marie", "emails": ["marie@acme.example"]})
    results = write_batch(contacts, WS, BatchMode.CREATE, (), [{"name": "Marie", "emails": ["marie@acme.example"]}])
    assert results[0].outcome is WriteOutcome.CREATED and repo.count(WS) == 2


@pytest.mark.parametrize("mode, match_by, size, field", [
    (BatchMode.UPSERT, (), 1, "match_by"),
    (BatchMode.CREATE, DEFAULT_MATCH_BY, 101, "contacts"),
])
def test_an_invalid_batch_writes_nothing(contacts, repo, mode, match_by, size, field):
    with pytest.raises(ValidationFailed) as raised:
        write_batch(contacts, WS, mode, match_by, [{"name": f"P{n}"} for n in range(size)])
    assert raised.value.violations[0].path == field and repo.count(WS) == 0


# ---------------------------------------------------------------- /hub/v1 mapping (golden)
def test_hub_fields_read_with_canonical_names_and_phones_as_answered():
    assert fields_from_wire({"firstName": "Marie", "meetingContext": "Fair", "customFields": {"a": 1},
                             "pipelineStateId": None, "phones": ["+33 6 12", {"number": "+44 20", "e164": "x"}],
                             "unknown": 1}) == {
        "first_name": "Marie", "meeting_context": "Fair", "custom_fields": {"a": 1}, "pipeline_state_id": None,
        "phones": ["+33 6 12", "+44 20"], "unknown": 1}


def test_hub_contact_is_the_change_feeds_canonical_json(contacts):
    contact = contacts.create(WS, {"name": "Marie Dubois", "phones": ["+33 6 12 34 56 78"],
                                   "linkedin_url": "https://linkedin.example/marie"})
    wire = contact_to_wire(contact)
    assert (wire["firstName"], wire["lastName"], wire["linkedinUrl"]) == ("Marie", "Dubois",
                                                                          "https://linkedin.example/marie")
    assert wire["phones"] == [{"number": "+33 6 12 34 56 78", "e164": "+33612345678"}]
    assert fields_from_wire({k: wire[k] for k in ("firstName", "lastName", "phones", "linkedinUrl")}) == {
        "first_name": "Marie", "last_name": "Dubois", "phones": ["+33 6 12 34 56 78"],
        "linkedin_url": "https://linkedin.example/marie"}


# ---------------------------------------------------------------- unique emails (a workspace setting)
@pytest.fixture
def unique_contacts(repo):
    return ContactService(repo, InMemoryStates(), unique_emails=lambda workspace_id: workspace_id == WS)


def test_a_taken_email_is_refused_by_create_update_and_batch_naming_its_contact(unique_contacts, repo):
    marie = unique_contacts.create(WS, {"name": "Marie", "emails": ["marie@acme.example"]})
    jean = unique_contacts.create(WS, {"name": "Jean", "emails": ["jean@acme.example"]})
    with pytest.raises(EmailTaken) as raised:
        unique_contacts.create(WS, {"name": "Copy", "emails": ["MARIE@acme.example"]})
    assert (raised.value.contact_id, raised.value.contact_number) == (marie.id, marie.number)
    with pytest.raises(EmailTaken):
        unique_contacts.update(WS, jean.id, {"emails": ["jean@acme.example", "marie@acme.example"]})
    [result] = write_batch(unique_contacts, WS, BatchMode.CREATE, (), [{"name": "C", "emails": ["marie@acme.example"]}])
    assert isinstance(result.error, EmailTaken) and repo.count(WS) == 2
    # its own address, another workspace, and a workspace without the setting are fine
    assert unique_contacts.update(WS, marie.id, {"emails": ["marie@acme.example"], "company": "Acme"}).company == "Acme"
    unique_contacts.create(OTHER_WS, {"name": "Twin", "emails": ["marie@acme.example"]})
    unique_contacts.create(OTHER_WS, {"name": "Twin", "emails": ["marie@acme.example"]})


def test_a_write_that_lost_the_race_for_an_address_names_the_winner(unique_contacts, repo):
    guard_versions = repo.email_guard_versions

    def a_winner_commits_meanwhile(workspace_id, emails):
        versions = guard_versions(workspace_id, emails)
        if not repo.contacts:
            ContactService(repo, InMemoryStates()).create(WS, {"name": "Winner", "emails": ["race@acme.example"]})
            repo.email_guards[(WS, "race@acme.example")] = 1  # as the winner's own guarded write left it
        return versions

    repo.email_guard_versions = a_winner_commits_meanwhile
    with pytest.raises(EmailTaken) as raised:
        unique_contacts.create(WS, {"name": "Loser", "emails": ["race@acme.example"]})
    assert raised.value.contact_id == next(iter(repo.contacts.values())).id and repo.count(WS) == 1


def test_each_dialect_names_the_contact_that_has_the_address():
    from contacthub.api.hub.errors import HUB
    from contacthub.api.letsligo.errors import LETSLIGO
    from contacthub.api.skarbe.errors import SKARBE
    from contacthub.api.whautomate.errors import WHAUTOMATE

    taken = EmailTaken("marie@acme.example", "3f0c8a4e-0000-4000-8000-000000000001", 42)
    rendered = {d.name: (d.problem_for(taken).status, d.render(d.problem_for(taken)))
                for d in (HUB, LETSLIGO, SKARBE, WHAUTOMATE)}
    detail = "A contact with this email address already exists in the workspace: marie@acme.example"
    assert rendered["hub"] == (409, {"type": "https://contacthub.dev/problems/conflict", "title": "Conflict",
                                     "status": 409, "detail": detail, "existingId": taken.contact_id})
    assert rendered["letsligo"][0] == 409 and rendered["letsligo"][1]["detail"] == detail
    assert rendered["letsligo"][1]["existing"] == f"/api/contacts/{taken.contact_id}"
    assert rendered["skarbe"] == (409, {"error": f"{detail} (contact 42)"})
    assert rendered["whautomate"] == (409, {"error": "Conflict", "message": detail, "contactId": taken.contact_id})

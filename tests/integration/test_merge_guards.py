"""A merge and its undo in a workspace that keeps emails unique: the addresses pass from contact to contact in the
steps that remove and restore them, so a write racing the merge never takes one and no two contacts ever hold
one; an undo that would give a third contact's address back is refused. And a restored contact never matches an
ETag it answered before its merge."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from client import ApiClient
from contacthub.store.merges import MergeRepository
from contacthub.store.repositories import ContactRepository
from environment import workspace_items

SHARED = "marie@perso.example"
MARIE = {"name": "Marie Dubois", "emails": ["marie@acme.example"]}
MARIE_TOO = {"name": "M. Dubois", "emails": [SHARED, "md@perso.example"]}
UNDO = """mutation($mergeId: ID!) { undoMerge(input: {mergeId: $mergeId}) { merge { status }
  error { __typename ...on DuplicateEmailError { email existingContactId } } } }"""


@pytest.fixture
def hub(services, workspace):
    services.workspaces.set_unique_emails(workspace.workspace.id, True)
    client = ApiClient(workspace.key)
    client.workspace_id = workspace.workspace.id  # type: ignore[attr-defined]
    return client


def _create(hub, body) -> dict:
    reply = hub.post("/hub/v1/contacts", json=body)
    assert reply.status == 201, reply.text
    return reply.json


def _holders(hub, email: str) -> list[str]:
    """The contacts that have this address, as every reader sees them."""
    found = hub.get(f"/hub/v1/contacts?search={quote(email)}")
    assert found.status == 200, found.text
    return [c["id"] for c in found.json["data"] if email in c["emails"]]


def _merge(hub, survivor: dict, other: dict) -> dict:
    reply = hub.post(f"/hub/v1/contacts/{survivor['id']}/merge", json={"from": [other["id"]]})
    assert reply.status == 200, reply.text
    return reply.json["merge"]


def test_a_create_between_the_merged_contacts_removal_and_the_survivors_update_is_refused(hub, monkeypatch):
    # Given two contacts, and a create of the merged contact's address landing between the merge's steps
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    racing: list = []
    real_finish = MergeRepository.finish

    def finish_after_a_racing_create(self, record, current, after):
        if not racing:
            racing.append(hub.post("/hub/v1/contacts", json={"name": "Racer", "emails": [SHARED.upper()]}))
        return real_finish(self, record, current, after)

    monkeypatch.setattr(MergeRepository, "finish", finish_after_a_racing_create)
    # When merged
    merge = _merge(hub, survivor, other)
    # Then the racing create was refused, naming the survivor the address is passing to
    assert racing[0].status == 409 and racing[0].json["existingId"] == survivor["id"], racing[0].text
    # And the merge finished: the survivor alone has the address
    assert merge["status"] == "done"
    assert _holders(hub, SHARED) == [survivor["id"]]
    # And once it is done, the address is the survivor's as any other
    again = hub.post("/hub/v1/contacts", json={"name": "Late", "emails": [SHARED]})
    assert again.status == 409 and again.json["existingId"] == survivor["id"]


def test_a_create_that_checked_before_the_removal_and_commits_after_it_is_refused(hub, monkeypatch):
    # Given a create that read the guard of the address and found nobody having it, while the merge removed the
    # merged contact in between (its check saw neither contact with the address)
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    real_remove, real_versions = MergeRepository.remove_merged, ContactRepository.email_guard_versions
    racing: list = []

    def remove_during_a_create(self, record, contact, refs, **options):
        stale = real_versions(ContactRepository(), record.workspace_id, [SHARED])
        done = real_remove(self, record, contact, refs, **options)
        reads: list = []

        def versions_read_before(repository, workspace_id, emails):
            reads.append(emails)
            return stale if len(reads) == 1 else real_versions(repository, workspace_id, emails)

        monkeypatch.setattr(ContactRepository, "email_guard_versions", versions_read_before)
        monkeypatch.setattr(ContactRepository, "email_holders", lambda *args: {} if len(reads) == 1 else
                            real_holders(*args))
        racing.append(hub.post("/hub/v1/contacts", json={"name": "Racer", "emails": [SHARED]}))
        monkeypatch.setattr(ContactRepository, "email_guard_versions", real_versions)
        monkeypatch.setattr(ContactRepository, "email_holders", real_holders)
        return done

    real_holders = ContactRepository.email_holders
    monkeypatch.setattr(MergeRepository, "remove_merged", remove_during_a_create)
    # When merged
    _merge(hub, survivor, other)
    # Then the create's transaction failed on the guard the merge moved, and its retry found the address taken
    assert racing[0].status == 409 and racing[0].json["existingId"] == survivor["id"], racing[0].text
    assert _holders(hub, SHARED) == [survivor["id"]]


def test_undo_hands_the_addresses_back(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    merge = _merge(hub, survivor, other)
    undone = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert undone.status == 200, undone.text
    assert _holders(hub, SHARED) == [other["id"]]
    assert hub.get(f"/hub/v1/contacts/{survivor['id']}").json["emails"] == MARIE["emails"]
    taken = hub.post("/hub/v1/contacts", json={"name": "Copy", "emails": [SHARED]})
    assert taken.status == 409 and taken.json["existingId"] == other["id"]


def test_a_survivor_edited_since_gives_back_the_addresses_it_had_only_from_the_merge(hub):
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    merge = _merge(hub, survivor, other)
    edited = hub.patch(f"/hub/v1/contacts/{survivor['id']}",
                       json={"emails": [SHARED, "marie@acme.example", "new@acme.example"]})
    assert edited.status == 200, edited.text
    undone = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert undone.status == 200, undone.text
    assert "emails" in undone.json["notReverted"]
    assert undone.json["contact"]["emails"] == ["marie@acme.example", "new@acme.example"]
    assert _holders(hub, SHARED) == [other["id"]]


def test_an_undo_that_would_give_back_a_third_contacts_address_is_refused_and_changes_nothing(hub):
    # Given a merge whose survivor dropped the merged address since, and a third contact that then took it
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    merge = _merge(hub, survivor, other)
    assert hub.patch(f"/hub/v1/contacts/{survivor['id']}",
                     json={"emails": ["marie@acme.example", "md@perso.example"]}).status == 200
    third = _create(hub, {"name": "Third", "emails": [SHARED]})
    before = workspace_items(hub.workspace_id, ignore_numbers=True)
    # When the merge is undone
    refused = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    # Then it is a 409 naming the contact that has the address, and nothing changed
    assert refused.status == 409 and refused.json["existingId"] == third["id"], refused.text
    assert workspace_items(hub.workspace_id, ignore_numbers=True) == before
    # (GraphQL: DuplicateEmailError naming it)
    reply = hub.post("/graphql", json={"query": UNDO, "variables": {"mergeId": merge["id"]}})
    assert reply.status == 200 and reply.json["data"]["undoMerge"]["error"] == {
        "__typename": "DuplicateEmailError", "email": SHARED, "existingContactId": third["id"]}, reply.text
    assert workspace_items(hub.workspace_id, ignore_numbers=True) == before
    assert hub.get(f"/hub/v1/merges/{merge['id']}").json["status"] == "done"
    # And once that contact let the address go, the undo goes through
    assert hub.patch(f"/hub/v1/contacts/{third['id']}", json={"emails": ["third@x.example"]}).status == 200
    undone = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert undone.status == 200, undone.text
    assert _holders(hub, SHARED) == [other["id"]] and _holders(hub, "md@perso.example") == [other["id"]]


def test_an_undo_racing_a_create_of_the_address_resumes_once_it_is_free(hub, monkeypatch):
    # Given a merge whose survivor dropped the merged address, and a create of it landing just before the restore
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    merge = _merge(hub, survivor, other)
    assert hub.patch(f"/hub/v1/contacts/{survivor['id']}", json={"emails": ["marie@acme.example"]}).status == 200
    real_restore = MergeRepository.restore_merged
    racing: list = []

    def restore_after_a_create(self, record, contact, guard_versions=None):
        if not racing:
            racing.append(_create(hub, {"name": "Racer", "emails": [SHARED]}))
        return real_restore(self, record, contact, guard_versions)

    monkeypatch.setattr(MergeRepository, "restore_merged", restore_after_a_create)
    # When undone: the restore fails on the guard the create moved, its retry finds the racer's address
    refused = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert refused.status == 409 and refused.json["existingId"] == racing[0]["id"], refused.text
    assert _holders(hub, SHARED) == [racing[0]["id"]]
    assert hub.get(f"/hub/v1/contacts/{other['id']}").json["id"] == survivor["id"]  # not restored
    # Then, the address freed, the undo resumes
    assert hub.delete(f"/hub/v1/contacts/{racing[0]['id']}").status == 204
    undone = hub.post(f"/hub/v1/merges/{merge['id']}/undo")
    assert undone.status == 200, undone.text
    assert _holders(hub, SHARED) == [other["id"]]


def test_a_restored_contact_never_matches_an_etag_it_had_before_its_merge(hub):
    # Given a contact edited twice, each ETag kept
    survivor, other = _create(hub, MARIE), _create(hub, MARIE_TOO)
    url = f"/hub/v1/contacts/{other['id']}"
    tags = [hub.get(url).headers["ETag"]]
    for company in ("Acme", "Globex"):
        reply = hub.patch(url, json={"company": company}, headers={"If-Match": tags[-1]})
        assert reply.status == 200, reply.text
        tags.append(reply.headers["ETag"])
    # When it is merged, then the merge undone
    merge = _merge(hub, survivor, other)
    assert hub.post(f"/hub/v1/merges/{merge['id']}/undo").status == 200
    # Then its ETag is none it had before, and If-Match with any of those is a 412 in every dialect
    restored = hub.get(url)
    assert restored.status == 200 and restored.headers["ETag"] not in tags
    assert restored.json["company"] == "Globex"
    for old in tags:
        assert hub.patch(url, json={"company": "Initech"}, headers={"If-Match": old}).status == 412
        assert hub.delete(url, headers={"If-Match": old}).status == 412
        assert hub.patch(f"/api/contacts/{other['id']}", json={"company": "Initech"},
                         headers={"If-Match": old, "Content-Type": "application/merge-patch+json"}).status == 412
    # And the current one passes
    assert hub.patch(url, json={"company": "Initech"}, headers={"If-Match": restored.headers["ETag"]}).status == 200

"""A workspace that keeps emails unique: every dialect, /hub/v1 and GraphQL answer 409 naming the contact that has
the address, in their own error shape, and write nothing; the guard holds when two writes race."""
from __future__ import annotations


import pytest

from client import ApiClient
from contacthub.store.repositories import ContactRepository
from environment import workspace_items

TAKEN = "marie@acme.example"


@pytest.fixture
def unique(services, workspace):
    """The workspace keeps emails unique, and Marie has TAKEN: (api client, Marie)."""
    services.workspaces.set_unique_emails(workspace.workspace.id, True)
    api = ApiClient(workspace.key)
    reply = api.post("/hub/v1/contacts", json={"name": "Marie Dubois", "emails": [TAKEN]})
    assert reply.status == 201, reply.text
    return api, reply.json


def _graphql(api, document, variables):
    reply = api.post("/graphql", json={"query": document, "variables": variables})
    assert reply.status == 200 and "errors" not in reply.json, reply.text
    return reply.json["data"]


def test_a_create_with_a_taken_email_is_409_in_every_shape_and_writes_nothing(unique, workspace):
    api, marie = unique
    other_case = TAKEN.upper().replace("ACME.EXAMPLE", "acme.example")  # the domain is normalised; the name not

    hub = api.post("/hub/v1/contacts", json={"name": "Copy", "emails": ["x@acme.example", other_case]})
    assert hub.status == 409 and hub.headers["Content-Type"] == "application/problem+json"
    assert hub.json["existingId"] == marie["id"] and hub.json["status"] == 409

    letsligo = api.post("/api/contacts", json={"name": "Copy", "emails": [TAKEN]})
    assert letsligo.status == 409 and letsligo.json["@type"] == "hydra:Error"
    assert letsligo.json["existing"] == f"/api/contacts/{marie['id']}"

    skarbe = ApiClient(api.key, header="X-Api-Key").post("/api/connect/contacts",
                                                          json={"firstName": "Copy", "email": TAKEN})
    assert skarbe.status == 409 and list(skarbe.json) == ["error"]
    assert skarbe.json["error"].endswith(f"(contact {marie['number']})")

    graphql = _graphql(api, """mutation($input: CreateContactInput!) { createContact(input: $input) {
        contact { id } error { __typename ...on DuplicateEmailError { email existingContactId } } } }""",
                       {"input": {"name": "Copy", "emails": [TAKEN]}})["createContact"]
    assert graphql == {"contact": None, "error": {"__typename": "DuplicateEmailError", "email": TAKEN,
                                                  "existingContactId": marie["id"]}}

    batch = api.post("/hub/v1/contacts/batch", json={"mode": "create", "contacts": [
        {"name": "Copy", "emails": [TAKEN]}, {"name": "Fresh", "emails": ["fresh@acme.example"]}]}).json["data"]
    assert batch[0]["status"] == "error" and batch[0]["error"]["existingId"] == marie["id"]
    assert batch[1]["status"] == "created"
    assert api.delete(f"/hub/v1/contacts/{batch[1]['id']}").status == 204
    assert [c["id"] for c in api.get("/hub/v1/contacts").json["data"]] == [marie["id"]]


def test_refused_creates_write_nothing(unique, workspace):
    api, _marie = unique
    before = workspace_items(workspace.workspace.id, ignore_numbers=True)
    assert api.post("/hub/v1/contacts", json={"name": "Copy", "emails": [TAKEN]}).status == 409
    assert api.post("/api/contacts", json={"name": "Copy", "emails": [TAKEN]}).status == 409
    assert workspace_items(workspace.workspace.id, ignore_numbers=True) == before


def test_an_update_adding_a_taken_email_is_409_and_leaves_the_contact(unique, workspace):
    api, marie = unique
    jean = api.post("/hub/v1/contacts", json={"name": "Jean Martin", "emails": ["jean@acme.example"]}).json
    before = workspace_items(workspace.workspace.id, ignore_numbers=True)
    reply = api.patch(f"/hub/v1/contacts/{jean['id']}", json={"emails": ["jean@acme.example", TAKEN]})
    assert reply.status == 409 and reply.json["existingId"] == marie["id"]
    letsligo = api.patch(f"/api/contacts/{jean['id']}", json={"emails": [TAKEN]},
                         headers={"Content-Type": "application/merge-patch+json"})
    assert letsligo.status == 409 and letsligo.json["existing"] == f"/api/contacts/{marie['id']}"
    assert workspace_items(workspace.workspace.id, ignore_numbers=True) == before
    # A contact keeps its own address, in any case, and the one that has it may write it again
    assert api.patch(f"/hub/v1/contacts/{marie['id']}", json={"emails": [TAKEN], "company": "Acme"}).status == 200


def test_an_upsert_matching_the_address_updates_its_contact_rather_than_conflicting(unique):
    api, marie = unique
    [result] = api.post("/hub/v1/contacts/batch", json={"mode": "upsert", "contacts": [
        {"emails": [TAKEN], "company": "Acme"}]}).json["data"]
    assert (result["status"], result["id"]) == ("updated", marie["id"])


def test_without_the_setting_addresses_may_repeat(services, workspace):
    api = ApiClient(workspace.key)
    for _ in range(2):
        assert api.post("/hub/v1/contacts", json={"name": "Twin", "emails": [TAKEN]}).status == 201
    services.workspaces.set_unique_emails(workspace.workspace.id, True)
    # contacts already sharing one stay as they are; a third is refused
    assert api.post("/hub/v1/contacts", json={"name": "Third", "emails": [TAKEN]}).status == 409
    assert len(api.get("/hub/v1/contacts").json["data"]) == 2


def test_of_two_racing_creates_of_one_address_one_wins_and_the_other_names_it(unique, services, workspace,
                                                                             monkeypatch):
    api, marie = unique
    address = "race@acme.example"
    ws = workspace.workspace.id
    lookups = ContactRepository.ids_with_email
    raced: list[str] = []

    def then_another_writer_commits(self, workspace_id, email):
        found = lookups(self, workspace_id, email)
        if email == address and not raced:  # after our look found nobody, before our write commits
            raced.append("running")  # the other writer's own look must not race again
            raced[0] = services.contacts.create(ws, {"name": "Winner", "emails": [address]}).id
        return found

    monkeypatch.setattr(ContactRepository, "ids_with_email", then_another_writer_commits)
    reply = api.post("/hub/v1/contacts", json={"name": "Loser", "emails": [address]})
    assert reply.status == 409 and reply.json["existingId"] == raced[0], reply.text
    assert [c["name"] for c in api.get("/hub/v1/contacts?search=race@acme").json["data"]] == ["Winner"]


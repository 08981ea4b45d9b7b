"""GraphQL upsertContacts: the batch writes of /hub/v1/contacts/batch, through the real handler on moto."""
from __future__ import annotations

UPSERT = """mutation($input: UpsertContactsInput!, $key: String) {
  upsertContacts(input: $input, idempotencyKey: $key) {
    results {
      index outcome contact { id name emails company version }
      error { __typename ...on Error { message } ...on ValidationError { violations { path code } } }
    }
    error { __typename ...on Error { message } ...on ValidationError { violations { path code } } }
  }
}"""


def _upsert(gql, contacts, key=None, **options) -> dict:
    return gql.data(UPSERT, {"input": {"contacts": contacts, **options}, "key": key})["upsertContacts"]


def test_upsert_creates_updates_and_reports_each_item_in_order(gql):
    made = _upsert(gql, [{"name": "Ada Lovelace", "emails": ["ada@acme.example"]},
                         {"name": "Grace Hopper", "phones": ["+1 202 555 0143"]}])
    assert made["error"] is None and [r["outcome"] for r in made["results"]] == ["CREATED", "CREATED"]
    ada, grace = (r["contact"] for r in made["results"])
    results = _upsert(gql, [
        {"emails": ["ADA@acme.example"], "company": "Analytical Engines"},
        {"phones": ["+1 202 555 0143"], "name": "Grace Hopper"},  # as stored: nothing to change
        {"name": "Bad", "emails": ["nope"]},
        {"name": "New Person"},
    ])["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["outcome"] for r in results] == ["UPDATED", "UNCHANGED", "ERROR", "CREATED"]
    assert results[0]["contact"]["id"] == ada["id"] and results[0]["contact"]["company"] == "Analytical Engines"
    assert results[1]["contact"] == grace
    assert results[2]["contact"] is None
    assert results[2]["error"]["violations"] == [{"path": "emails[0]", "code": "invalid_email"}]


def test_create_mode_and_match_by(gql):
    first = _upsert(gql, [{"name": "Ada", "emails": ["ada@acme.example"]}])["results"][0]["contact"]
    created = _upsert(gql, [{"name": "Ada Two", "emails": ["ada@acme.example"]}], mode="CREATE")["results"][0]
    assert created["outcome"] == "CREATED" and created["contact"]["id"] != first["id"]
    ambiguous = _upsert(gql, [{"emails": ["ada@acme.example"]}], matchBy=["EMAIL"])["results"][0]
    assert ambiguous["error"]["violations"] == [{"path": "emails", "code": "ambiguous_match"}]
    by_phone_only = _upsert(gql, [{"name": "Ada Three", "emails": ["ada@acme.example"]}], matchBy=["PHONE"])
    assert by_phone_only["results"][0]["outcome"] == "CREATED"


def test_an_invalid_batch_is_a_validation_error_and_writes_nothing(gql, snapshot, workspace):
    before = snapshot(workspace)
    too_many = _upsert(gql, [{"name": f"P{n}"} for n in range(101)])
    assert too_many["results"] is None
    assert too_many["error"]["violations"] == [{"path": "contacts", "code": "too_many"}]
    no_keys = _upsert(gql, [{"name": "P"}], matchBy=[])
    assert no_keys["error"]["violations"] == [{"path": "matchBy", "code": "blank"}]
    assert snapshot(workspace) == before


def test_upsert_never_reaches_another_workspace(gql, other_gql):
    theirs = _upsert(other_gql, [{"name": "Theirs", "emails": ["ada@acme.example"]}])["results"][0]["contact"]
    mine = _upsert(gql, [{"name": "Mine", "emails": ["ada@acme.example"], "company": "Mine Inc"}])["results"][0]
    assert mine["outcome"] == "CREATED" and mine["contact"]["id"] != theirs["id"]
    again = _upsert(other_gql, [{"emails": ["ada@acme.example"], "name": "Theirs"}])["results"][0]
    assert again["outcome"] == "UNCHANGED" and again["contact"] == theirs


def test_a_retry_with_its_idempotency_key_answers_the_first_outcomes(gql, snapshot, workspace):
    contacts = [{"name": "Ada", "emails": ["ada@acme.example"]}, {"name": "Bad", "emails": ["nope"]}]
    first = _upsert(gql, contacts, key="batch-1")
    after_first = snapshot(workspace)
    again = _upsert(gql, contacts, key="batch-1")
    assert again == first and snapshot(workspace) == after_first
    reused = _upsert(gql, contacts[:1], key="batch-1")
    assert reused["error"]["violations"] == [{"path": "idempotencyKey", "code": "idempotency_key_reused"}]

"""Contacts through GraphQL, checked against what the REST dialects show of the same store."""
from __future__ import annotations

import pytest

from client import ApiClient

CONTACT_FIELDS = """
  id number name firstName lastName emails phones { raw e164 } company position address website linkedinUrl
  facebookUrl instagramUrl twitterUrl photo notes meetingContext status stage pipelineStateId customFields channel
  createdAt updatedAt lastActivityAt version
  tags { name contactCount } location { id title contactCount } pipelineState { id name position }
"""
CONTACTS_PAGE = """
query Contacts($filter: ContactFilter, $search: String, $orderBy: ContactOrder, $first: Int!, $after: String) {
  contacts(filter: $filter, search: $search, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
MARIE = {"name": "Marie Dubois", "emails": ["marie@acme.example", "m.dubois@acme.example"], "company": "Acme Corp",
         "phones": ["+33 6 12 34 56 78"], "position": "Directrice", "notes": "Met at the fair",
         "meetingContext": "Salon 2025", "stage": "LEAD", "tags": ["VIP", "Paris"],
         "customFields": {"source": "fair", "score": 3}, "location": {"id": "paris", "title": "Paris office"},
         "channel": "whatsapp", "linkedinUrl": "https://linkedin.example/in/marie"}


def create(gql, **fields) -> dict:
    payload = gql.mutate("createContact", fields, f"contact {{ {CONTACT_FIELDS} }}")
    assert payload["error"] is None, payload["error"]
    return payload["contact"]


def ids(page: dict) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


def test_created_contact_reads_the_same_in_graphql_letsligo_and_whautomate(gql, letsligo, workspace):
    # Given a contact created through GraphQL with every kind of field
    contact = create(gql, **MARIE)
    # Then GraphQL returns canonical values
    assert contact["firstName"] == "Marie" and contact["lastName"] == "Dubois" and contact["number"] == 1
    assert contact["phones"] == [{"raw": "+33 6 12 34 56 78", "e164": "+33612345678"}]
    assert contact["status"] == "PENDING" and contact["stage"] == "LEAD" and contact["version"] >= 1
    assert [t["name"] for t in contact["tags"]] == ["VIP", "Paris"] and contact["tags"][0]["contactCount"] == 1
    assert contact["location"] == {"id": "paris", "title": "Paris office", "contactCount": 1}
    # And letsligo shows the same contact
    rest = letsligo.get(f"/api/contacts/{contact['id']}")
    assert rest.status == 200, rest.text
    for graph_key, rest_key in [("name", "name"), ("emails", "emails"), ("company", "company"),
                                ("position", "position"), ("notes", "additionalInfo"),
                                ("meetingContext", "meetingContext"), ("linkedinUrl", "linkedinUrl")]:
        assert contact[graph_key] == rest.json[rest_key], graph_key
    assert rest.json["phones"] == ["+33 6 12 34 56 78"] and rest.json["status"] == "pending"
    # And whautomate too (tags, stage, channel, location, custom fields)
    wa = ApiClient(workspace.key, header="x-api-key").get(f"/v1/contacts/{contact['id']}").json
    assert wa["tags"] == ["VIP", "Paris"] and wa["stage"] == "Lead" and wa["channel"] == "whatsapp"
    assert wa["location"] == {"id": "paris", "title": "Paris office"} and wa["customFields"] == MARIE["customFields"]
    # And reading it back by id through GraphQL gives what the mutation returned
    again = gql.data(f"query($id: ID!) {{ contact(id: $id) {{ {CONTACT_FIELDS} }} }}", {"id": contact["id"]})
    assert again["contact"] == contact


def test_contact_created_over_rest_is_visible_in_graphql(gql, letsligo):
    created = letsligo.post("/api/contacts", json={"name": "Jean Martin", "emails": ["jean@x.example"]}).json
    page = gql.data(CONTACTS_PAGE, {"first": 10})["contacts"]
    assert ids(page) == [created["id"]] and page["totalCount"] == 1
    found = gql.data("query($id: ID!) { contact(id: $id) { name emails notes } }", {"id": created["id"]})
    assert found["contact"] == {"name": "Jean Martin", "emails": ["jean@x.example"], "notes": None}


def test_update_changes_only_given_fields_and_null_clears(gql, letsligo):
    contact = create(gql, **MARIE)
    payload = gql.mutate("updateContact", {"id": contact["id"], "position": "CEO", "notes": None,
                                           "emails": ["new@acme.example"]},
                         "contact { position notes emails company tags { name } version }")
    assert payload["error"] is None
    updated = payload["contact"]
    assert updated["position"] == "CEO" and updated["notes"] is None and updated["emails"] == ["new@acme.example"]
    assert updated["company"] == "Acme Corp" and [t["name"] for t in updated["tags"]] == ["VIP", "Paris"]
    assert updated["version"] > contact["version"]
    rest = letsligo.get(f"/api/contacts/{contact['id']}").json
    assert rest["position"] == "CEO" and rest["additionalInfo"] is None and rest["emails"] == ["new@acme.example"]


def test_update_with_a_stale_version_is_a_version_conflict_and_changes_nothing(gql, workspace, snapshot):
    contact = create(gql, name="Ana")
    gql.mutate("updateContact", {"id": contact["id"], "company": "First"})
    before = snapshot(workspace)
    stale = gql.mutate("updateContact", {"id": contact["id"], "company": "Second",
                                         "expectedVersion": contact["version"]},
                       selection="contact { id } error { ...on VersionConflict { currentVersion } }")
    assert stale["error"]["__typename"] == "VersionConflict" and stale["contact"] is None
    assert stale["error"]["currentVersion"] == contact["version"] + 1
    assert snapshot(workspace) == before


def test_extend_tags_pipeline_state_and_delete(gql, letsligo):
    contact = create(gql, name="Jean Martin")
    cid = contact["id"]
    extended = gql.mutate("extendContact", {"id": cid, "text": "Likes golf"}, "contact { notes meetingContext }")
    extended = gql.mutate("extendContact", {"id": cid, "text": "Plays on Sundays"}, "contact { notes }")
    assert extended["contact"]["notes"] == "Likes golf\nPlays on Sundays"
    context = gql.mutate("extendContact", {"id": cid, "text": "Salon", "field": "MEETING_CONTEXT"},
                         "contact { meetingContext }")
    assert context["contact"]["meetingContext"] == "Salon"
    assert letsligo.get(f"/api/contacts/{cid}").json["additionalInfo"] == "Likes golf\nPlays on Sundays"

    tagged = gql.mutate("addTags", {"contactId": cid, "tags": ["VIP", "vip ", "Golf"]}, "contact { tags { name } }")
    assert [t["name"] for t in tagged["contact"]["tags"]] == ["VIP", "Golf"]
    untagged = gql.mutate("removeTags", {"contactId": cid, "tags": ["golf", "absent"]}, "contact { tags { name } }")
    assert [t["name"] for t in untagged["contact"]["tags"]] == ["VIP"]
    assert gql.data("{ tags { name contactCount } }")["tags"] == [{"name": "VIP", "contactCount": 1}]

    states = gql.data("{ pipelineStates { id name contactCount } }")["pipelineStates"]
    moved = gql.mutate("moveContactToPipelineState", {"contactId": cid, "pipelineStateId": states[1]["id"]},
                       "contact { pipelineStateId pipelineState { name contactCount } }")
    assert moved["contact"]["pipelineState"] == {"name": states[1]["name"], "contactCount": 1}
    assert letsligo.get(f"/api/contacts/{cid}").json["pipelineState"]["id"] == states[1]["id"]
    out = gql.mutate("moveContactToPipelineState", {"contactId": cid, "pipelineStateId": None},
                     "contact { pipelineState { name } }")
    assert out["contact"]["pipelineState"] is None

    deleted = gql.mutate("deleteContact", {"id": cid}, "deletedContactId")
    assert deleted == {"deletedContactId": cid, "error": None}
    assert letsligo.get(f"/api/contacts/{cid}").status == 404
    again = gql.mutate("deleteContact", {"id": cid}, "deletedContactId")
    assert again["error"]["__typename"] == "NotFoundError" and again["error"]["entity"] == "Contact"


def test_pages_follow_cursors_in_both_orders(gql):
    created = [create(gql, name=f"Person {i}")["id"] for i in range(5)]
    newest = list(reversed(created))
    first = gql.data(CONTACTS_PAGE, {"first": 2})["contacts"]
    assert ids(first) == newest[:2] and first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    second = gql.data(CONTACTS_PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]})["contacts"]
    assert ids(second) == newest[2:4] and second["pageInfo"]["hasPreviousPage"]
    last = gql.data(CONTACTS_PAGE, {"first": 2, "after": second["pageInfo"]["endCursor"]})["contacts"]
    assert ids(last) == newest[4:] and not last["pageInfo"]["hasNextPage"]

    oldest = gql.data(CONTACTS_PAGE, {"first": 3, "orderBy": "CREATED_AT_ASC"})["contacts"]
    assert ids(oldest) == created[:3] and oldest["totalCount"] == 5
    rest = gql.data(CONTACTS_PAGE, {"first": 3, "orderBy": "CREATED_AT_ASC",
                                    "after": oldest["pageInfo"]["endCursor"]})["contacts"]
    assert ids(rest) == created[3:] and not rest["pageInfo"]["hasNextPage"]

    count_only = gql.data(CONTACTS_PAGE, {"first": 0})["contacts"]
    assert count_only["edges"] == [] and count_only["totalCount"] == 5 and count_only["pageInfo"]["hasNextPage"]


def test_filters_and_search_match_the_rest_search(gql, letsligo):
    states = gql.data("{ pipelineStates { id } }")["pipelineStates"]
    ana = create(gql, name="Ana Lima", emails=["ana@globex.example"], company="Globex Corp", tags=["VIP"],
                 stage="CUSTOMER", channel="telegram", location={"id": "lisbon"},
                 pipelineStateId=states[2]["id"])
    bob = create(gql, name="Bob Stone", company="Acme", tags=["VIP", "Golf"], channel="whatsapp",
                 phones=["+33 6 11 22 33 44"])
    carl = create(gql, name="Carl Acme", company="Initech", stage="LEAD", location={"id": "lisbon"})

    def matches(filter=None, search=None, order="CREATED_AT_DESC"):
        page = gql.data(CONTACTS_PAGE, {"filter": filter, "search": search, "first": 50, "orderBy": order})
        return set(ids(page["contacts"]))

    assert matches({"tags": ["vip"]}) == {ana["id"], bob["id"]}
    assert matches({"tags": ["VIP", "golf"]}) == {bob["id"]}
    assert matches({"stage": "CUSTOMER"}) == {ana["id"]}
    assert matches({"status": "PENDING"}) == {ana["id"], bob["id"], carl["id"]}
    assert matches({"status": "LOST"}) == set()
    assert matches({"pipelineStateId": states[2]["id"]}) == {ana["id"]}
    assert matches({"locationId": "lisbon"}) == {ana["id"], carl["id"]}
    assert matches({"channel": "WhatsApp"}) == {bob["id"]}
    assert matches({"company": "acm"}) == {bob["id"]}
    assert matches(search="acme") == {carl["id"]}  # search is name, email or phone: not the company
    assert matches(search="ana@glob") == {ana["id"]}
    assert matches(search="0611223344") == {bob["id"]}
    assert matches({"locationId": "lisbon", "stage": "LEAD"}, order="CREATED_AT_ASC") == {carl["id"]}
    # the same searches through letsligo
    assert {m["id"] for m in letsligo.get("/api/contacts?company=acm").json["hydra:member"]} == {bob["id"]}
    assert {m["id"] for m in letsligo.get("/api/contacts?email=ana@glob").json["hydra:member"]} == {ana["id"]}
    catalogue = gql.data("{ locations { id title contactCount } }")["locations"]
    assert catalogue == [{"id": "lisbon", "title": None, "contactCount": 2}]


@pytest.mark.parametrize("order", ["CREATED_AT_DESC", "CREATED_AT_ASC"])
def test_has_open_tasks_filter(gql, order):
    with_task, done_only, without = (create(gql, name=n)["id"] for n in ("Open Task", "Done Task", "No Task"))
    other = create(gql, name="Open Too", tags=["VIP"])["id"]
    for contact, completed in [(with_task, False), (done_only, True), (other, False)]:
        made = gql.mutate("createTask", {"contactId": contact, "title": "Call", "dueDate": "2030-01-01T10:00:00Z",
                                         "completed": completed}, "task { id }")
        assert made["error"] is None

    def page(filter, first=10, after=None):
        return gql.data(CONTACTS_PAGE, {"filter": filter, "first": first, "after": after, "orderBy": order})["contacts"]

    newest_first = order == "CREATED_AT_DESC"
    busy = [with_task, other] if not newest_first else [other, with_task]
    idle = [without, done_only] if newest_first else [done_only, without]
    assert ids(page({"hasOpenTasks": True})) == busy and page({"hasOpenTasks": True})["totalCount"] == 2
    assert ids(page({"hasOpenTasks": False})) == idle and page({"hasOpenTasks": False})["totalCount"] == 2
    assert ids(page({"hasOpenTasks": True, "tags": ["vip"]})) == [other]
    assert ids(page({"hasOpenTasks": False, "status": "PENDING"})) == idle
    first = page({"hasOpenTasks": False}, first=1)
    assert ids(first) == idle[:1] and first["pageInfo"]["hasNextPage"]
    assert ids(page({"hasOpenTasks": False}, after=first["pageInfo"]["endCursor"])) == idle[1:]


def test_rejected_writes_change_nothing(gql, workspace, snapshot):
    contact = create(gql, name="Ana", emails=["ana@x.example"])
    cid = contact["id"]
    before = snapshot(workspace)
    cases = [
        ("createContact", {"company": "No name"}, "ValidationError", "name"),
        ("createContact", {"name": "X", "emails": ["ok@x.example", "not-an-email"]}, "ValidationError", "emails[1]"),
        ("createContact", {"name": "X" * 300}, "ValidationError", "name"),
        ("createContact", {"name": "X", "tags": [f"t{i}" for i in range(11)]}, "ValidationError", "tags"),
        ("createContact", {"name": "X", "customFields": {"a": {"nested": 1}}}, "ValidationError", "customFields.a"),
        ("createContact", {"name": "X", "firstName": "Y" * 300}, "ValidationError", "firstName"),
        ("createContact", {"name": "X", "channel": "not a channel!"}, "ValidationError", "channel"),
        ("createContact", {"name": "X", "pipelineStateId": "123e4567-e89b-12d3-a456-426614174000"},
         "ValidationError", "pipelineStateId"),
        ("updateContact", {"id": cid, "name": None}, "ValidationError", "name"),
        ("updateContact", {"id": cid, "emails": ["bad"]}, "ValidationError", "emails[0]"),
        ("updateContact", {"id": "123e4567-e89b-12d3-a456-426614174000", "name": "Y"}, "NotFoundError", None),
        ("updateContact", {"id": "not-a-uuid", "name": "Y"}, "NotFoundError", None),
        ("extendContact", {"id": cid, "text": "   "}, "ValidationError", "text"),
        ("addTags", {"contactId": cid, "tags": ["x" * 51]}, "ValidationError", "tags[0]"),
        ("moveContactToPipelineState", {"contactId": cid, "pipelineStateId": "nope"}, "ValidationError",
         "pipelineStateId"),
    ]
    for field, input, kind, path in cases:
        payload = gql.mutate(field, input, "contact { id }")
        assert payload["contact"] is None and payload["error"]["__typename"] == kind, (field, input, payload)
        if path:
            assert path in [v["path"] for v in payload["error"]["violations"]], (field, input, payload)
        assert snapshot(workspace) == before, (field, input)


def test_validation_error_lists_every_violation(gql):
    payload = gql.mutate("createContact", {"name": "X", "emails": ["bad"], "website": "w" * 3000,
                                           "stage": "LEAD", "phones": ["no digits"]})
    error = payload["error"]
    assert error["__typename"] == "ValidationError"
    assert {v["path"] for v in error["violations"]} == {"emails[0]", "website", "phones[0]"}
    assert all(v["message"] and v["code"] for v in error["violations"])

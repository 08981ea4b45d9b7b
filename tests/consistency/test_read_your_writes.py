"""A client sees its own 2xx write at once, in every dialect, even where DynamoDB serves reads stale.

Each test writes through the real handlers, then reads at once under `stale_dynamodb` (reads that are not
strongly consistent never catch up).
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from client import ApiClient

NAME, FIRST, LAST = "Zoé Quintard", "Zoé", "Quintard"
EMAIL, PHONE, DIGITS = "zoe@quintard.example", "+33 6 98 76 54 32", "0698765432"
TAG, LOCATION, CHANNEL = "Salon2025", "lyon", "telegram"


def graphql(api: ApiClient, query: str, variables: dict | None = None) -> dict:
    reply = api.post("/graphql", json={"query": query, "variables": variables or {}})
    assert reply.status == 200, reply.text
    assert "errors" not in reply.json, reply.json["errors"]
    return reply.json["data"]


# ------------------------------------------------------------------ writes, one per dialect
def create_letsligo(api, state=None):
    body = {"name": NAME, "emails": [EMAIL], "phones": [PHONE]}
    reply = api.post("/api/contacts", json=body)
    assert reply.status == 201, reply.text
    if state:
        moved = api.patch(f"/api/contacts/{reply.json['id']}/pipeline-state", json={"stateId": state.id},
                          headers={"Content-Type": "application/merge-patch+json"})
        assert moved.status == 200, moved.text
    return reply.json["id"]


def create_skarbe(api, state=None):
    body = {"firstName": FIRST, "lastName": LAST, "email": EMAIL, "phoneNumbers": [PHONE]}
    if state:
        body["leadStatus"] = state.number
    reply = api.post("/api/connect/contacts", json=body)
    assert reply.status == 200, reply.text
    return reply.json["id"]


def create_whautomate(api, state=None):
    body = {"name": NAME, "phoneNumber": PHONE, "tags": [TAG], "location": {"id": LOCATION, "title": "Lyon"},
            "channel": CHANNEL}
    reply = api.post("/v1/contacts", json=body)
    assert reply.status == 200, reply.text
    return reply.json["id"]


def create_graphql(api, state=None):
    fields = {"name": NAME, "emails": [EMAIL], "phones": [PHONE], "tags": [TAG], "channel": CHANNEL,
              "location": {"id": LOCATION, "title": "Lyon"}}
    if state:
        fields["pipelineStateId"] = state.id
    payload = graphql(api, "mutation($input: CreateContactInput!) { createContact(input: $input) "
                           "{ contact { id } error { __typename } } }", {"input": fields})["createContact"]
    assert payload["error"] is None, payload
    return payload["contact"]["id"]


def create_hub(api, state=None):
    body = {"name": NAME, "emails": [EMAIL], "phones": [PHONE], "tags": [TAG], "channel": CHANNEL,
            "location": {"id": LOCATION, "title": "Lyon"}}
    if state:
        body["pipelineStateId"] = state.id
    reply = api.post("/hub/v1/contacts", json=body)
    assert reply.status == 201, reply.text
    return reply.json["id"]


CREATORS = {"letsligo": create_letsligo, "skarbe": create_skarbe, "whautomate": create_whautomate,
            "graphql": create_graphql, "hub": create_hub}
WITH_EMAIL = ["letsligo", "skarbe", "graphql", "hub"]
WITH_TAGS = ["whautomate", "graphql", "hub"]  # tag, location and channel set at creation


# ------------------------------------------------------------------ reads: the names listed, and the total
def list_letsligo(api, query=""):
    reply = api.get("/api/contacts" + query)
    assert reply.status == 200, reply.text
    return [m["name"] for m in reply.json["hydra:member"]], reply.json["hydra:totalItems"]


def list_skarbe(api, query=""):
    reply = api.get("/api/connect/contacts" + query)
    assert reply.status == 200, reply.text
    return [c["fullName"] for c in reply.json], None  # skarbe has no total


def list_whautomate(api, query=""):
    reply = api.get("/v1/contacts" + query)
    assert reply.status == 200, reply.text
    return [c["name"] for c in reply.json], int(reply.headers["X-Total-Count"])


def list_graphql(api, arguments=""):
    data = graphql(api, f"{{ contacts{arguments} {{ totalCount edges {{ node {{ name }} }} }} }}")["contacts"]
    return [e["node"]["name"] for e in data["edges"]], data["totalCount"]


def list_hub(api, query=""):
    reply = api.get("/hub/v1/contacts" + query)
    assert reply.status == 200, reply.text
    return [c["name"] for c in reply.json["data"]], None  # cursor pages have no total


LISTS = {"letsligo": list_letsligo, "skarbe": list_skarbe, "whautomate": list_whautomate, "graphql": list_graphql,
         "hub": list_hub}

SEARCHES = {
    "letsligo name": (list_letsligo, "?name=" + quote("zoe quint")),
    "letsligo email": (list_letsligo, "?email=" + quote(EMAIL)),
    "letsligo phone": (list_letsligo, "?phone=" + DIGITS),
    "skarbe name": (list_skarbe, "?query=" + quote(FIRST)),
    "skarbe email": (list_skarbe, "?query=" + quote(EMAIL)),
    "whautomate name": (list_whautomate, "?searchText=" + quote(LAST)),
    "whautomate phone": (list_whautomate, "?searchText=" + DIGITS),
    "graphql name": (list_graphql, '(search: "quintard")'),
    "graphql phone": (list_graphql, f'(search: "{DIGITS}")'),
    "hub name": (list_hub, "?search=" + quote(FIRST)),
    "hub email": (list_hub, "?search=" + quote(EMAIL)),
    "hub phone": (list_hub, "?search=" + DIGITS),
}
NEEDS_EMAIL = {"letsligo email", "skarbe email", "hub email"}

FILTERS = {
    "letsligo status": (list_letsligo, "?status=pending"),
    "whautomate tag": (list_whautomate, "?tags=" + TAG),
    "whautomate location": (list_whautomate, "?locationId=" + LOCATION),
    "whautomate channel": (list_whautomate, "?channel=" + CHANNEL),
    "graphql tag": (list_graphql, f'(filter: {{tags: ["{TAG}"]}})'),
    "graphql status": (list_graphql, "(filter: {status: PENDING})"),
    "graphql channel": (list_graphql, f'(filter: {{channel: "{CHANNEL}"}})'),
    "graphql by name": (list_graphql, "(orderBy: NAME_ASC)"),
    "graphql by change": (list_graphql, "(orderBy: UPDATED_AT_DESC)"),
    "graphql or-not": (list_graphql, '(filter: {or: [{status: PENDING}, {tags: ["none"]}], not: {stage: CUSTOMER}}, '
                                     'orderBy: NAME_DESC)'),
    "graphql changed since": (list_graphql, '(filter: {updatedAt: {since: "2000-01-01T00:00:00Z"}}, '
                                            'orderBy: UPDATED_AT_ASC)'),
    "graphql created since by name": (list_graphql, '(filter: {createdAt: {since: "2000-01-01T00:00:00Z"}}, '
                                                    'orderBy: NAME_ASC)'),
}
NEEDS_TAGS = {"whautomate tag", "whautomate location", "whautomate channel", "graphql tag", "graphql channel"}


def _cases(readers, needs=frozenset(), capable=CREATORS):
    for creator in CREATORS:
        for reader in readers:
            if reader in needs and creator not in capable:
                continue
            yield pytest.param(creator, reader, id=f"{creator}-then-{reader.replace(' ', '-')}")


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize("creator, reader", list(_cases(LISTS)))
def test_a_listing_shows_the_contact_just_created_and_counts_it(stale_dynamodb, api, creator, reader):
    # Given an empty workspace, When a contact is created
    CREATORS[creator](api)
    # Then the unfiltered listing shows it and its total counts it, at once
    names, total = LISTS[reader](api)
    assert names == [NAME]
    assert total in (None, 1)


def _search_cases():
    for creator in CREATORS:
        for search in SEARCHES:
            if search in NEEDS_EMAIL and creator not in WITH_EMAIL:
                continue
            yield pytest.param(creator, search, id=f"{creator}-then-{search.replace(' ', '-')}")


@pytest.mark.parametrize("creator, search", list(_search_cases()))
def test_a_search_finds_the_contact_just_created(stale_dynamodb, api, creator, search):
    CREATORS[creator](api)
    reader, query = SEARCHES[search]
    names, total = reader(api, query)
    assert names == [NAME]
    assert total in (None, 1)


def _filter_cases():
    for creator in CREATORS:
        for name in FILTERS:
            if name in NEEDS_TAGS and creator not in WITH_TAGS:
                continue
            yield pytest.param(creator, name, id=f"{creator}-then-{name.replace(' ', '-')}")


@pytest.mark.parametrize("creator, name", list(_filter_cases()))
def test_a_filter_matches_the_contact_just_created(stale_dynamodb, api, creator, name):
    CREATORS[creator](api)
    reader, query = FILTERS[name]
    names, total = reader(api, query)
    assert names == [NAME]
    assert total in (None, 1)


def test_a_rename_and_a_change_reorder_the_listing_at_once(stale_dynamodb, api):
    contact = create_letsligo(api)
    graphql(api, "mutation { createContact(input: {name: \"Aaron First\"}) { contact { id } } }")
    assert list_graphql(api, "(orderBy: NAME_ASC)")[0] == ["Aaron First", NAME]
    assert list_graphql(api, "(orderBy: UPDATED_AT_DESC)")[0] == ["Aaron First", NAME]
    renamed = graphql(api, "mutation($id: ID!) { updateContact(input: {id: $id, name: \"Aaa Renamed\"}) "
                           "{ contact { id } } }", {"id": contact})
    assert renamed["updateContact"]["contact"]["id"] == contact
    assert list_graphql(api, "(orderBy: NAME_ASC)")[0] == ["Aaa Renamed", "Aaron First"]
    assert list_graphql(api, "(orderBy: UPDATED_AT_DESC)")[0] == ["Aaa Renamed", "Aaron First"]


def test_a_tag_added_just_now_is_filtered_on_at_once(stale_dynamodb, api):
    contact = create_letsligo(api)
    assert api.post(f"/v1/contacts/{contact}/tags/add", json={"tags": ["Hot"]}).status == 200
    assert list_whautomate(api, "?tags=Hot") == ([NAME], 1)
    assert list_graphql(api, '(filter: {tags: ["Hot"]})') == ([NAME], 1)


@pytest.mark.parametrize("creator", WITH_TAGS)
def test_the_tag_catalogue_counts_the_contact_just_created(stale_dynamodb, api, creator):
    CREATORS[creator](api)
    tags = graphql(api, "{ tags { name contactCount } }")["tags"]
    assert tags == [{"name": TAG, "contactCount": 1}]


@pytest.mark.parametrize("creator", WITH_TAGS)
def test_the_location_catalogue_counts_the_contact_just_created(stale_dynamodb, api, creator):
    CREATORS[creator](api)
    locations = graphql(api, "{ locations { id contactCount } }")["locations"]
    assert locations == [{"id": LOCATION, "contactCount": 1}]


@pytest.mark.parametrize("creator", ["letsligo", "skarbe", "graphql", "hub"])
def test_pipeline_state_counts_and_filter_see_the_contact_just_placed(stale_dynamodb, services, workspace, api,
                                                                      creator):
    state = services.pipeline.list(workspace.workspace.id)[1]
    CREATORS[creator](api, state=state)
    states = {s["id"]: s["contactCount"] for s in graphql(api, "{ pipelineStates { id contactCount } }")
              ["pipelineStates"]}
    assert states[state.id] == 1
    assert list_letsligo(api, "?pipelineState=" + quote(f"/api/pipeline_states/{state.id}")) == ([NAME], 1)
    assert list_graphql(api, f'(filter: {{pipelineStateId: "{state.id}"}})') == ([NAME], 1)


@pytest.mark.parametrize("creator", CREATORS)
def test_the_workspace_contact_count_includes_the_contact_just_created(stale_dynamodb, api, creator):
    CREATORS[creator](api)
    assert graphql(api, "{ me { workspace { contactCount } } }")["me"]["workspace"]["contactCount"] == 1


@pytest.mark.parametrize("creator", WITH_EMAIL)
def test_an_upsert_just_after_a_create_matches_it_by_email_and_by_phone(stale_dynamodb, api, creator):
    # Given a contact created a moment ago, When batch upserts name its email, then its phone in E.164
    contact_id = CREATORS[creator](api)
    by_email = api.post("/hub/v1/contacts/batch", json={"mode": "upsert", "contacts": [
        {"emails": [EMAIL.upper()], "company": "Quintard SA"}]})
    by_phone = api.post("/hub/v1/contacts/batch", json={"mode": "upsert", "matchBy": ["phone"], "contacts": [
        {"phones": ["+33698765432"], "position": "CEO"}]})
    # Then both update that contact, and nothing is created
    for reply in (by_email, by_phone):
        assert reply.status == 200, reply.text
        [result] = reply.json["data"]
        assert result["status"] == "updated", result
        assert contact_id in (result["id"], result["contact"]["number"])  # skarbe's ids are the numbers
    assert list_hub(api) == ([NAME], None)


def test_a_workspace_and_key_created_just_now_answer_me_in_skarbe(stale_dynamodb, services):
    issued = services.workspaces.create_key("Initech", "Bill Lumbergh", "bill@initech.example")
    reply = ApiClient(issued.key, header="X-Api-Key").get("/api/connect/me")
    assert reply.status == 200, reply.text
    assert reply.json == {"details": {"name": "Bill Lumbergh", "email": "bill@initech.example"},
                          "workspace": {"name": "Initech"}}


def test_a_workspace_and_key_created_just_now_answer_me_in_graphql(stale_dynamodb, services):
    issued = services.workspaces.create_key("Initech", "Bill Lumbergh", "bill@initech.example")
    me = graphql(ApiClient(issued.key), "{ me { user { name } workspace { name contactCount } } }")["me"]
    assert me == {"user": {"name": "Bill Lumbergh"}, "workspace": {"name": "Initech", "contactCount": 0}}


@pytest.mark.parametrize("path", ["/api/contacts", "/api/connect/contacts", "/v1/contacts"])
def test_a_key_created_just_now_for_an_existing_workspace_is_accepted(stale_dynamodb, services, path):
    issued = services.workspaces.create_key("Acme Corporation", "Jane Doe", "jane@acme.example")
    assert ApiClient(issued.key).get(path).status == 200


@pytest.mark.parametrize("user", ["John Admin", "Jane Doe"])
def test_a_user_and_key_created_just_now_read_their_own_profile(stale_dynamodb, services, user):
    # John exists already: only his key is new; Jane is new altogether
    email = user.split()[0].lower() + "@acme.example"
    issued = services.workspaces.create_key("Acme Corporation", user, email)
    me = graphql(ApiClient(issued.key), "{ me { user { name } workspace { name } } }")["me"]
    assert me == {"user": {"name": user}, "workspace": {"name": "Acme Corporation"}}


def test_deleting_a_contact_just_after_drafting_an_email_leaves_no_draft(stale_dynamodb, workspace, api):
    from contacthub.store.tables import EmailSessionItem, workspace_pk

    contact = create_letsligo(api)
    prepared = api.post(f"/api/contacts/{contact}/emails/prepare", json={"message": "Relance après le salon"})
    assert prepared.status == 200, prepared.text
    assert api.delete(f"/api/contacts/{contact}").status == 204
    left = EmailSessionItem.query(workspace_pk(workspace.workspace.id),
                                  EmailSessionItem.sk.startswith("EMAILSESSION#"), consistent_read=True)
    assert [i.sk for i in left] == []


@pytest.mark.parametrize("creator", WITH_EMAIL)
def test_a_duplicate_created_just_now_is_grouped_at_once(stale_dynamodb, api, creator):
    # Given a contact created a moment ago in any dialect, When a second one with its email is created
    CREATORS[creator](api)
    twin = api.post("/hub/v1/contacts", json={"name": "Z. Quintard", "emails": [EMAIL.upper()],
                                              "company": "Quintard SA"})
    assert twin.status == 201, twin.text
    # Then the duplicates listing, one contact's check and GraphQL group them at once
    [group] = api.get("/hub/v1/duplicates").json["data"]
    assert group["contact"]["name"] == NAME and [d["contact"]["id"] for d in group["duplicates"]] == [twin.json["id"]]
    [checked] = api.get(f"/hub/v1/duplicates?contactId={twin.json['id']}").json["data"]
    assert [d["contact"]["name"] for d in checked["duplicates"]] == [NAME]
    nodes = graphql(api, "{ duplicateCandidates { nodes { duplicates { contact { id } reasons } } } }")
    assert nodes["duplicateCandidates"]["nodes"][0]["duplicates"] == [{"contact": {"id": twin.json["id"]},
                                                                        "reasons": ["EMAIL", "NAME_EMAIL_DOMAIN"]}]

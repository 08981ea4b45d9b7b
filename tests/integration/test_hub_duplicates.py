"""/hub/v1/duplicates through the real handler on moto: groups and reasons, paging to the end, the tenant wall,
bad input, and a cost per contact checked that does not grow with the workspace."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from contacthub_local.meter import DynamoMeter


def _create(client, **fields) -> str:
    reply = client.post("/hub/v1/contacts", json=fields)
    assert reply.status == 201, reply.text
    return reply.json["id"]


def _walk(client, limit: int = 20, path: str = "/hub/v1/duplicates") -> tuple[list[dict], int]:
    """Every group, page after page until `next` is null; (groups, pages)."""
    groups, pages, cursor = [], 0, None
    while True:
        url = f"{path}?limit={limit}" + (f"&after={quote(cursor)}" if cursor else "")
        reply = client.get(url)
        assert reply.status == 200, reply.text
        pages += 1
        groups += reply.json["data"]
        cursor = reply.json["next"]
        if cursor is None:
            return groups, pages


def _shape(group: dict) -> tuple[str, dict[str, list[str]]]:
    return group["contact"]["id"], {d["contact"]["id"]: d["reasons"] for d in group["duplicates"]}


@pytest.fixture
def people(hub):
    """Contacts in creation order; each group below is named by the oldest member."""
    ids = {}
    ids["marie"] = _create(hub, name="Marie Dubois", emails=["marie@acme.example"], company="Acme SAS")
    ids["bob"] = _create(hub, name="Bob Stone", emails=["bob@globex.example"], phones=["+1 415 555 0100"])
    ids["marie2"] = _create(hub, name="Marie Dubois", emails=["MARIE@acme.example"], phones=["+33 6 12 34 56 78"])
    ids["mary"] = _create(hub, name="Marie Duboix", company="ACME", emails=["m.dubois@gmail.com"])
    ids["robert"] = _create(hub, name="Robert Stone", phones=["(415) 555-0100"])  # no country: not compared
    ids["bobby"] = _create(hub, name="Bobby Tables", phones=["+14155550100"])
    ids["ann"] = _create(hub, name="Ann Lee", emails=["ann@initech.example"])
    ids["anne"] = _create(hub, name="Anne Lee", emails=["anne.lee@initech.example"])
    ids["loner"] = _create(hub, name="Zed Loner", emails=["zed@gmail.com"])
    return ids


def test_groups_with_their_reasons_each_reported_once(hub, people):
    # When the whole workspace is walked
    groups, _ = _walk(hub)
    # Then each group is at its oldest contact, with the reasons found for each newer member
    p = people
    assert [_shape(g) for g in groups] == [
        (p["marie"], {p["marie2"]: ["email", "name+emailDomain"], p["mary"]: ["name+company"]}),
        (p["bob"], {p["bobby"]: ["phone"]}),
        (p["ann"], {p["anne"]: ["name+emailDomain"]}),
    ]
    marie = groups[0]
    assert marie["reasons"] == ["email", "name+company", "name+emailDomain"]  # in the order the enum lists them
    assert marie["score"] == max(d["score"] for d in marie["duplicates"])
    assert all(0 < d["score"] <= 1 for g in groups for d in g["duplicates"])
    # surest first
    assert [d["contact"]["id"] for d in marie["duplicates"]] == [p["marie2"], p["mary"]]
    assert marie["contact"]["name"] == "Marie Dubois" and "version" in marie["contact"]


def test_paging_goes_to_the_end_whatever_the_page_size(hub, people):
    everything, _ = _walk(hub)
    one_by_one, pages = _walk(hub, limit=1)
    assert [_shape(g) for g in one_by_one] == [_shape(g) for g in everything]
    assert pages >= len(everything)


def test_a_page_examines_a_bounded_number_of_contacts_and_still_points_on(hub, people, services, monkeypatch):
    # Given a service that examines two contacts per request
    monkeypatch.setattr(services.duplicates, "examined_per_page", 2)
    first = hub.get("/hub/v1/duplicates?limit=10").json
    # Then the first page holds the groups those two contacts anchor, and a cursor on
    assert [_shape(g)[0] for g in first["data"]] == [people["marie"], people["bob"]] and first["next"]
    groups, pages = _walk(hub, limit=10)
    assert len(groups) == 3 and pages == 5  # nine contacts, two per page


def test_one_contact_checked_answers_its_older_and_newer_duplicates(hub, people):
    reply = hub.get(f"/hub/v1/duplicates?contactId={people['marie2']}")
    assert reply.status == 200, reply.text
    (group,) = reply.json["data"]
    assert reply.json["next"] is None
    assert _shape(group) == (people["marie2"], {people["marie"]: ["email", "name+emailDomain"]})
    # the name alone, without an organisation in common, is no reason (mary's company is not marie2's)
    assert hub.get(f"/hub/v1/duplicates?contactId={people['loner']}").json == {"data": [], "next": None}
    # ids in upper case are the same contact
    assert hub.get(f"/hub/v1/duplicates?contactId={people['marie2'].upper()}").json["data"] == [group]


def test_a_contact_sees_a_duplicate_created_a_moment_ago(hub):
    first = _create(hub, name="Jean Martin", emails=["jean@martin.example"])
    second = _create(hub, name="J. Martin", emails=["Jean@Martin.example"])
    (group,) = hub.get(f"/hub/v1/duplicates?contactId={first}").json["data"]
    assert [d["contact"]["id"] for d in group["duplicates"]] == [second]
    # and a change that removes the reason is seen at once too
    assert hub.patch(f"/hub/v1/contacts/{second}", json={"emails": ["other@x.example"]}).status == 200
    assert hub.get(f"/hub/v1/duplicates?contactId={first}").json["data"] == []


def test_another_workspace_never_sees_these_contacts_nor_takes_their_cursors(hub, other_hub, people, services,
                                                                             monkeypatch):
    # Given the same person in the other workspace
    twin = _create(other_hub, name="Marie Dubois", emails=["marie@acme.example"], company="Acme SAS")
    # Then neither workspace's groups hold the other's contacts
    ours = {people["marie"], *people.values()}
    theirs, _ = _walk(other_hub)
    assert theirs == []
    mine, _ = _walk(hub)
    assert twin not in {c for g in mine for c in [g["contact"]["id"], *(d["contact"]["id"] for d in g["duplicates"])]}
    assert {g["contact"]["id"] for g in mine} <= ours
    # A contact of another workspace is not found by id
    missing = other_hub.get(f"/hub/v1/duplicates?contactId={people['marie']}")
    assert missing.status == 404 and missing.headers["Content-Type"] == "application/problem+json"
    # And a cursor of this workspace is refused there
    monkeypatch.setattr(services.duplicates, "examined_per_page", 1)
    cursor = hub.get("/hub/v1/duplicates?limit=1").json["next"]
    assert cursor
    refused = other_hub.get(f"/hub/v1/duplicates?after={quote(cursor)}")
    assert refused.status == 400 and refused.json["errors"][0]["field"] == "after"


@pytest.mark.parametrize("query, field", [
    ("after=not-a-cursor", "after"),
    ("limit=0", "limit"),
    ("limit=101", "limit"),
    ("limit=ten", "limit"),
    ("after=" + "x" * 600, "after"),
    ("contactId=" + "x" * 65, "contactId"),
])
def test_bad_input_is_a_400_problem(hub, query, field):
    reply = hub.get(f"/hub/v1/duplicates?{query}")
    assert reply.status == 400, reply.text
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in reply.json["errors"]] == [field]


def test_a_cursor_of_another_listing_or_with_one_contact_is_a_400(hub, people):
    contacts_cursor = hub.get("/hub/v1/contacts?limit=1").json["next"]
    reply = hub.get(f"/hub/v1/duplicates?after={quote(contacts_cursor)}")
    assert reply.status == 400 and reply.json["errors"][0]["field"] == "after"
    with_contact = hub.get(f"/hub/v1/duplicates?contactId={people['marie']}&after=x")
    assert with_contact.status == 400 and with_contact.json["errors"][0]["field"] == "after"
    assert hub.get("/hub/v1/duplicates?contactId=nope").status == 404


def _cost_of_checking(hub, contact_id: str) -> DynamoMeter:
    with DynamoMeter() as meter:
        assert hub.get(f"/hub/v1/duplicates?contactId={contact_id}").status == 200
    return meter


def test_checking_a_contact_costs_the_same_in_a_bigger_workspace(hub, services):
    # Given a contact with an email, a phone, a company and an email domain
    probe = _create(hub, name="Marie Dubois", emails=["marie@acme.example"], phones=["+33 6 12 34 56 78"],
                    company="Acme")
    small = _cost_of_checking(hub, probe)
    # When the workspace grows by contacts in the same company and domain, but with other names
    ws = hub.workspace_id
    for n in range(60):
        services.contacts.create(ws, {"name": f"Person{n} Other{n}", "emails": [f"p{n}@acme.example"],
                                      "company": "Acme", "phones": [f"+33 6 00 00 00 {n:02d}"]})
    big = _cost_of_checking(hub, probe)
    # Then checking it reads the same: the same calls, the same items
    assert big.scans == 0 and big.calls == small.calls
    assert big.items_read == small.items_read


def test_contacts_stored_before_the_blocking_entries_are_found_after_a_reindex(hub, services):
    import boto3

    from environment import SETTINGS

    # Given two contacts alike by name and company, stored by a version without the blocking entries
    first = _create(hub, name="Hélène Garnier", company="Initech")
    second = _create(hub, name="Helene Garnier", company="Initech SA")
    table = boto3.resource("dynamodb").Table(SETTINGS.crm_table)
    entries = table.query(KeyConditionExpression="pk = :pk AND begins_with(sk, :alike)", ConsistentRead=True,
                          ExpressionAttributeValues={":pk": f"WS#{hub.workspace_id}", ":alike": "IDX#alike#"})
    assert len(entries["Items"]) == 4
    for item in entries["Items"]:
        table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
    assert hub.get(f"/hub/v1/duplicates?contactId={first}").json["data"] == []
    # When the workspace is reindexed
    assert sum(services.contacts.reindex(hub.workspace_id)) == 2
    # Then they are likely duplicates again
    (group,) = hub.get(f"/hub/v1/duplicates?contactId={first}").json["data"]
    assert _shape(group) == (first, {second: ["name+company"]})

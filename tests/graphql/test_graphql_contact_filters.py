"""GraphQL `ContactFilter` with and / or / not and time ranges, and `orderBy` by change or by name: checked against
a plain-Python reading of the same contacts, paged to the end with small pages."""
from __future__ import annotations

import random
import unicodedata

import pytest

from test_graphql_contacts import create

PAGE = """
query Contacts($filter: ContactFilter, $search: String, $orderBy: ContactOrder, $first: Int!, $after: String) {
  contacts(filter: $filter, search: $search, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
FIRST = ("Élodie", "elise", "Marc", "marie", "Zoé", "Anna", "Ángel", "bob", "Omar", "Chen")
LAST = ("Durand", "Martin", "Zola", "Abel", "Ng")
COMPANIES = ("Acme Corp", "Globex", "Initech", None)
TAGS = ("vip", "golf", "press", "lead-2025")
STAGES = ("LEAD", "CUSTOMER", "MQL", None)


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


@pytest.fixture
def people(gql) -> list[dict]:
    """24 contacts with seeded fields, a few of them changed after creation (so change order differs)."""
    pick = random.Random(7)
    made = []
    clock = iter(range(1000))  # the API shows whole seconds: the order of writes is kept here
    for i in range(24):
        fields = {"name": f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}",
                  "tags": pick.sample(TAGS, pick.randint(0, 2))}
        if company := pick.choice(COMPANIES):
            fields["company"] = company
        if stage := pick.choice(STAGES):
            fields["stage"] = stage
        contact = create(gql, **fields)
        made.append(contact | {"fields": fields, "created": (seq := next(clock)), "updated": seq})
    for contact in made[3:20:4]:  # changed later: last in change order
        changed = gql.mutate("updateContact", {"id": contact["id"], "notes": "called back"}, "contact { updatedAt }")
        contact |= {"updatedAt": changed["contact"]["updatedAt"], "updated": next(clock)}
    return made


def holds(person: dict, f: dict) -> bool:
    """The filter read in plain Python, for the fields these tests use."""
    fields = person["fields"]
    checks = []
    if "name" in f:
        checks.append(any(w.startswith(fold(f["name"])) for w in fold(fields["name"]).split()))
    if "company" in f:
        checks.append(any(w.startswith(fold(f["company"])) for w in fold(fields.get("company") or "").split()))
    if "tags" in f:
        checks.append(all(t in fields["tags"] for t in f["tags"]))
    if "stage" in f:
        checks.append(fields.get("stage") == f["stage"])
    for field in ("createdAt", "updatedAt"):
        if field in f:
            moment = person[field]
            checks.append(moment >= f[field].get("since", "") and moment < f[field].get("before", "~"))
    checks += [holds(person, g) for g in f.get("and", [])]
    if f.get("or"):
        checks.append(any(holds(person, g) for g in f["or"]))
    if "not" in f:
        checks.append(not holds(person, f["not"]))
    return all(checks)


def read_all(gql, filter=None, order=None, first=5, search=None) -> tuple[list[dict], int]:
    """Every page of a listing, in order, and the total the first page gave."""
    nodes, after, total = [], None, None
    while True:
        page = gql.data(PAGE, {"filter": filter, "orderBy": order, "first": first, "after": after,
                               "search": search})["contacts"]
        total = page["totalCount"] if total is None else total
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = page["pageInfo"]["endCursor"]


def random_filter(pick: random.Random, people: list[dict], depth: int = 0) -> dict:
    moments = sorted(p["createdAt"] for p in people)
    choices = [
        lambda: {"name": pick.choice(["el", "mar", "zo", "an", "ÁN", "Ng"])},
        lambda: {"company": pick.choice(["acm", "glob", "ini"])},
        lambda: {"tags": [pick.choice(TAGS)]},
        lambda: {"stage": pick.choice([s for s in STAGES if s])},
        lambda: {"createdAt": {"since": pick.choice(moments)}},
        lambda: {"createdAt": {"before": pick.choice(moments)}},
        lambda: {"updatedAt": {"since": pick.choice(moments)}},
    ]
    if depth < 2:
        choices += [
            lambda: {"or": [random_filter(pick, people, depth + 1) for _ in range(pick.randint(2, 3))]},
            lambda: {"and": [random_filter(pick, people, depth + 1) for _ in range(2)]},
            lambda: {"not": random_filter(pick, people, depth + 1)},
        ]
    found = pick.choice(choices)()
    if depth == 0 and pick.random() < 0.5:  # fields beside and/or/not combine with AND
        found |= pick.choice(choices[:4])()
    return found


ORDERS = {
    None: lambda p: p["created"], "CREATED_AT_DESC": lambda p: p["created"],
    "CREATED_AT_ASC": lambda p: p["created"], "UPDATED_AT_DESC": lambda p: p["updated"],
    "UPDATED_AT_ASC": lambda p: p["updated"], "NAME_ASC": lambda p: (fold(p["fields"]["name"]), p["id"]),
    "NAME_DESC": lambda p: (fold(p["fields"]["name"]), p["id"]),
}


def expected(people: list[dict], f: dict | None, order: str | None) -> list[str]:
    chosen = [p for p in people if f is None or holds(p, f)]
    descending = order is None or order.endswith("DESC")
    chosen.sort(key=ORDERS[order], reverse=descending)
    return [p["id"] for p in chosen]


@pytest.mark.parametrize("order", list(ORDERS))
def test_every_order_pages_to_the_end_in_order(gql, people, order):
    nodes, total = read_all(gql, order=order, first=5)
    assert [n["id"] for n in nodes] == expected(people, None, order)
    assert total == len(people)


def test_random_and_or_not_filters_match_a_plain_reading(gql, people):
    pick = random.Random(11)
    for _ in range(40):
        f = random_filter(pick, people)
        order = pick.choice(list(ORDERS))
        nodes, total = read_all(gql, f, order, first=pick.choice([3, 7, 50]))
        want = expected(people, f, order)
        if order is None:  # the index's own order: by the matched word for a one-word filter
            assert sorted(n["id"] for n in nodes) == sorted(want), f
        else:
            assert [n["id"] for n in nodes] == want, (f, order)
        assert total == len(want), (f, order)


def test_filters_combine_with_search_and_every_text_field(gql, people):
    elodie = create(gql, name="Élodie Faure", emails=["elodie@faure.example"], phones=["+33 6 98 76 09 58"])
    nodes, _ = read_all(gql, {"or": [{"email": "@faure.example"}, {"tags": ["press"]}]}, "NAME_ASC")
    press = [p for p in people if "press" in p["fields"]["tags"]]
    assert {n["id"] for n in nodes} == {elodie["id"], *(p["id"] for p in press)}
    assert [n["id"] for n in read_all(gql, {"phone": "0958"})[0]] == [elodie["id"]]
    assert [n["id"] for n in read_all(gql, {"not": {"name": "faure"}}, search="elodie")[0]] == [
        p["id"] for p in people if fold(p["fields"]["name"]).startswith("elodie")][::-1]


def test_cursors_are_bound_to_the_filter_and_order(gql, other_gql, people):
    f = {"or": [{"tags": ["vip"]}, {"stage": "LEAD"}]}
    page = gql.data(PAGE, {"filter": f, "orderBy": "NAME_ASC", "first": 2})["contacts"]
    cursor = page["pageInfo"]["endCursor"]
    for variables in ({"filter": f, "orderBy": "NAME_DESC"}, {"filter": {"tags": ["vip"]}, "orderBy": "NAME_ASC"}):
        reply = gql(PAGE, variables | {"first": 2, "after": cursor})
        assert reply.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    reply = other_gql(PAGE, {"filter": f, "orderBy": "NAME_ASC", "first": 2, "after": cursor})
    assert reply.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_another_workspace_never_shows_through_a_filter(gql, other_gql, people):
    create(other_gql, name="Élodie Secret", tags=["vip"])
    for f in ({"not": {"tags": ["golf"]}}, {"or": [{"name": "elodie"}, {"tags": ["vip"]}]},
              {"createdAt": {"since": "2000-01-01T00:00:00Z"}}):
        nodes, _ = read_all(gql, f, "NAME_ASC", first=50)
        assert "Secret" not in {n["name"].split()[-1] for n in nodes}


def test_name_order_is_stable_while_contacts_come_and_go(gql, people):
    """Nothing that exists throughout is skipped or served twice, whatever is added or deleted meanwhile."""
    first = gql.data(PAGE, {"orderBy": "NAME_ASC", "first": 6})["contacts"]
    seen = [e["node"]["id"] for e in first["edges"]]
    create(gql, name="Aaron Before")  # sorts before the cursor: not on later pages
    create(gql, name="Zyx After")  # sorts after: shows up later
    gone = next(p for p in people if p["id"] not in seen)
    assert gql.mutate("deleteContact", {"id": gone["id"]}, "deletedContactId")["error"] is None
    after = first["pageInfo"]["endCursor"]
    while after:
        page = gql.data(PAGE, {"orderBy": "NAME_ASC", "first": 6, "after": after})["contacts"]
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert len(seen) == len(set(seen))
    assert {p["id"] for p in people} - {gone["id"]} <= set(seen)


def test_a_change_moves_the_contact_in_change_order_at_once(gql, people):
    oldest = expected(people, None, "UPDATED_AT_ASC")[0]
    assert gql.mutate("updateContact", {"id": oldest, "position": "CEO"}, "contact { id }")["error"] is None
    page = gql.data(PAGE, {"orderBy": "UPDATED_AT_DESC", "first": 1})["contacts"]
    assert page["edges"][0]["node"]["id"] == oldest


def test_filters_beyond_the_bounds_are_refused_clearly(gql, people):
    wide = {"and": [{"or": [{"tags": [t]} for t in TAGS]} for _ in range(3)]}  # 4 x 4 x 4 = 64 alternatives
    reply = gql(PAGE, {"filter": wide, "first": 5})
    error = reply.json["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "alternatives" in error["message"]
    backwards = {"createdAt": {"since": "2030-01-01T00:00:00Z", "before": "2020-01-01T00:00:00Z"}}
    assert gql(PAGE, {"filter": backwards, "first": 5}).json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    long_or = {"or": [{"name": f"n{i}"} for i in range(21)]}
    assert "at most 20" in gql(PAGE, {"filter": long_or, "first": 5}).json["errors"][0]["message"]

"""Tasks through GraphQL, checked against letsligo's /api/contact_tasks view of the same store."""
from __future__ import annotations

import pytest

TASK_FIELDS = ("id contactId title type taskKind payload description dueDate completed completedAt createdAt "
               "updatedAt version contact { id name }")
TASKS_PAGE = """
query Tasks($filter: TaskFilter, $orderBy: TaskOrder, $first: Int!, $after: String) {
  tasks(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { node { id title dueDate } } pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
def contact_id(gql) -> str:
    return gql.mutate("createContact", {"name": "Marie Dubois"})["contact"]["id"]


def add_task(gql, contact_id, **fields) -> dict:
    payload = gql.mutate("createTask", {"contactId": contact_id, "title": "Call back",
                                        "dueDate": "2025-03-20T10:00:00Z", **fields}, f"task {{ {TASK_FIELDS} }}")
    assert payload["error"] is None, payload["error"]
    return payload["task"]


def titles(page: dict) -> list[str]:
    return [edge["node"]["title"] for edge in page["edges"]]


def test_task_lifecycle_matches_letsligo(gql, letsligo, contact_id):
    # Given a task created through GraphQL (an offset date is stored in UTC)
    task = add_task(gql, contact_id, type="CALL", description="Relance", payload={"source": "fair"},
                    dueDate="2025-03-20T12:00:00+02:00")
    assert task["dueDate"] == "2025-03-20T10:00:00+00:00" and task["taskKind"] == "MANUAL"
    assert task["contact"] == {"id": contact_id, "name": "Marie Dubois"} and task["completed"] is False
    # Then letsligo shows it on the same contact
    rest = letsligo.get(f"/api/contact_tasks/{task['id']}").json
    assert rest["title"] == "Call back" and rest["type"] == "call" and rest["contact"] == f"/api/contacts/{contact_id}"
    assert rest["dueDate"] == task["dueDate"] and rest["payload"] == {"source": "fair"}
    # When it is completed, changed, reopened
    done = gql.mutate("completeTask", {"id": task["id"]}, "task { completed completedAt }")["task"]
    assert done["completed"] is True and done["completedAt"]
    assert letsligo.get(f"/api/contact_tasks/{task['id']}").json["completed"] is True
    changed = gql.mutate("updateTask", {"id": task["id"], "title": "Call again", "description": None},
                         "task { title description completed completedAt }")["task"]
    assert changed == {"title": "Call again", "description": None, "completed": True,
                       "completedAt": done["completedAt"]}
    reopened = gql.mutate("reopenTask", {"id": task["id"]}, "task { completed completedAt }")["task"]
    assert reopened == {"completed": False, "completedAt": None}
    # And deleted
    assert gql.mutate("deleteTask", {"id": task["id"]}, "deletedTaskId") == {"deletedTaskId": task["id"],
                                                                             "error": None}
    assert letsligo.get(f"/api/contact_tasks/{task['id']}").status == 404
    assert gql.data("query($id: ID!) { task(id: $id) { id } }", {"id": task["id"]})["task"] is None
    gone = gql.mutate("completeTask", {"id": task["id"]}, "task { id }")
    assert gone["error"]["__typename"] == "NotFoundError" and gone["error"]["entity"] == "Task"


def test_task_created_over_rest_shows_on_its_contact(gql, letsligo, contact_id):
    letsligo.post("/api/contact_tasks", json={"contact": f"/api/contacts/{contact_id}", "title": "Send quote",
                                              "type": "quote", "dueDate": "2025-05-01T09:00:00+00:00"})
    found = gql.data("query($id: ID!) { contact(id: $id) { tasks { title type dueDate } } }", {"id": contact_id})
    assert found["contact"]["tasks"] == [{"title": "Send quote", "type": "QUOTE", "dueDate": "2025-05-01T09:00:00+00:00"}]


def test_contact_tasks_filters(gql, contact_id):
    add_task(gql, contact_id, title="Old call", type="CALL", dueDate="2025-01-01T09:00:00Z")
    add_task(gql, contact_id, title="Done email", type="EMAIL", dueDate="2025-02-01T09:00:00Z", completed=True)
    add_task(gql, contact_id, title="Next meeting", type="MEETING", dueDate="2025-03-01T09:00:00Z")

    def contact_tasks(filter=None, first=50):
        query = "query($id: ID!, $f: ContactTasksFilter, $n: Int!) { contact(id: $id) { tasks(filter: $f, first: $n) { title } } }"
        return [t["title"] for t in gql.data(query, {"id": contact_id, "f": filter, "n": first})["contact"]["tasks"]]

    assert contact_tasks() == ["Old call", "Done email", "Next meeting"]
    assert contact_tasks({"completed": False}) == ["Old call", "Next meeting"]
    assert contact_tasks({"completed": True}) == ["Done email"]
    assert contact_tasks({"type": "MEETING"}) == ["Next meeting"]
    assert contact_tasks({"dueAfter": "2025-01-15T00:00:00Z", "dueBefore": "2025-02-01T09:00:00Z"}) == ["Done email"]
    assert contact_tasks(first=1) == ["Old call"]


def test_tasks_connection_filters_orders_and_pages(gql, contact_id):
    other = gql.mutate("createContact", {"name": "Jean Martin"})["contact"]["id"]
    add_task(gql, contact_id, title="A", dueDate="2025-01-01T09:00:00Z", type="CALL")
    add_task(gql, other, title="B", dueDate="2025-02-01T09:00:00Z", type="EMAIL")
    add_task(gql, contact_id, title="C", dueDate="2025-03-01T09:00:00Z", completed=True)

    def page(filter=None, order="DUE_DATE_ASC", first=10, after=None):
        return gql.data(TASKS_PAGE, {"filter": filter, "orderBy": order, "first": first, "after": after})["tasks"]

    assert titles(page()) == ["A", "B", "C"] and page()["totalCount"] == 3
    assert titles(page(order="DUE_DATE_DESC")) == ["C", "B", "A"]
    assert titles(page({"contactId": contact_id})) == ["A", "C"]
    assert titles(page({"completed": False})) == ["A", "B"]
    assert titles(page({"type": "EMAIL"})) == ["B"]
    assert titles(page({"dueBefore": "2025-02-01T09:00:00Z"})) == ["A", "B"]
    first = page(first=2, order="DUE_DATE_DESC")
    assert titles(first) == ["C", "B"] and first["pageInfo"]["hasNextPage"]
    rest = page(first=2, order="DUE_DATE_DESC", after=first["pageInfo"]["endCursor"])
    assert titles(rest) == ["A"] and not rest["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("order", ["DUE_DATE_ASC", "DUE_DATE_DESC"])
@pytest.mark.parametrize("filter", [None, {"completed": False}, {"type": "CALL"}, {"dueAfter": "2025-01-05T00:00:00Z"}])
def test_task_cursors_are_stable_while_tasks_come_and_go(gql, other_gql, contact_id, order, filter):
    """Keyset cursors: nothing that exists throughout is skipped or served twice, in either order."""
    made = [add_task(gql, contact_id, title=f"T{day:02}", dueDate=f"2025-01-{day:02}T09:00:00Z", type="CALL")
            for day in range(1, 13)]

    def page(first, after=None, variables=None):
        return gql.data(TASKS_PAGE, {"filter": filter, "orderBy": order, "first": first, "after": after}
                        | (variables or {}))["tasks"]

    first = page(4)
    seen = titles(first)
    add_task(gql, contact_id, title="T00", dueDate="2024-12-31T09:00:00Z", type="CALL")  # before every page
    add_task(gql, contact_id, title="T99", dueDate="2025-01-31T09:00:00Z", type="CALL")  # after every page
    gone = next(t for t in made if t["title"] not in seen and t["title"] != "T12")
    assert gql.mutate("deleteTask", {"id": gone["id"]}, "deletedTaskId")["error"] is None
    after = first["pageInfo"]["endCursor"]
    while after:
        rest = page(3, after)
        seen += titles(rest)
        after = rest["pageInfo"]["endCursor"] if rest["pageInfo"]["hasNextPage"] else None
    assert len(seen) == len(set(seen))
    kept = {t["title"] for t in made if t["title"] != gone["title"]}
    if filter and "dueAfter" in filter:
        kept = {title for title in kept if title >= "T05"}
    assert kept <= set(seen)
    assert seen == sorted(seen, reverse=order == "DUE_DATE_DESC")
    # the cursor belongs to this workspace, this filter and this order
    foreign = other_gql(TASKS_PAGE, {"filter": filter, "orderBy": order, "first": 2,
                                     "after": first["pageInfo"]["endCursor"]})
    assert foreign.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    reordered = gql(TASKS_PAGE, {"filter": filter, "first": 2, "after": first["pageInfo"]["endCursor"],
                                 "orderBy": "DUE_DATE_DESC" if order == "DUE_DATE_ASC" else "DUE_DATE_ASC"})
    assert reordered.json["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_rejected_task_writes_change_nothing(gql, contact_id, workspace, snapshot):
    task = add_task(gql, contact_id)
    before = snapshot(workspace)
    cases = [
        ("createTask", {"contactId": "123e4567-e89b-12d3-a456-426614174000", "title": "X",
                        "dueDate": "2025-01-01T00:00:00Z"}, "ValidationError", "contactId"),
        ("createTask", {"contactId": contact_id, "title": "   ", "dueDate": "2025-01-01T00:00:00Z"},
         "ValidationError", "title"),
        ("createTask", {"contactId": contact_id, "title": "X", "dueDate": "1800-01-01T00:00:00Z"},
         "ValidationError", "dueDate"),
        ("createTask", {"contactId": contact_id, "title": "X", "dueDate": "2025-01-01T00:00:00Z",
                        "payload": {"blob": "x" * 20_000}}, "ValidationError", "payload"),
        ("updateTask", {"id": task["id"], "title": None}, "ValidationError", "title"),
        ("updateTask", {"id": task["id"], "contactId": "123e4567-e89b-12d3-a456-426614174000"},
         "ValidationError", "contactId"),
        ("updateTask", {"id": "123e4567-e89b-12d3-a456-426614174000", "title": "Y"}, "NotFoundError", None),
        ("deleteTask", {"id": "nope"}, "NotFoundError", None),
    ]
    for field, input, kind, path in cases:
        payload = gql.mutate(field, input, "__typename")
        assert payload["error"]["__typename"] == kind, (field, input, payload)
        if path:
            assert path in [v["path"] for v in payload["error"]["violations"]], (field, payload)
        assert snapshot(workspace) == before, (field, input)


def test_deleting_a_contact_removes_its_tasks(gql, letsligo, contact_id):
    task = add_task(gql, contact_id)
    gql.mutate("deleteContact", {"id": contact_id}, "deletedContactId")
    assert gql.data("query($id: ID!) { task(id: $id) { id } }", {"id": task["id"]})["task"] is None
    assert gql.data(TASKS_PAGE, {"first": 10})["tasks"]["totalCount"] == 0

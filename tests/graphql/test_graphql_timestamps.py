"""One instant, one rendering: GraphQL's DateTime is the REST dialects' (UTC, whole seconds), and says so."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from contacthub_graphql.scalars import serialize_datetime

WHOLE_SECONDS_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def test_graphql_and_letsligo_render_the_same_instants_alike(gql, letsligo):
    contact = gql.mutate("createContact", {"name": "Ana"}, "contact { id createdAt updatedAt }")["contact"]
    task = gql.mutate("createTask", {"contactId": contact["id"], "title": "Call", "completed": True,
                                     "dueDate": "2030-01-01T11:00:00.987654+02:00"},
                      "task { id dueDate completedAt createdAt }")["task"]
    rest_contact = letsligo.get(f"/api/contacts/{contact['id']}").json
    rest_task = letsligo.get(f"/api/contact_tasks/{task['id']}").json
    assert (contact["createdAt"], contact["updatedAt"]) == (rest_contact["createdAt"], rest_contact["updatedAt"])
    assert (task["dueDate"], task["completedAt"]) == (rest_task["dueDate"], rest_task["completedAt"])
    assert task["dueDate"] == "2030-01-01T09:00:00+00:00"
    for value in (contact["createdAt"], contact["updatedAt"], task["completedAt"], task["createdAt"]):
        assert WHOLE_SECONDS_UTC.match(value), value


def test_the_scalar_truncates_to_utc_seconds():
    moment = datetime(2025, 3, 20, 12, 0, 0, 999999, tzinfo=timezone.utc)
    assert serialize_datetime(moment) == "2025-03-20T12:00:00+00:00"
    assert serialize_datetime(moment.replace(tzinfo=None)) == "2025-03-20T12:00:00+00:00"


def test_the_sdl_states_the_format():
    from contacthub_graphql.schema import build_schema

    sdl = build_schema().as_str()
    assert '"""\nAn instant. Answered in ISO 8601, UTC, whole seconds' in sdl
    assert 'scalar DateTime @specifiedBy(url: "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6")' in sdl

"""No input reaches a 5xx: every route of every REST dialect in template.yaml, with generated bodies, query
parameters, path ids and headers, answers below 500, and a refused write leaves the workspace unchanged."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from client import ApiClient
from contacthub_local.template import routes
from test_storable_input import stored_items

REST_ROUTES = [r for r in routes() if r.handler.startswith("contacthub.api.")]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Names the dialects read, so generated values reach the rules behind them rather than only "unknown property".
FIELDS = ["name", "firstName", "lastName", "emails", "email", "phones", "phoneNumber", "phoneNumbers", "company",
          "companyName", "tags", "customFields", "payload", "title", "text", "dueDate", "contact", "stage",
          "status", "pipelineState", "location", "notes", "statusId", "token", "instruction", "body", "subject",
          "overrides", "completed", "position"]
PARAMS = ["page", "itemsPerPage", "limit", "search", "searchText", "tags", "status", "contact", "order[dueDate]",
          "completed", "channel", "locationId", "q", "cursor"]

scalars = (st.none() | st.booleans() | st.integers(min_value=-(10 ** 40), max_value=10 ** 40)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40)
           | st.sampled_from(["", " ", "\ud800", "a@b.example", "+33 6 12 34 56 78", "2025-03-20T10:00:00Z",
                              "/api/contacts/x", "x" * 300]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)
bodies = (st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6).map(json.dumps)
          | json_values.map(json.dumps)
          | st.text(max_size=60)
          | st.binary(max_size=40)
          | st.sampled_from(["", "{", '{"name": ' + "9" * 5000 + "}", '{"a": ' + "[" * 3000 + "]" * 3000 + "}",
                             '{"name": NaN}', '[{"name": "x"}]']))
media_types = st.sampled_from(["application/json", "application/ld+json", "application/merge-patch+json",
                               "text/plain", "application/json; charset=utf-8", "", "multipart/form-data"])
query_strings = st.dictionaries(st.sampled_from(PARAMS), st.text(max_size=12) | st.integers().map(str),
                                max_size=3).map(lambda d: "&".join(f"{k}={v}" for k, v in d.items()))


@pytest.mark.parametrize("route", REST_ROUTES, ids=lambda r: f"{r.method} {r.path}")
# No shrinking: the failing input is in the assertion message, and shrinking through handlers takes minutes.
@settings(max_examples=12, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies, media_type=media_types, query=query_strings,
       path_id=st.sampled_from(["existing", "other", "missing", "junk"]), key_style=st.sampled_from(["", " ", "\t"]))
def test_no_input_reaches_a_5xx_and_a_refused_write_writes_nothing(workspace, other_workspace, letsligo, route, body,
                                                                  media_type, query, path_id, key_style):
    # Given a contact in this workspace and one in another
    mine = _contact(letsligo)
    ids = {"existing": mine, "other": _contact(ApiClient(other_workspace.key)), "missing": "0" * 8 + "-0000-4000-8000-"
           + "0" * 12, "junk": "%20..%2F"}
    path = route.path
    for name in ("{id}", "{contactId}"):
        path = path.replace(name, ids[path_id] if path_id != "existing" else mine)
    url = path + (f"?{query}" if query else "")
    headers = {"X-Api-Key": f"{key_style}{workspace.key}{key_style}"}
    if media_type:
        headers["Content-Type"] = media_type
    before = stored_items(workspace)
    # When anything is sent
    reply = ApiClient(None).request(route.method, url, body=body, headers=headers)
    # Then never a server error, and a refused write changes nothing
    assert reply.status < 500, (route.method, url, body, reply.text)
    if reply.status >= 400 and route.method in WRITES:
        assert stored_items(workspace) == before, (route.method, url, body, reply.text)


def _contact(client: ApiClient) -> str:
    """One contact per workspace key and store, created on first use."""
    reply = client.get("/api/contacts?itemsPerPage=1")
    members = reply.json["hydra:member"]
    if members:
        return members[0]["id"]
    return client.post("/api/contacts", json={"name": "Existing Contact"}).json["id"]

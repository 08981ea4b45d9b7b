"""No request path reads a GSI or reads eventually consistently (DESIGN.md, read-your-writes): checked at run time.

Every route of every REST dialect (its sample event, real ids substituted) plus searches and a set of GraphQL
operations run while every DynamoDB call is observed. A Query or Scan of an index, or a GetItem, BatchGetItem,
Query or Scan without ConsistentRead=True, is an offence unless its access pattern is in
KNOWN_EVENTUALLY_CONSISTENT. A new offence fails; so does an allowlisted pattern that no longer happens (then
delete it from the list).
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest

from client import ApiClient
from contacthub_local.bootstrap import table_names
from contacthub_local.consistency_faults import is_eventually_consistent, observed_calls
from contacthub_local.sample_events import sample_event
from contacthub_local.template import PROJECT_ROOT, routes
from environment import SETTINGS

# Access patterns allowed to read eventually consistently, as "<operation> <table> <index or key kind>":
# none, and it stays so (never add to it).
KNOWN_EVENTUALLY_CONSISTENT: set[str] = set()
RUNTIME_DIRS = (PROJECT_ROOT / "functions", PROJECT_ROOT / "graphql")
BROAD_REQUESTS = {
    "letsligo": ["/api/contacts", "/api/contacts?name=marie&company=acme", "/api/contacts?email=marie@",
                 "/api/contacts?phone=0612345678", "/api/contacts?status=pending&page=2&itemsPerPage=1",
                 "/api/contacts?pipelineState={iri}", "/api/pipeline_states", "/api/pipeline_states/{state}",
                 "/api/contact_tasks", "/api/contact_tasks?contact={id}"],
    "skarbe": ["/api/connect/contacts", "/api/connect/contacts?query=marie", "/api/connect/contacts?query=marie@acme",
               "/api/connect/contacts/{number}", "/api/connect/contacts/lead-statuses", "/api/connect/me"],
    "whautomate": ["/v1/contacts", "/v1/contacts?searchText=marie", "/v1/contacts?searchText=0612345678",
                   "/v1/contacts?tags=VIP&page=1&limit=5", "/v1/contacts?channel=whatsapp",
                   "/v1/contacts?locationId=paris", "/v1/contacts/{id}"],
}
GRAPHQL = [
    "{ me { user { name email } workspace { id name contactCount } } }",
    "{ contacts(first: 5) { totalCount edges { node { id name tags { name } pipelineState { name } location { id } "
    "tasks(filter: {completed: false}) { id } } } pageInfo { endCursor } } }",
    '{ contacts(search: "marie") { totalCount edges { node { id } } } }',
    '{ contacts(filter: {tags: ["VIP"], status: PENDING, channel: "whatsapp"}) { totalCount } }',
    '{ contacts(filter: {pipelineStateId: "{state}"}, orderBy: CREATED_AT_ASC) { totalCount } }',
    '{ contacts(filter: {hasOpenTasks: true}) { totalCount } }',
    '{ contact(id: "{id}") { id name emails tags { contactCount } } }',
    "{ tasks { totalCount edges { node { id contactId } } } }",
    "{ pipelineStates { id name contactCount } }",
    '{ pipelineState(id: "{state}") { id contactCount } }',
    "{ tags { name contactCount } }",
    "{ locations { id contactCount } }",
    'mutation { createContact(input: {name: "Paul Martin", tags: ["VIP"]}) { contact { id } } }',
]
METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}


def access_pattern(operation: str, params: dict) -> str:
    """What a call reads, independent of where the code asks for it: the table, then the index or key kind."""
    tables = {name: logical for logical, name in table_names(SETTINGS).items()}
    if operation == "BatchGetItem":
        table, request = next(iter(params["RequestItems"].items()))
        values = [v["S"] for v in request["Keys"][0].values() if "S" in v]
    else:
        table = params["TableName"]
        source = params.get("Key") or params.get("ExpressionAttributeValues") or {}
        values = [v["S"] for v in source.values() if "S" in v]
    if params.get("IndexName"):
        what = f"index {params['IndexName']}"
    else:
        kinds = [re.match(r"[A-Z]+#?", v) for v in values if not v.startswith("WS#")]
        what = next((k.group() for k in kinds if k), "(whole partition)" if values else "(table)")
    return f"{operation} {tables.get(table, table)} {what}"


def call_site() -> str:
    """The innermost function of runtime code (functions/ or graphql/) that led to the call, as path:qualname."""
    frame = sys._getframe(1)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        # comprehensions are frames of their own before Python 3.12: name their function instead
        if any(path.is_relative_to(root) for root in RUNTIME_DIRS) and not frame.f_code.co_name.startswith("<"):
            return f"{path.relative_to(PROJECT_ROOT)}:{frame.f_code.co_qualname}"
        frame = frame.f_back
    return "(outside runtime code)"


@pytest.fixture
def seeded(services, workspace):
    """A contact with a task and an email draft, reachable by every dialect: (uuid, number, pipeline state id)."""
    ws = workspace.workspace.id
    state = services.pipeline.list(ws)[1]
    contact = services.contacts.create(ws, {
        "name": "Marie Dubois", "emails": ["marie@acme.example"], "phones": ["+33 6 12 34 56 78"],
        "company": "Acme Corp", "tags": ["VIP"], "location": {"id": "paris", "title": "Paris"},
        "channel": "whatsapp", "stage": "Lead", "pipeline_state_id": state.id})
    api = ApiClient(workspace.key)
    assert api.post("/api/contact_tasks", json={"contact": f"/api/contacts/{contact.id}", "title": "Call",
                                                "dueDate": "2030-01-01T10:00:00+00:00"}).status == 201
    return contact.id, contact.number, state.id


def _requests(ids) -> list[tuple[str, str, object]]:
    uuid, number, state = ids
    found = []
    dialect_routes = [r for r in routes() if r.handler.startswith("contacthub.api.")]
    for route in sorted(dialect_routes, key=lambda r: (METHOD_ORDER.get(r.method, 9), r.path)):
        dialect = route.handler.split(".")[2]
        value = str(number) if dialect == "skarbe" else uuid
        body = sample_event(route)["body"]
        found.append((route.method, re.sub(r"\{[^}]+\}", quote(value), route.path), json.loads(body) if body else None))
    for urls in BROAD_REQUESTS.values():
        found += [("GET", url.format(id=uuid, number=number, state=state, iri=quote(f"/api/pipeline_states/{state}")), None)
                  for url in urls]
    for document in GRAPHQL:
        found.append(("POST", "/graphql", {"query": document.replace("{id}", uuid).replace("{state}", state)}))
    found.sort(key=lambda r: r[0] == "DELETE")  # the contact goes last
    return found


def test_the_access_pattern_names_what_is_read():
    assert access_pattern("GetItem", {"TableName": "test-crm", "Key": {"pk": {"S": "WS#1"}, "sk": {"S": "WORKSPACE"}}}
                          ) == "GetItem CrmTable WORKSPACE"
    assert access_pattern("Query", {"TableName": "test-crm", "IndexName": "ContactsByCreatedIndex",
                                    "ExpressionAttributeValues": {":0": {"S": "w"}}}
                          ) == "Query CrmTable index ContactsByCreatedIndex"
    assert access_pattern("Query", {"TableName": "test-crm", "ExpressionAttributeValues": {
        ":0": {"S": "WS#1"}, ":1": {"S": "TAG#"}}}) == "Query CrmTable TAG#"
    assert access_pattern("BatchGetItem", {"RequestItems": {"test-directory": {"Keys": [{"pk": {"S": "KEY#ab"}}]}}}
                          ) == "BatchGetItem DirectoryTable KEY#"


def test_no_request_path_reads_an_index_or_eventually_consistently(workspace, seeded):
    # Given every route, search and GraphQL operation, with a contact, a task and real ids
    api = ApiClient(workspace.key)
    offences: dict[str, set[str]] = defaultdict(set)  # access pattern -> "request (call site)"
    failed = []
    for method, url, body in _requests(seeded):
        request = f"{method} {url}" + (f" {body['query'][:60]}" if url == "/graphql" else "")
        calls = []

        def observe(operation, params, calls=calls, request=request):
            calls.append(operation)
            if is_eventually_consistent(operation, params):
                offences[access_pattern(operation, params)].add(f"{request} ({call_site()})")

        # When each runs through its handler
        with observed_calls(observe):
            reply = api.request(method, url, json=body)
        if reply.status >= 500 or (url == "/graphql" and "errors" in (reply.json or {})):
            failed.append(f"{request}: {reply.status} {reply.text[:200]}")
        assert calls, f"{request} never reached DynamoDB"
    # Then no new access pattern is read eventually consistently, and none failed (which would make it vacuous)
    assert not failed, "\n".join(failed)
    new = {p: sorted(where) for p, where in offences.items() if p not in KNOWN_EVENTUALLY_CONSISTENT}
    assert not new, "eventually consistent reads on a request path:\n" + "\n".join(
        f"{p}:\n  " + "\n  ".join(where) for p, where in sorted(new.items()))
    gone = KNOWN_EVENTUALLY_CONSISTENT - offences.keys()
    assert not gone, f"no longer read eventually consistently, remove from KNOWN_EVENTUALLY_CONSISTENT: {sorted(gone)}"

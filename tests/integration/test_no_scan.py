"""No request path issues a DynamoDB Scan (DESIGN.md): checked in the code and, metered, at run time.

Every REST dialect function of template.yaml is exercised: its sample events (infra/events) with real ids
substituted, plus a broad set of reads and searches for the dialects known here. A dialect is covered as
soon as its function is in the template.
"""
import json
import re
from urllib.parse import quote

import pytest

from client import ApiClient
from contacthub_local.meter import DynamoMeter
from contacthub_local.sample_events import sample_event
from contacthub_local.template import PROJECT_ROOT, routes

FUNCTIONS_DIR = PROJECT_ROOT / "functions"
SCAN_CALL = re.compile(r"""\.scan\s*\(|["']Scan["']|\bscan_paginator\b|get_paginator\(\s*["']scan["']""")
# Searches and filters per dialect, beyond the sample events.
BROAD_REQUESTS = {
    "letsligo": ["/api/contacts", "/api/contacts?name=marie&company=acme", "/api/contacts?email=marie@",
                 "/api/contacts?phone=0612345678", "/api/contacts?status=pending&page=2&itemsPerPage=1",
                 "/api/contacts?pipelineState={state}", "/api/pipeline_states", "/api/pipeline_states/{state}"],
    "skarbe": ["/api/connect/contacts", "/api/connect/contacts?query=marie", "/api/connect/contacts?query=dub&limit=5",
               "/api/connect/contacts?query=marie@acme", "/api/connect/contacts/{number}",
               "/api/connect/contacts/lead-statuses", "/api/connect/me"],
    "whautomate": ["/v1/contacts", "/v1/contacts?searchText=marie", "/v1/contacts?searchText=0612345678",
                   "/v1/contacts?tags=VIP&page=1&limit=5", "/v1/contacts?channel=whatsapp",
                   "/v1/contacts?locationId=paris", "/v1/contacts/{id}"],
}
DIALECT_ROUTES = [r for r in routes() if r.handler.startswith("contacthub.api.")]
METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}


def _dialect(route) -> str:
    return route.handler.split(".")[2]


def test_no_module_under_functions_calls_scan():
    offenders = []
    for path in sorted(FUNCTIONS_DIR.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SCAN_CALL.search(line.split("#", 1)[0]):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert not offenders, "Scan on a request path:\n" + "\n".join(offenders)


def test_the_static_check_recognises_scans():
    for line in ("ContactItem.scan()", "Model.scan (limit=1)", 'client._make_api_call("Scan", {})',
                 "client.get_paginator('scan')", "table.scan(FilterExpression=x)"):
        assert SCAN_CALL.search(line), line
    assert not SCAN_CALL.search("ScannedCount = page['ScannedCount']")


@pytest.fixture
def seeded(services, workspace):
    """A contact that every dialect can reach: (uuid, number, a pipeline state id)."""
    ws = workspace.workspace.id
    state = services.pipeline.list(ws)[1]
    contact = services.contacts.create(ws, {
        "name": "Marie Dubois", "emails": ["marie@acme.example"], "phones": ["+33 6 12 34 56 78"],
        "company": "Acme Corp", "tags": ["VIP"], "location": {"id": "paris", "title": "Paris"},
        "channel": "whatsapp", "stage": "Lead", "pipeline_state_id": state.id})
    return contact.id, contact.number, state.id


def _real_path(route, ids) -> str:
    uuid, number, _ = ids
    value = str(number) if _dialect(route) == "skarbe" else uuid
    return re.sub(r"\{[^}]+\}", quote(value), route.path)


@pytest.mark.skipif(not DIALECT_ROUTES, reason="no REST dialect in template.yaml")
def test_every_route_and_search_of_every_dialect_issues_no_scan(workspace, seeded):
    # Given a contact, and each dialect's routes with their sample bodies (deletes last)
    api = ApiClient(workspace.key)
    requests = []
    for route in sorted(DIALECT_ROUTES, key=lambda r: (METHOD_ORDER.get(r.method, 9), r.path)):
        body = sample_event(route)["body"]
        requests.append((route.method, _real_path(route, seeded), json.loads(body) if body else None))
    uuid, number, state = seeded
    present = {_dialect(r) for r in DIALECT_ROUTES}
    for dialect in sorted(present & BROAD_REQUESTS.keys()):
        requests += [("GET", url.format(id=uuid, number=number, state=state), None)
                     for url in BROAD_REQUESTS[dialect]]
    requests.sort(key=lambda r: r[0] == "DELETE")
    # When each one runs through its handler under the meter
    scanned, failed = [], []
    for method, url, body in requests:
        with DynamoMeter() as meter:
            reply = api.request(method, url, json=body)
        if meter.scans:
            scanned.append(f"{method} {url}: {meter.summary()}")
        if reply.status >= 500:
            failed.append(f"{method} {url}: {reply.status} {reply.text[:200]}")
        assert meter.calls, f"{method} {url} never reached DynamoDB"
    # Then none issued a Scan (and none failed, which would make the check vacuous)
    assert not scanned, "\n".join(scanned)
    assert not failed, "\n".join(failed)

"""Search cost grows with the matches, never with the workspace (DESIGN.md, DynamoDB rules).

Measured with contacthub_local.meter: DynamoDB items read (what reads are billed on), through the real
handlers and the service. Workspaces are filled with bench/search.py's `bulk_create`; the first test proves
it writes exactly the items that ContactService.create writes.
"""
import json
import re

import boto3
import pytest

from benches import load_bench
from client import ApiClient
from contacthub_local.meter import DynamoMeter
from environment import SETTINGS


bench = load_bench("search")

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d|Z)?")


def _partition(services, workspace) -> list[str]:
    """A workspace's items with ids and times replaced by stable names (contact number, state number)."""

    ws = workspace.workspace.id
    names = {ws: "WS"}
    names.update({s.id: f"STATE{s.number}" for s in services.pipeline.list(ws)})
    names.update({c.id: f"C{c.number}" for c in services.contacts.recently_active(ws, 100)})
    client = boto3.client("dynamodb")
    items, start = [], {}
    while True:
        page = client.query(TableName=SETTINGS.crm_table, KeyConditionExpression="pk = :pk",
                            ExpressionAttributeValues={":pk": {"S": f"WS#{ws}"}}, ConsistentRead=True, **start)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    normalised = []
    for item in items:
        if item["sk"]["S"].startswith("USER#"):
            continue
        if item["sk"]["S"] == "WORKSPACE":  # its name and creation time differ by construction
            item = {k: v for k, v in item.items() if k in ("pk", "sk", "contacts", "nextContactNumber",
                                                           "nextStateNumber")}
        text = _UUID.sub(lambda m: names.get(m.group(0), "UNKNOWN-UUID"), json.dumps(item, sort_keys=True))
        normalised.append(_TIME.sub("TIME", text))
    return sorted(normalised)


def test_bulk_create_writes_exactly_what_creates_write(services, workspace, other_workspace):
    # Given varied contacts: names, emails, phones, companies, tags, a location, a stage and lead statuses
    def fields(ws):
        states = services.pipeline.list(ws)
        return [
            {"first_name": "Ada", "last_name": "Zyzzyva", "emails": ["ada@z.example", "a2@z.example"],
             "phones": ["+33 6 99 88 77 01"], "company": "Zyzzyva Labs", "tags": ["VIP", "Paris"],
             "pipeline_state_id": states[1].id, "notes": "n"},
            {"name": "Bo Li", "emails": ["bo@z.example"], "tags": ["vip"], "stage": "Lead",
             "location": {"id": "paris", "title": "Paris"}, "channel": "whatsapp"},
            {"emails": ["only@z.example"], "pipeline_state_id": states[1].id},
            {"first_name": "Cy", "phones": ["0612"], "custom_fields": {"source": "fair"},
             "location": {"id": "paris", "title": "Paris HQ"}},
        ]

    # When one workspace gets them through ContactService.create and the other through bulk_create
    for values in fields(workspace.workspace.id):
        services.contacts.create(workspace.workspace.id, values)
    bulk = bench.bulk_create(other_workspace.workspace.id, fields(other_workspace.workspace.id))
    # Then both partitions hold the same items
    assert [c.number for c in bulk] == [1, 2, 3, 4]
    ours, theirs = _partition(services, workspace), _partition(services, other_workspace)
    assert "UNKNOWN-UUID" not in "".join(ours + theirs)
    assert ours == theirs


def _search_costs(workspace, services) -> dict[str, tuple[int, list]]:
    """request -> (items read, what it found) through the handlers and the service.

    Few requests on purpose: moto sorts the whole partition on every Query, so each one costs ~1 s of CPU
    at 500 contacts (DynamoDB itself reads only the matching range).
    """
    skarbe = ApiClient(workspace.key, header="X-Api-Key")
    letsligo = ApiClient(workspace.key)
    requests = {
        "skarbe ?query=zyzz": lambda: sorted(c["id"] for c in skarbe.get("/api/connect/contacts?query=zyzz").json),
        "skarbe ?query=needle.": lambda: sorted(c["id"] for c in skarbe.get(
            "/api/connect/contacts?query=needle.").json),
        "letsligo ?phone=06 99 88 77": lambda: letsligo.get(
            "/api/contacts?phone=06%2099%2088%2077").json["hydra:totalItems"],
    }
    from contacthub.ports import ContactQuery

    for label, query in bench.SELECTIVE_SEARCHES.items():
        requests[f"service {label}"] = lambda q=query: services.contacts.search(
            workspace.workspace.id, ContactQuery(**q), with_total=True).total
    costs = {}
    for label, request in requests.items():
        with DynamoMeter() as meter:
            found = request()
        assert meter.scans == 0
        costs[label] = (meter.items_read, found)
    return costs


@pytest.mark.parametrize("small, large", [(50, 500)])
def test_selective_search_cost_does_not_grow_with_the_workspace(services, workspace, small, large):
    # Given a workspace of `small` contacts, three of which share a rare name, an email prefix and a phone prefix
    ws = workspace.workspace.id
    bench.bulk_create(ws, bench.NEEDLES)
    bench.bulk_create(ws, bench.synthetic_fields(small - len(bench.NEEDLES)))
    at_small = _search_costs(workspace, services)
    # When the workspace grows tenfold with contacts that match none of the searches
    bench.bulk_create(ws, bench.synthetic_fields(large - small, offset=small))
    assert services.workspaces.get(ws).contact_count == large
    at_large = _search_costs(workspace, services)
    # Then every search finds the same three contacts and reads exactly as many items as before
    assert at_large == at_small
    assert all(found in (3, [1, 2, 3]) for _, found in at_small.values()), at_small
    assert at_small["service name prefix 'zyzz'"][0] == 6  # 3 index entries + 3 contacts


def test_meter_counts_reads_by_operation(services, workspace):
    # Given two contacts
    for name in ("Ann", "Ben"):
        services.contacts.create(workspace.workspace.id, {"name": name})
    # When one is read by id and the workspace listed
    with DynamoMeter() as meter:
        services.contacts.get_by_number(workspace.workspace.id, 1)
        services.contacts.recently_active(workspace.workspace.id, 10)
    # Then GetItem reads count one per item found, Query its ScannedCount, BatchGet the items returned
    assert meter.calls == {"GetItem": 2, "Query": 1, "BatchGetItem": 1}
    assert meter.reads == {"GetItem": 2, "Query": 2, "BatchGetItem": 2}
    assert meter.items_read == 6 and meter.scans == 0
    # and nothing is metered once the block has ended
    services.contacts.get_by_number(workspace.workspace.id, 1)
    assert meter.items_read == 6

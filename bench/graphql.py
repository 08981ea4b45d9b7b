"""DynamoDB cost of a frontend's contact list through GraphQL, for 10 and 50 contacts.

    .venv/bin/python bench/graphql.py [--sizes 10 50]

The list asks, for every contact, its pipeline state, tags (with counts), location (with count) and open
tasks. It runs through the real Lambda handler (routed by template.yaml) on moto; contacthub_local.meter
counts DynamoDB calls and items read (what DynamoDB bills). With DataLoaders, only the open tasks grow with
the page: DynamoDB has no Query over several partition keys, so each contact's open tasks cost one Query.
Everything else is a fixed number of calls. tests/graphql/test_graphql_dataloaders.py asserts that bound.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Run as a script, this file's folder heads sys.path, and this file (graphql.py) would shadow graphql-core.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

# Before any client exists: the meter joins the botocore sessions created after its import.
from contacthub_local.meter import DynamoMeter  # noqa: E402

FRONTEND_QUERY = """
query ContactList($first: Int!) {
  contacts(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id name company emails status
        pipelineState { id name color }
        tags { name contactCount }
        location { id title contactCount }
        tasks(filter: { completed: false }) { id title dueDate }
      }
    }
  }
}
"""
# The calls one list costs whatever its size: API key (GetItem), search (Query on the creation index,
# BatchGetItem of the page, GetItem of the workspace counter), pipeline states, tag and location catalogues
# (one Query each), open tasks (BatchGetItem of the contacts' keys, BatchGetItem of the tasks).
FIXED_CALLS = 9
PER_CONTACT_CALLS = 1  # the open-task Query of each contact


class _BufferedWrites:
    """Stands in for pynamodb's TransactWrite while seeding: puts go to one BatchWriteItem buffer (25 items
    per call), counter updates run at once. New items get version 1, as a transactional save gives them."""

    def __init__(self, batch):
        self.batch = batch

    def save(self, model, condition=None, return_values=None):
        version = getattr(type(model), "_version_attribute_name", None)
        if version and getattr(model, version) is None:
            setattr(model, version, 1)
        self.batch.save(model)

    def update(self, model, actions, condition=None, return_values=None, *, add_version_condition=True):
        model.update(actions=actions, condition=condition, add_version_condition=add_version_condition)

    def delete(self, model, condition=None, *, add_version_condition=True):
        self.batch.delete(model)

    def condition_check(self, *args, **kwargs):
        pass


@contextmanager
def buffered_writes() -> Iterator[None]:
    """Seeding only: moto copies every table on each TransactWriteItems, which makes seeding quadratic.

    The services and repositories run unchanged and write the same items; atomicity is given up, and items
    are stored when the block ends (so what a block creates can't be read back inside it).
    """
    from contacthub.store import repositories, tasks
    from contacthub.store.tables import ContactItem

    with ContactItem.batch_write() as batch:  # every item class lives in the CRM table: one batch takes all
        writes = _BufferedWrites(batch)

        def commit(operations) -> None:
            for operation in operations:
                operation(writes)

        saved = repositories.commit, tasks.commit
        repositories.commit = tasks.commit = commit
        try:
            yield
        finally:
            repositories.commit, tasks.commit = saved


def seed(services: Any, workspace_id: str, size: int, completed_tasks: bool = True) -> None:
    """`size` contacts, each in a pipeline state, with two tags, a location, an open task (and a completed one)."""
    states = services.pipeline.list(workspace_id)
    with buffered_writes():
        contacts = [services.contacts.create(workspace_id, {
            "name": f"Contact {i:03d}", "emails": [f"contact{i}@example.com"], "company": f"Company {i % 7}",
            "pipeline_state_id": states[i % len(states)].id, "tags": ["lead", f"batch-{i % 5}"],
            "location": {"id": f"office-{i % 3}", "title": f"Office {i % 3}"}}) for i in range(size)]
    with buffered_writes():  # tasks check that their contact exists: the contacts are stored by now
        for i, contact in enumerate(contacts):
            for completed in (False, True) if completed_tasks else (False,):
                services.tasks.create(workspace_id, {"contact_id": contact.id, "title": f"Follow up {i}",
                                                     "due_date": f"2030-01-{1 + i % 28:02d}T09:00:00Z",
                                                     "completed": completed})


def measure(post: Callable[[str, dict], Any], size: int) -> dict:
    """Run the list for `size` contacts; `post(query, variables)` returns the parsed GraphQL response."""
    with DynamoMeter() as meter:
        started = time.perf_counter()
        body = post(FRONTEND_QUERY, {"first": size})
        elapsed = time.perf_counter() - started
    assert "errors" not in body, body["errors"]
    edges = body["data"]["contacts"]["edges"]
    assert len(edges) == size and all(e["node"]["pipelineState"] and e["node"]["tasks"] for e in edges)
    return {"contacts": size, "calls": sum(meter.calls.values()), "by_operation": dict(sorted(meter.calls.items())),
            "items_read": meter.items_read, "scans": meter.scans, "ms_on_moto": round(elapsed * 1000)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50], help="page sizes (at most 100)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(_HERE.parent / "infra"))
    from contacthub_local.bootstrap import use_emulated_aws

    settings = use_emulated_aws()
    from moto import mock_aws

    from contacthub_local.bootstrap import create_tables
    from contacthub_local.server import invoke

    with mock_aws():
        create_tables(settings)
        from contacthub.wiring import services

        issued = services().workspaces.create_key("Bench", "Bench User", "bench@example.com")
        seed(services(), issued.workspace.id, max(args.sizes))

        def post(query: str, variables: dict) -> dict:
            reply = invoke("POST", "/graphql", {"Authorization": f"Bearer {issued.key}",
                                                "Content-Type": "application/json"},
                           json.dumps({"query": query, "variables": variables}))
            return json.loads(reply.body)

        post("{ __typename }", {})  # warm: import the handler, build the schema and clients
        print("GraphQL contact list (pipelineState, tags, location, open tasks) through the Lambda handler, on moto")
        print(f"{'contacts':>8}  {'calls':>5}  {'bound':>5}  {'items read':>10}  {'scans':>5}  calls by operation")
        for size in args.sizes:
            row = measure(post, size)
            bound = FIXED_CALLS + PER_CONTACT_CALLS * size
            ops = ", ".join(f"{op} {n}" for op, n in row["by_operation"].items())
            print(f"{size:>8}  {row['calls']:>5}  {bound:>5}  {row['items_read']:>10}  {row['scans']:>5}  {ops}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

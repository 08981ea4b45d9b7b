"""DynamoDB cost of a frontend's lists through GraphQL: calls and sequential waves per page size.

    .venv/bin/python bench/graphql.py [--sizes 10 50 100]

The contact list asks, for every contact, its pipeline state, tags (with counts), location (with count) and
open tasks (count and the next ones by due date); the task list asks every task's contact. Both run through
the real Lambda handler (routed by template.yaml) on moto; contacthub_local.meter counts DynamoDB calls,
items read (what DynamoDB bills), waves (dispatch rounds: the API key, the root field, each round of
DataLoader batches, whose batches run in parallel) and round trips (the longest chain of calls each waiting
for the previous one's answer, inside a round too). Counts, never times: tests/graphql/test_graphql_dataloaders.py
asserts the bounds below for every page size.
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

CONTACT_LIST = """
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
        openTasks { totalCount nodes { id title dueDate } }
      }
    }
  }
}
"""
# The list view ordered by name, as a frontend's table sorted by its name column: the same bound.
CONTACT_LIST_BY_NAME = CONTACT_LIST.replace("contacts(first: $first)", "contacts(first: $first, orderBy: NAME_ASC)")
TASK_LIST = """
query TaskList($first: Int!) {
  tasks(first: $first, filter: { completed: false }) {
    totalCount
    edges { node { id title dueDate contact { id name company } } }
  }
}
"""
# Whatever the page size. Contacts: the API key (GetItem); the page (the listing's Query, BatchGetItem and
# counter GetItem); then in one round, in parallel: pipeline states, tag and location catalogues (a Query
# each) and the open-task summaries (BatchGetItem). Tasks: the API key; the page (counter GetItem, Query of
# the entries, BatchGetItem of the tasks and of their contacts' keys); then the contacts (BatchGetItem).
MAX_CALLS = 8
MAX_WAVES = 3


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


def measure(post: Callable[[str, dict], Any], size: int, query: str = CONTACT_LIST) -> dict:
    """Run a list of `size` items; `post(query, variables)` returns the parsed GraphQL response."""
    from contacthub_graphql.concurrency import job

    with DynamoMeter(group=job) as meter:
        started = time.perf_counter()
        body = post(query, {"first": size})
        elapsed = time.perf_counter() - started
    assert "errors" not in body, body["errors"]
    edges = next(iter(body["data"].values()))["edges"]
    assert len(edges) == size, (size, len(edges))
    assert all(e["node"].get("pipelineState", True) and e["node"].get("contact", True)
               and (e["node"].get("openTasks") or {"nodes": [1]})["nodes"] for e in edges), "a relation is missing"
    return {"items": size, "calls": sum(meter.calls.values()), "waves": meter.waves,
            "round_trips": meter.round_trips, "by_operation": dict(sorted(meter.calls.items())),
            "by_wave": {w: dict(sorted(ops.items())) for w, ops in sorted(meter.by_wave.items())},
            "items_read": meter.items_read, "scans": meter.scans, "ms_on_moto": round(elapsed * 1000)}


def main(argv: list[str] | None = None) -> int:
    from contacthub.services.paging import MAX_PAGE_SIZE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, MAX_PAGE_SIZE],
                        help=f"page sizes (at most {MAX_PAGE_SIZE})")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(_HERE.parent / "infra"))
    from contacthub_local.bootstrap import use_emulated_aws

    settings = use_emulated_aws()
    from moto import mock_aws

    from contacthub_local import scalable_moto

    scalable_moto.install()
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
        print("GraphQL lists through the Lambda handler, on moto (bound: "
              f"{MAX_CALLS} calls in {MAX_WAVES} waves)")
        print(f"{'list':>8}  {'items':>5}  {'calls':>5}  {'waves':>5}  {'trips':>5}  {'items read':>10}  "
              f"{'scans':>5}  calls by wave")
        for name, query in (("contacts", CONTACT_LIST), ("by name", CONTACT_LIST_BY_NAME), ("tasks", TASK_LIST)):
            for size in args.sizes:
                row = measure(post, size, query)
                waves = " | ".join(", ".join(f"{op} {n}" for op, n in ops.items()) for ops in row["by_wave"].values())
                print(f"{name:>8}  {size:>5}  {row['calls']:>5}  {row['waves']:>5}  {row['round_trips']:>5}  "
                      f"{row['items_read']:>10}  {row['scans']:>5}  {waves}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

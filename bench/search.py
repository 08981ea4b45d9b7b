"""Listing and search cost against workspace size: DynamoDB items read per page at 1,000 and 20,000 contacts.

    .venv/bin/python bench/search.py [--sizes 1000 20000 100000]

Runs on moto (no account needed). What is measured is what DynamoDB bills reads for (see
contacthub_local.meter), not moto's wall time, which scans its own tables in Python. For each query type it
prints the items read by the first page and by a deep page (the 10th, reached with cursors), and separately
what the exact total costs; a page must cost about the same whatever the workspace size (within 1.2x), broad
searches included. Multi-term AND searches cost the matches of their most selective term, so an AND of two
broad terms grows with them, as does a free-text search ordered by time (shown, not held to the bound). Each
cell is items read / DynamoDB calls / read request units (contacthub_local.meter). Also printed: the items and
write request units of a create and of two updates.

Filling a workspace with ContactService.create one contact at a time is quadratic on moto (each
TransactWriteItems deep-copies every table), so `bulk_create` runs the real ContactService.create
(validation, names, numbering) against a buffering repository, then writes exactly the items the
repository's transaction would (`contact_to_item` + `contact_write_operations`) with BatchWriteItem,
folding the counter updates of the whole batch into one update per counter item.
tests/integration/test_search_scaling.py proves that the two ways produce identical items.
"""
from __future__ import annotations

import argparse
from functools import partial
import itertools
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from collections.abc import Iterable
from typing import Any, NamedTuple

from pynamodb.expressions.operand import Value
from pynamodb.expressions.update import AddAction

# Before any client exists: the meter joins the botocore sessions created after its import.
from contacthub_local.meter import DynamoMeter

# The three contacts every selective search must find, whatever else the workspace holds.
NEEDLES = [
    {"first_name": "Ada", "last_name": "Zyzzyva", "emails": ["needle.ada@zyzzyva.example"],
     "phones": ["+33 6 99 88 77 01"], "company": "Zyzzyva Labs", "tags": ["zyzzyva"]},
    {"first_name": "Bo", "last_name": "Zyzzyva", "emails": ["needle.bo@zyzzyva.example"],
     "phones": ["+33 6 99 88 77 02"], "company": "Zyzzyva Labs", "tags": ["zyzzyva"]},
    {"first_name": "Cy", "last_name": "Zyzzyva", "emails": ["needle.cy@zyzzyva.example"],
     "phones": ["+33 6 99 88 77 03"], "company": "Zyzzyva Labs", "tags": ["zyzzyva"]},
]
# label -> ContactQuery keyword arguments; each matches exactly the three needles.
SELECTIVE_SEARCHES = {
    "name prefix 'zyzz'": {"name": "zyzz"},
    "email prefix 'needle.'": {"email": "needle."},
    "phone digits '06 99 88 77'": {"phone": "06 99 88 77"},
}
# label -> (ContactQuery keyword arguments, newest_first): every type of listing, broad ones included.
PAGED = {
    "unfiltered, newest first": ({}, None),
    "unfiltered, oldest first": ({}, False),
    "broad name 'anna'": ({"name": "anna"}, None),
    "broad text 'anna' (whautomate)": ({"text": "anna"}, None),
    "facet status=pending (all)": ({"status": "pending"}, None),
    "facet status=pending, oldest first": ({"status": "pending"}, False),
    "tag + status (facet AND, selective)": ({"tags": ("zyzzyva",), "status": "pending"}, None),
    "broad domain 'example.com'": ({"email": "example.com"}, None),
    "phone suffix '7701'": ({"phone": "7701"}, None),
    "domain '@zyzzyva.example'": ({"email": "@zyzzyva.example"}, None),
    "AND 'zyzz' + 'labs'": ({"name": "zyzz", "company": "labs"}, None),
}
# Shown, not held to the bound: an AND of two broad terms reads its most selective term's matches, and a
# free-text search ordered by time reads all its matches' (keys-only) entries to order them.
GROWING = {"AND 'anna' + 'acme' (both broad)": ({"name": "anna", "company": "acme"}, None),
           "broad name 'anna', newest first": ({"name": "anna"}, True),
           "broad name 'anna', oldest first": ({"name": "anna"}, False)}
def criteria() -> dict[str, tuple[Any, Any, bool]]:
    """label -> (criterion, sort, descending): GraphQL's and / or / not filters and orderings, through
    ContactService.filter (built on call: the services are imported once the emulator is up)."""
    from contacthub.ports import ContactQuery, ContactSort, Negated, TimeSpan
    from contacthub.services.criteria import AllOf, AnyOf, NotOf

    everyone = AllOf(())
    return {
        "by name A-Z (graphql)": (everyone, ContactSort.NAME, False),
        "by change, latest first (graphql)": (everyone, ContactSort.UPDATED, True),
        "created since 2000, by creation": (TimeSpan("created", since=datetime(2000, 1, 1, tzinfo=timezone.utc)),
                                            ContactSort.CREATED, True),
        "not status=lost, by name": (NotOf(ContactQuery(status="lost")), ContactSort.NAME, False),
        "OR name 'zyzz' | email 'needle.'": (AnyOf((ContactQuery(name="zyzz"), ContactQuery(email="needle."))),
                                             ContactSort.CREATED, True),
        "tag zyzzyva, by name": (ContactQuery(tags=("zyzzyva",)), ContactSort.NAME, False),
        "status=pending AND NOT 'needle.'": (
            AllOf((ContactQuery(status="pending"), Negated(ContactQuery(email="needle.")))), ContactSort.CREATED, True),
        # grows: ordered by name or change, a filter reads every match of its most selective term
        "broad name 'anna', by name": (ContactQuery(name="anna"), ContactSort.NAME, False),
    }


GROWING_CRITERIA = {"broad name 'anna', by name"}
PAGE_SIZE, DEEP_PAGE = 30, 10
FIRST = ["Anna", "Louis", "Marie", "Jean", "Sofia", "Lucas", "Emma", "Hugo", "Léa", "Noah", "Chloé", "Adam"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", None]


def synthetic_fields(count: int, seed: int = 7, offset: int = 0) -> list[dict[str, Any]]:
    """Plausible contacts (names, email, a French mobile that never starts 06 99, company)."""
    rng = random.Random(seed + offset)
    contacts = []
    for i in range(offset, offset + count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        fields: dict[str, Any] = {"first_name": first, "last_name": last,
                                  "emails": [f"{last.lower()}.{i}@example.com"],
                                  "phones": [(f"+33 6 {rng.randint(10, 98)} {rng.randint(10, 99)} {i % 100:02d} "
                                             f"{rng.randint(10, 99)}")]}
        company = rng.choice(COMPANIES)
        if company:
            fields["company"] = company
        contacts.append(fields)
    return contacts


# ---------------------------------------------------------------------------------- bulk loading
class _BufferedContacts:
    """The repository ContactService.create needs, buffering contacts instead of writing each one."""

    def __init__(self, numbers: Iterable[int]):
        self._numbers = iter(numbers)
        self.pending = []

    def allocate_number(self, workspace_id: str) -> int:
        return next(self._numbers)

    def add(self, contact, also=()):
        assert not also, "a bulk create carries no extra operations"
        self.pending.append(contact)
        return contact


class _RecordedTransaction:
    """Stands in for pynamodb's TransactWrite: records what a contact's transaction would write."""

    def __init__(self):
        self.puts: list = []
        self.updates: list = []
        self.deletes: list = []

    def save(self, model, condition=None, return_values=None) -> None:
        if model._version_attribute_name and getattr(model, model._version_attribute_name) is None:
            model.update_local_version_attribute()  # a new item is written with version 1, as TransactWrite does
        self.puts.append(model)

    def update(self, model, actions, condition=None, return_values=None, add_version_condition=True) -> None:
        self.updates.append((model, list(actions)))

    def delete(self, model, condition=None, add_version_condition=True) -> None:
        self.deletes.append(model)


def _folded_updates(updates: list) -> list:
    """One update per item: ADDs to the same attribute summed, SETs keep the last value (as in sequence)."""
    folded: dict[tuple, tuple[Any, dict[str, Any]]] = {}
    for model, actions in updates:
        _, by_path = folded.setdefault((type(model), model.pk, model.sk), (model, {}))
        for action in actions:
            path = repr(action.values[0])
            previous = by_path.get(path)
            if isinstance(action, AddAction) and isinstance(previous, AddAction):
                total = int(previous.values[1].value["N"]) + int(action.values[1].value["N"])
                action = AddAction(action.values[0], Value(total))
            by_path[path] = action
    return [(model, list(by_path.values())) for model, by_path in folded.values()]


def _reserve_numbers(workspace_id: str, count: int) -> range:
    """What `count` calls of ContactRepository.allocate_number return, in one atomic UpdateItem."""
    from contacthub.store.repositories import WORKSPACE_SK
    from contacthub.store.tables import WorkspaceItem, workspace_pk

    item = WorkspaceItem(workspace_pk(workspace_id), WORKSPACE_SK)
    item.update(actions=[WorkspaceItem.nextContactNumber.add(count)], condition=WorkspaceItem.pk.exists())
    last = int(item.nextContactNumber)
    return range(last - count + 1, last + 1)


def bulk_create(workspace_id: str, fields: Iterable[dict[str, Any]], start: datetime | None = None) -> list:
    """Create contacts as ContactService.create would, written with BatchWriteItem (not transactional).

    Contacts are created 1 ms apart from `start`, so newest-first listings follow the input order.
    """
    from contacthub.services.contacts import ContactService
    from contacthub.store.mappers import contact_to_item
    from contacthub.store.repositories import PipelineRepository, contact_write_operations
    from contacthub.store.tables import ContactItem

    fields = list(fields)
    start = start or datetime.now(timezone.utc)
    ticks = itertools.count()
    buffer = _BufferedContacts(_reserve_numbers(workspace_id, len(fields)))
    service = ContactService(buffer, PipelineRepository(),
                             clock=lambda: start + timedelta(milliseconds=next(ticks)))
    for values in fields:
        service.create(workspace_id, values)

    transaction = _RecordedTransaction()
    for contact in buffer.pending:
        transaction.save(contact_to_item(contact))
        for operation in contact_write_operations(None, contact):
            operation(transaction)
    assert not transaction.deletes, "creating contacts never deletes"
    with ContactItem.batch_write() as batch:  # every item class shares the table, so one batch takes them all
        for item in transaction.puts:
            batch.save(item)
    for model, actions in _folded_updates(transaction.updates):
        model.update(actions=actions)
    return [contact.with_changes(version=1) for contact in buffer.pending]


# ---------------------------------------------------------------------------------- the bench
class Cost(NamedTuple):  # a NamedTuple: the tests load this file without registering it as a module
    """What one call of the service read: items, DynamoDB calls, read request units."""

    items: int = 0
    calls: int = 0
    units: int = 0

    @classmethod
    def of(cls, meter: DynamoMeter) -> Cost:
        return cls(meter.items_read, sum(meter.calls.values()), meter.read_units)

    def less(self, other: Cost) -> Cost:
        return Cost(self.items - other.items, self.calls - other.calls, self.units - other.units)


class Row(NamedTuple):
    first: Cost  # the first page
    deep: Cost  # the DEEP_PAGE-th page, reached with cursors
    total: Cost  # what asking for the exact total adds to the first page
    matches: int


def measure(services, workspace_id: str) -> dict[str, Row]:
    from contacthub.ports import ContactQuery

    results = {}
    for label, query in SELECTIVE_SEARCHES.items():
        with DynamoMeter() as meter:
            page = services.contacts.search(workspace_id, ContactQuery(**query), 0, PAGE_SIZE, with_total=True)
        results[label] = Row(Cost.of(meter), Cost(), Cost(), page.total or 0)
    pages: dict[str, Any] = {}  # label -> page(cursor=, with_total=)
    for label, (query, newest_first) in {**PAGED, **GROWING}.items():
        pages[label] = partial(services.contacts.search, workspace_id, ContactQuery(**query), 0, PAGE_SIZE,
                               newest_first=newest_first)
    for label, (criterion, sort, descending) in criteria().items():
        pages[label] = partial(services.contacts.filter, workspace_id, criterion, sort, descending, PAGE_SIZE)
    for label, page in pages.items():
        with DynamoMeter() as first:
            found = page()
        cursor = found.next
        for _ in range(DEEP_PAGE - 2):
            cursor = page(cursor=cursor).next if cursor else None
        with DynamoMeter() as deep:
            page(cursor=cursor) if cursor else None
        with DynamoMeter() as counted:
            total = page(with_total=True).total
        results[label] = Row(Cost.of(first), Cost.of(deep) if cursor else Cost(),
                             Cost.of(counted).less(Cost.of(first)), total or 0)
    return results


def print_size(size: int, rows: dict[str, Row]) -> None:
    print(f"\n{size} contacts: per page of {PAGE_SIZE}, items read / calls / read units (strongly consistent)")
    header = f"{'query':<40}{'first page':>18}{'page ' + str(DEEP_PAGE):>18}{'+ exact total':>22}{'matches':>9}"
    print(header)
    print("-" * len(header))
    for label, row in rows.items():
        cells = "".join(f" {f'{c.items} / {c.calls} / {c.units}':>{w - 1}}"
                        for c, w in ((row.first, 18), (row.deep, 18), (row.total, 22)))
        print(f"{label:<40}{cells}{row.matches:>9}", flush=True)


def _typical_contact(**changes: Any):
    from contacthub.domain.contact import Contact, Phone, Status

    now = datetime.now(timezone.utc)
    contact = Contact(workspace_id="ws", id="c", number=1, name="Marie Dubois", first_name="Marie",
                      last_name="Dubois", emails=("marie@acme.example",), phones=(Phone("+33 6 12 34 56 78", None),),
                      company="Acme Corp", status=Status.PENDING, created_at=now, updated_at=now)
    return contact.with_changes(**changes) if changes else contact


WRITE_UNIT_BYTES = 1024
COUNTER_ITEM_BYTES = 200  # a counter item (workspace, tag, location, state) is far below 1 KB


def write_cost(old, new) -> tuple[int, int]:
    """(items written, write request units billed) by the transaction(s) of one contact write: DynamoDB bills a
    transactional write 2 units per started KB of each item; updated counter items are small."""
    from contacthub.store.mappers import contact_to_item
    from contacthub.store.repositories import contact_transactions
    from contacthub_local.meter import item_size

    recorded = _RecordedTransaction()
    contact_item = contact_to_item(new)
    operations = [op for t in contact_transactions(old, new, [lambda t: t.save(contact_item)]) for op in t]
    for operation in operations:
        operation(recorded)
    sizes = [item_size(m.serialize() | {"pk": {"S": m.pk}, "sk": {"S": m.sk}}) for m in recorded.puts]
    units = sum(2 * -(-size // WRITE_UNIT_BYTES) for size in sizes)
    units += 2 * (len(recorded.updates) + len(recorded.deletes)) * -(-COUNTER_ITEM_BYTES // WRITE_UNIT_BYTES)
    return len(operations), units


def write_costs() -> dict[str, tuple[int, int]]:
    """label -> (items written, write units) for a typical create and two typical updates (each moves the
    contact's change time, as ContactService does, hence its ``ORD#updated`` entry)."""
    created = _typical_contact()
    later = (created.updated_at or created.created_at) + timedelta(seconds=1)
    return {
        "create": write_cost(None, created),
        "update: notes only": write_cost(created, created.with_changes(notes="Met at the fair", updated_at=later)),
        "update: status and a tag": write_cost(
            created, created.with_changes(status=type(created.status)("contacted"), tags=("VIP",), updated_at=later)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)

    from contacthub_local.bootstrap import use_emulated_aws

    settings = use_emulated_aws()
    from moto import mock_aws

    from contacthub_local import scalable_moto, scalable_moto_dispatch

    scalable_moto.install()
    scalable_moto_dispatch.install()  # as `contacthub serve` answers DynamoDB: the meter still sees every call
    with mock_aws():
        from contacthub.wiring import services as build
        from contacthub_local.bootstrap import create_tables

        create_tables(settings)
        services = build()
        workspace = services.workspaces.create_key("Bench", "Bench User", "bench@example.com").workspace
        bulk_create(workspace.id, NEEDLES)
        filled, rows = len(NEEDLES), {}
        for size in sizes:
            began = time.perf_counter()
            extra = size - filled
            for chunk in range(0, extra, 5000):
                bulk_create(workspace.id, synthetic_fields(min(5000, extra - chunk), offset=filled + chunk))
            filled = size
            print(f"filled {size:>6} contacts in {time.perf_counter() - began:5.1f}s", file=sys.stderr)
            rows[size] = measure(services, workspace.id)
            print_size(size, rows[size])

    # The bound holds between the two smallest sizes asked for (1,000 and 20,000 by default); larger sizes
    # are printed for the model in docs/scaling.md.
    first, second = sizes[0], sizes[min(1, len(sizes) - 1)]
    print(f"\nitems read per page, {second} contacts against {first} (first page, page {DEEP_PAGE})")
    stable = True
    for label in rows[first]:
        small, large = rows[first][label], rows[second][label]
        worst = max(large.first.items / max(small.first.items, 1),
                    large.deep.items / small.deep.items if small.deep.items else 0)
        grows = label in GROWING or label in GROWING_CRITERIA
        stable &= grows or worst <= 1.2
        print(f"{label:<40}{worst:>7.2f}{'  (grows with its matches)' if grows else ''}")
    print()
    for label, (items, units) in write_costs().items():
        print(f"{label}: {items} items written, {units} write request units (transactional)")
    print(f"every page costs within 1.2x between {first} and {second} contacts" if stable
          else "PAGE COST GREW WITH SIZE")
    return 0 if stable else 1


if __name__ == "__main__":
    sys.path[:0] = [os.path.join(os.path.dirname(__file__), "..", d) for d in ("functions", "infra")]
    raise SystemExit(main())

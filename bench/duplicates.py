"""Duplicate detection cost against workspace size: what checking one contact reads at 1,000 and 20,000 contacts.

    .venv/bin/python bench/duplicates.py [--sizes 1000 20000]

Runs on moto like bench/search.py (whose synthetic contacts and bulk loading it uses: names from a small list,
so a company holds many contacts sharing name prefixes, the adversarial case for the blocking entries). Each
cell is items read / DynamoDB calls / read request units (contacthub_local.meter), the worst over the contacts
checked; then a page of the workspace walk per contact examined; then the write cost of a create with and
without its blocking entries. Checking a contact must cost the same whatever the workspace size (within 1.2x).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from typing import Any

# Before any client exists: the meter joins the botocore sessions created after its import.
from contacthub_local.meter import DynamoMeter

CHECKED = 20  # contacts checked per size (random ones, and the needles)


def _cost(meter: DynamoMeter) -> tuple[int, int, int]:
    return meter.items_read, sum(meter.calls.values()), meter.read_units


def measure(services: Any, workspace_id: str, contacts: list, rng: random.Random) -> dict[str, Any]:
    duplicates = services.duplicates
    worst = (0, 0, 0)
    found = 0
    for contact in rng.sample(contacts, min(CHECKED, len(contacts))):
        with DynamoMeter() as meter:
            group = duplicates.for_contact(workspace_id, contact)
        assert meter.scans == 0
        worst = max(worst, _cost(meter))
        found += len(group.duplicates) if group else 0
    with DynamoMeter() as meter:
        page = duplicates.page(workspace_id, 20)
    walk = _cost(meter)
    return {"check": worst, "found": found / CHECKED, "walk": walk, "examined": page.examined,
            "groups": len(page.groups)}


def create_costs() -> dict[str, tuple[int, int]]:
    """(items written, write units) of bench/search.py's typical create, with and without blocking entries."""
    from unittest import mock

    from search import _typical_contact, write_cost  # type: ignore[import-not-found]

    created = _typical_contact()
    with mock.patch("contacthub.store.search_index.blocking_keys", lambda contact: []):
        without = write_cost(None, created)
    return {"create": write_cost(None, created), "create without blocking entries": without}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)

    from contacthub_local.bootstrap import use_emulated_aws

    settings = use_emulated_aws()
    from moto import mock_aws

    from contacthub_local import scalable_moto, scalable_moto_dispatch
    from search import NEEDLES, bulk_create, synthetic_fields  # type: ignore[import-not-found]

    scalable_moto.install()
    scalable_moto_dispatch.install()
    rng = random.Random(11)
    rows = {}
    with mock_aws():
        from contacthub.wiring import services as build
        from contacthub_local.bootstrap import create_tables

        create_tables(settings)
        services = build()
        workspace = services.workspaces.create_key("Bench", "Bench User", "bench@example.com").workspace
        contacts = bulk_create(workspace.id, NEEDLES)
        for size in sizes:
            began = time.perf_counter()
            extra = size - len(contacts)
            for chunk in range(0, extra, 5000):
                contacts += bulk_create(workspace.id, synthetic_fields(min(5000, extra - chunk),
                                                                       offset=len(contacts)))
            print(f"filled {size:>6} contacts in {time.perf_counter() - began:5.1f}s", file=sys.stderr)
            rows[size] = measure(services, workspace.id, contacts, rng)

    print("\nper contact checked (worst of %d): items read / calls / read units; likely duplicates found (mean)"
          % CHECKED)
    for size, row in rows.items():
        items, calls, units = row["check"]
        print(f"{size:>7} contacts: {items} / {calls} / {units}; {row['found']:.1f} found")
    print("\na page of the walk (limit 20): items / calls / read units, contacts examined, groups")
    for size, row in rows.items():
        items, calls, units = row["walk"]
        examined = max(row["examined"], 1)
        print(f"{size:>7} contacts: {items} / {calls} / {units}; {row['examined']} examined, {row['groups']} groups"
              f" ({items / examined:.0f} items, {calls / examined:.1f} calls per contact examined)")
    print()
    for label, (items, units) in create_costs().items():
        print(f"{label}: {items} items written, {units} write request units (transactional)")
    first, second = rows[sizes[0]]["check"][0], rows[sizes[-1]]["check"][0]
    stable = second <= 1.2 * max(first, 1)
    print(f"checking a contact costs within 1.2x between {sizes[0]} and {sizes[-1]} contacts" if stable
          else "CHECK COST GREW WITH SIZE")
    return 0 if stable else 1


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [here] + [os.path.join(here, "..", d) for d in ("functions", "infra")]
    raise SystemExit(main())

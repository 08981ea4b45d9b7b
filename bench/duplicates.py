"""Duplicate detection cost against workspace size: what checking one contact reads at 1,000 and 20,000 contacts.

    .venv/bin/python bench/duplicates.py [--sizes 1000 5000 20000]

Runs on moto like bench/search.py (whose synthetic contacts and bulk loading it uses: names from a small list,
so a company holds many contacts sharing name prefixes, the adversarial case for the blocking entries). Each
cell is items read / DynamoDB calls / read request units (contacthub_local.meter), the worst over the contacts
checked; then a page of the workspace walk per contact examined; then the write cost of a create with and
without its blocking entries. A check must read at most its bound at every size (its emails and phones times
PER_KEY, its blocking keys times PER_BLOCK, one BatchGet of MAX_CANDIDATES), which does not depend on the
workspace: the cost grows while the blocks it reads fill up, then stays flat.
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


def bound(contact: Any) -> tuple[int, int]:
    """The most a check of this contact may read, whatever the workspace: (items, calls)."""
    from contacthub.store import duplicates as store

    exact, blocks = len(store.exact_families(contact)), len(store.block_families(contact))
    return exact * store.PER_KEY + blocks * store.PER_BLOCK + store.MAX_CANDIDATES, exact + blocks + 1


def measure(services: Any, workspace_id: str, contacts: list, rng: random.Random) -> dict[str, Any]:
    duplicates = services.duplicates
    worst = (0, 0, 0)
    found = 0
    within = True
    for contact in rng.sample(contacts, min(CHECKED, len(contacts))):
        with DynamoMeter() as meter:
            group = duplicates.for_contact(workspace_id, contact)
        assert meter.scans == 0
        items, calls = bound(contact)
        within &= meter.items_read <= items and sum(meter.calls.values()) <= calls
        worst = max(worst, _cost(meter))
        found += len(group.duplicates) if group else 0
    with DynamoMeter() as meter:
        page = duplicates.page(workspace_id, 20)
    walk = _cost(meter)
    return {"check": worst, "found": found / CHECKED, "walk": walk, "examined": page.examined,
            "groups": len(page.groups), "within": within}


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
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
    # A check reads at most its bound (its keys times their entry limits, plus one BatchGet), at every size; once
    # the blocks a contact shares are full (a few thousand contacts here), it reads the same at every size.
    within = all(row["within"] for row in rows.values())
    if len(sizes) > 1:
        before, last = rows[sizes[-2]]["check"][0], rows[sizes[-1]]["check"][0]
        print(f"items read per check, {sizes[-1]} contacts against {sizes[-2]}: {last / max(before, 1):.2f}")
    print("every check read within its bound (keys x entry limits + one BatchGet)" if within
          else "A CHECK READ MORE THAN ITS BOUND")
    return 0 if within else 1


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [here] + [os.path.join(here, "..", d) for d in ("functions", "infra")]
    raise SystemExit(main())

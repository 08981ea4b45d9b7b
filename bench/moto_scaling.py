"""moto's cost per call with and without contacthub_local.scalable_moto, as one partition key grows.

    .venv/bin/python bench/moto_scaling.py [--items 1000 10000 100000] [--contacts 1000 10000]

Prints, for moto as released ("before") and patched ("after"): the wall time of one TransactWriteItems
(5 puts) and of one begins_with Query reading 10 items, at each number of items stored in the queried
partition key; then contacts created per second through the real ContactService at each workspace size
(a contact is about fifteen items in the workspace's partition). Wall time on this machine: compare the
columns, not the absolute figures.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(_HERE, "..", d) for d in ("functions", "infra")] + [_HERE]


def _timed(call: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _mode(patched: bool) -> None:
    from contacthub_local import scalable_moto

    (scalable_moto.install if patched else scalable_moto.uninstall)()


def _fill_partition(table_name: str, start: int, stop: int) -> None:
    """Items start..stop under one partition key, straight into moto's table (the API would dominate the fill)."""
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends["123456789012"]["us-east-1"].get_table(table_name)
    for i in range(start, stop):
        table.put_item({"pk": {"S": "WS#bench"}, "sk": {"S": f"IDX#name#{i:07d}"},
                        "contact": {"S": f"c{i}"}, "n": {"N": str(i)}})


def measure_calls(sizes: list[int], patched: bool) -> dict[int, tuple[float, float]]:
    """items in the partition -> (seconds per transaction, seconds per begins_with query)."""
    import boto3
    from moto import mock_aws

    _mode(patched)
    rows = {}
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                       {"AttributeName": "sk", "KeyType": "RANGE"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                  {"AttributeName": "sk", "AttributeType": "S"}])
        stored, serial = 0, iter(range(10**9))
        for size in sizes:
            _fill_partition("bench", stored, size)
            stored = size

            def transaction():
                n = next(serial)
                client.transact_write_items(TransactItems=[
                    {"Put": {"TableName": "bench", "Item": {"pk": {"S": "WS#bench"}, "sk": {"S": f"TX#{n}#{k}"}},
                             "ConditionExpression": "attribute_not_exists(pk)"}} for k in range(5)])

            def query():
                page = client.query(TableName="bench", KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                                    ExpressionAttributeValues={":p": {"S": "WS#bench"}, ":s": {"S": "IDX#name#00005"}},
                                    Limit=10, ConsistentRead=True)
                assert page["Count"] == 10

            repeat = 9 if patched else (3 if size < 50_000 else 1)
            rows[size] = (_timed(transaction, repeat), _timed(query, repeat))
            print(f"  {'after' if patched else 'before'}: {size} items measured", file=sys.stderr)
    return rows


def measure_creates(sizes: list[int], patched: bool) -> dict[int, float]:
    """contacts stored -> contacts created per second, one ContactService.create at a time."""
    from moto import mock_aws

    from search import bulk_create, synthetic_fields

    _mode(patched)
    rows = {}
    with mock_aws():
        from contacthub.wiring import services as build
        from contacthub_local.bootstrap import create_tables

        build.cache_clear()
        create_tables()
        services = build()
        workspace = services.workspaces.create_key("Bench", "Bench User", "bench@example.com").workspace
        stored = 0
        for size in sizes:
            for chunk in range(stored, size, 5000):
                bulk_create(workspace.id, synthetic_fields(min(5000, size - chunk), offset=chunk))
            stored = size
            fields = iter(synthetic_fields(1000, seed=99, offset=10**6))
            count = 50 if patched else (5 if size < 5000 else 1)
            began = time.perf_counter()
            for _ in range(count):
                services.contacts.create(workspace.id, next(fields))
            stored += count
            rows[size] = count / (time.perf_counter() - began)
            print(f"  {'after' if patched else 'before'}: creates at {size} contacts measured", file=sys.stderr)
        build.cache_clear()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--contacts", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args(argv)
    from contacthub_local.bootstrap import use_emulated_aws

    use_emulated_aws()
    items, contacts = sorted(args.items), sorted(args.contacts)
    calls = {patched: measure_calls(items, patched) for patched in (False, True)}
    creates = {patched: measure_creates(contacts, patched) for patched in (False, True)}

    print(f"{'items in the partition':>24}{'transaction before':>20}{'after':>10}{'query before':>14}{'after':>10}")
    for size in items:
        (tx0, q0), (tx1, q1) = calls[False][size], calls[True][size]
        print(f"{size:>24}{tx0 * 1000:>17.1f} ms{tx1 * 1000:>7.1f} ms{q0 * 1000:>11.1f} ms{q1 * 1000:>7.1f} ms")
    print(f"\n{'contacts stored':>24}{'creates/s before':>20}{'after':>10}")
    for size in contacts:
        print(f"{size:>24}{creates[False][size]:>20.3g}{creates[True][size]:>10.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

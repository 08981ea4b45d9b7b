"""Cold-start cost of each Lambda handler in template.yaml, next to the floor every function pays anyway.

Each sample is a fresh interpreter (like a new Lambda container) that times importing the handler module
plus the first ``contacthub.wiring.services()`` call (what the first request pays before its own work).
The floor is ``import boto3`` plus one DynamoDB client. Prints medians and peak RSS; asserts nothing.

    .venv/bin/python bench/coldstart.py [--runs 7]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT / "infra"))

# Runs in the child: time the import (and first wiring), report ms and peak RSS as one JSON line.
_CHILD = r"""
import json, resource, sys, time
started = time.perf_counter()
module, code_paths = sys.argv[1], sys.argv[2:]
sys.path[:0] = code_paths
if module == "<floor>":
    import boto3
    boto3.client("dynamodb")
else:
    import importlib
    importlib.import_module(module)
    if "contacthub.wiring" in sys.modules:
        sys.modules["contacthub.wiring"].services()
elapsed = (time.perf_counter() - started) * 1000
print(json.dumps({"ms": elapsed, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# What a deployed function sees, minus AWS: nothing here may reach the network.
_ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1", "CRM_TABLE": "bench-crm", "DIRECTORY_TABLE": "bench-directory",
        "POWERTOOLS_SERVICE_NAME": "contacthub", "POWERTOOLS_LOG_LEVEL": "INFO", "POWERTOOLS_TRACE_DISABLED": "true",
        "PYTHONDONTWRITEBYTECODE": "1"}


def handler_modules() -> dict[str, list[str]]:
    """Handler module -> absolute code paths (function code first, then layers), deduplicated."""
    from contacthub_local.template import routes  # from infra/, put on the path above

    modules: dict[str, list[str]] = {}
    for route in routes():
        module = route.handler.rpartition(".")[0]
        modules.setdefault(module, [str((PROJECT_ROOT / uri).resolve()) for uri in route.code_uris if uri])
    return modules


def sample(module: str, code_paths: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))} | _ENV
    result = subprocess.run([sys.executable, "-c", _CHILD, module, *code_paths], check=False, capture_output=True, text=True,
                            env=env, cwd=code_paths[0] if code_paths else PROJECT_ROOT, timeout=60)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["failed"])[-1]
        raise RuntimeError(last)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(module: str, code_paths: list[str], runs: int) -> tuple[float, int]:
    """(median ms, max peak RSS in KB) over ``runs`` fresh processes."""
    samples = [sample(module, code_paths) for _ in range(runs)]
    return statistics.median(s["ms"] for s in samples), max(s["rss_kb"] for s in samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per module (default 7)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    functions_root = str(PROJECT_ROOT / "functions")
    floor_ms, floor_rss = measure("<floor>", [functions_root], args.runs)
    rows, skipped = [], []
    for module, code_paths in handler_modules().items():
        try:
            ms, rss = measure(module, code_paths, args.runs)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            skipped.append((module, str(error)))
            continue
        rows.append((module, ms, rss))
    width = max([len(m) for m, *_ in rows] + [len("floor: boto3 + DynamoDB client"), len("module")])
    print(f"cold start: median of {args.runs} fresh processes (python {sys.version.split()[0]}; "
          "Lambda runs python3.12)")
    print(f"{'module':<{width}}  {'median ms':>9}  {'floor ms':>8}  {'ratio':>5}  {'peak RSS MB':>11}")
    print(f"{'floor: boto3 + DynamoDB client':<{width}}  {floor_ms:>9.1f}  {floor_ms:>8.1f}  {1:>5.2f}  "
          f"{floor_rss / 1024:>11.1f}")
    for module, ms, rss in rows:
        print(f"{module:<{width}}  {ms:>9.1f}  {floor_ms:>8.1f}  {ms / floor_ms:>5.2f}  {rss / 1024:>11.1f}")
    for module, reason in skipped:
        print(f"skipped {module}: does not import ({reason})")
    print(f"({time.perf_counter() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

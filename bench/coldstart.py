"""What the first caller of a new Lambda container waits for, next to the floor every function pays anyway.

Each sample is a fresh interpreter (like a new container) that imports a handler of template.yaml and answers
one real request with it: the API key lookup, the workspace rate limit and a read, against a DynamoDB endpoint
in another process (a moto server on 127.0.0.1). The floor is a fresh interpreter that imports boto3, makes a
DynamoDB client and does one GetItem against the same endpoint; with GraphQL measured, a second row adds the
imports of strawberry, mangum and starlette to it (the libraries' own share of GraphQL's figure). Times are
taken inside the interpreter (its own start-up is the same for both), medians of several runs, printed as a
ratio to the floor; asserts nothing.
Samples interleave (floor, each handler, floor...) so a busy machine slows both sides of a ratio alike; the CPU
columns (the process's own CPU time, not the server's) show the same ratio without the waiting for a core.

    nice .venv/bin/python bench/coldstart.py [--runs 7] [--only letsligo,graphql] [--snapstart] [--without-bytecode]

``--importtime DIR`` also writes ``python -X importtime`` output of one run per handler to DIR; ``--profile DIR``
writes a cProfile of one run's first request (after the import) per handler, as text sorted by cumulative time.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_ROOT / "infra"), str(PROJECT_ROOT / "functions")]

# Runs in the child: time the import and the first request, report them and peak RSS as one JSON line.
_CHILD = r"""
import json, os, sys, time
started, cpu_started = time.perf_counter(), time.process_time()
module, request = sys.argv[1], json.loads(sys.argv[2])
sys.path[:0] = sys.argv[3:]
if module.startswith("<floor"):
    import boto3
    if module == "<floor+graphql>":  # what the GraphQL function's libraries alone add to the floor
        import mangum, starlette.requests, strawberry
    imported = time.perf_counter()
    boto3.client("dynamodb").get_item(TableName=os.environ["DIRECTORY_TABLE"], Key=request)
    status = 200
else:
    import importlib
    if os.environ.get("BENCH_NO_BYTECODE"):  # artefacts without .pyc: all but the runtime's boto3 compile
        import tempfile, botocore.session
        sys.pycache_prefix = tempfile.mkdtemp()
    handler = importlib.import_module(module).lambda_handler
    imported = time.perf_counter()
    if os.environ.get("BENCH_RESTORED"):  # SnapStart: init and priming happen before the snapshot, not here
        from contacthub import snapstart
        snapstart.run_before_snapshot()
        started = imported = time.perf_counter()
        cpu_started = time.process_time()
        snapstart.run_after_restore()

    class Context:
        function_name, memory_limit_in_mb, function_version = "bench", 512, "$LATEST"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
        aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"

    if os.environ.get("BENCH_PROFILE"):
        import cProfile, pstats
        profiler = cProfile.Profile()
        status = profiler.runcall(handler, request, Context())["statusCode"]
        with open(os.environ["BENCH_PROFILE"], "w") as out:
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
    else:
        status = handler(request, Context())["statusCode"]
done, cpu_done = time.perf_counter(), time.process_time()
# ru_maxrss survives exec (it would report the parent's peak): the peak of this process's own memory instead.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"ms": (done - started) * 1000, "import_ms": (imported - started) * 1000, "status": status,
                  "cpu_ms": (cpu_done - cpu_started) * 1000, "rss_kb": peak_kb}))
"""

# The first request of each handler: one read that needs the API key (dialect -> template event name).
FIRST_REQUESTS = {"letsligo": "GetContact", "skarbe": "GetContact", "whautomate": "GetContact",
                  "hub": "ListWebhooks", "graphql": "GraphqlPost"}
GRAPHQL_QUERY = "query FirstRead($id: ID!) { contact(id: $id) { id name emails } }"
# What template.yaml gives a deployed function (tracing aside: there is no X-Ray daemon here).
_ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1", "CRM_TABLE": "bench-crm", "DIRECTORY_TABLE": "bench-directory",
        "IDEMPOTENCY_TABLE": "bench-idempotency", "WORKSPACE_RATE_LIMIT": "25",
        "POWERTOOLS_SERVICE_NAME": "contacthub", "POWERTOOLS_LOG_LEVEL": "INFO",
        "POWERTOOLS_METRICS_NAMESPACE": "contacthub", "POWERTOOLS_TRACE_DISABLED": "true",
        "PYDANTIC_DISABLE_PLUGINS": "__all__", "PYTHONDONTWRITEBYTECODE": "1"}


def start_dynamodb() -> tuple[object, str]:
    """A moto server in its own thread of this process: the children reach it over HTTP like a real endpoint."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def seed(endpoint: str) -> tuple[str, dict, dict[str, str]]:
    """Tables from the template, one workspace with a key and a contact; (key, a directory item key, ids)."""
    import boto3

    os.environ.update(_ENV | {"AWS_ENDPOINT_URL_DYNAMODB": endpoint})
    from contacthub.settings import Settings
    from contacthub.wiring import services, use_settings
    from contacthub_local.bootstrap import create_tables

    config = Settings(crm_table=_ENV["CRM_TABLE"], directory_table=_ENV["DIRECTORY_TABLE"],
                      idempotency_table=_ENV["IDEMPOTENCY_TABLE"], dynamodb_endpoint=endpoint)
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint)
    create_tables(config, client)
    use_settings(config)
    issued = services().workspaces.create_key("Bench workspace", "Bench User", "bench@example.com")
    contact = services().contacts.create(issued.principal.workspace_id,
                                         {"name": "Marie Dubois", "emails": ["marie.dubois@example.com"]})
    item = client.scan(TableName=config.directory_table, Limit=1)["Items"][0]
    schema = client.describe_table(TableName=config.directory_table)["Table"]["KeySchema"]
    return issued.key, {k["AttributeName"]: item[k["AttributeName"]] for k in schema}, {"id": contact.id, "number": str(contact.number)}


def first_request(dialect: str, key: str, ids: dict[str, str]) -> dict:
    """The template's sample event of the dialect's first read, with a key and ids that exist."""
    from contacthub_local import sample_events as samples
    from contacthub_local.template import routes

    route = next(r for r in routes() if samples.dialect_of(r) == dialect and r.event == FIRST_REQUESTS[dialect])
    event = samples.with_key(samples.sample_event(route), key)
    if event.get("pathParameters"):
        value = ids["number"] if dialect == "skarbe" else ids["id"]
        event["pathParameters"] = {name: value for name in event["pathParameters"]}
        event["path"] = route.path.format(**event["pathParameters"])
    if dialect == "graphql":
        event["body"] = json.dumps({"query": GRAPHQL_QUERY, "variables": {"id": ids["id"]}})
    return event


def handler_modules() -> dict[str, tuple[str, list[str]]]:
    """Dialect -> (handler module, absolute code paths: function code first, then layers)."""
    from contacthub_local import sample_events as samples
    from contacthub_local.template import routes

    modules: dict[str, tuple[str, list[str]]] = {}
    for route in routes():
        dialect = samples.dialect_of(route)
        if dialect in FIRST_REQUESTS and dialect not in modules:
            modules[dialect] = (route.handler.rpartition(".")[0],
                                [str((PROJECT_ROOT / uri).resolve()) for uri in route.code_uris if uri])
    return modules


def sample(module: str, request: dict, code_paths: list[str], endpoint: str, importtime: Path | None = None,
           restored: bool = False, bytecode: bool = True, profile: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    env |= _ENV | {"AWS_ENDPOINT_URL_DYNAMODB": endpoint} | ({"BENCH_RESTORED": "1"} if restored else {})
    env |= {} if bytecode else {"BENCH_NO_BYTECODE": "1"}
    env |= {"BENCH_PROFILE": str(profile)} if profile else {}
    flags = ["-X", "importtime"] if importtime else []
    result = subprocess.run([sys.executable, *flags, "-c", _CHILD, module, json.dumps(request), *code_paths],
                            check=False, capture_output=True, text=True, env=env,
                            cwd=code_paths[0] if code_paths else PROJECT_ROOT, timeout=120)
    if importtime:
        importtime.write_text(result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError((result.stderr.strip().splitlines() or ["failed"])[-1])
    return json.loads(result.stdout.strip().splitlines()[-1])


def summarise(samples: list[dict]) -> dict:
    statuses = {s["status"] for s in samples}
    if statuses != {200}:
        raise RuntimeError(f"answered {sorted(statuses)}, not 200")
    return {"ms": statistics.median(s["ms"] for s in samples),
            "import_ms": statistics.median(s["import_ms"] for s in samples),
            "cpu_ms": statistics.median(s["cpu_ms"] for s in samples),
            "rss_kb": max(s["rss_kb"] for s in samples)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per handler (default 7)")
    parser.add_argument("--only", help="comma-separated dialects (default: " + ",".join(FIRST_REQUESTS) + ")")
    parser.add_argument("--importtime", type=Path, metavar="DIR", help="write -X importtime output per handler")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="write a cProfile of the first request (one run) per handler")
    parser.add_argument("--without-bytecode", action="store_true",
                        help="also time handlers shipped without .pyc (as artefacts were before `make build` compiled "
                             "them; the runtime's boto3 stays compiled)")
    parser.add_argument("--snapstart", action="store_true",
                        help="also time the first request after a SnapStart restore (hooks run, init not counted)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    server, endpoint = start_dynamodb()
    try:
        key, directory_key, ids = seed(endpoint)
        functions_root = str(PROJECT_ROOT / "functions")
        # Bytecode up to date, as `make build` ships it (the children never write any, so a stale .pyc would make
        # every sample compile that module again).
        for root in ("functions", "graphql"):
            compileall.compile_dir(str(PROJECT_ROOT / root), quiet=1)
        floor_call = ("<floor>", directory_key, [functions_root])
        libraries_call = ("<floor+graphql>", directory_key, [functions_root])
        sample(*floor_call, endpoint)  # the server's own first request
        chosen = set(args.only.split(",")) if args.only else set(FIRST_REQUESTS)
        calls = {dialect: (module, first_request(dialect, key, ids), code_paths)
                 for dialect, (module, code_paths) in handler_modules().items() if dialect in chosen}
        if args.importtime:
            args.importtime.mkdir(parents=True, exist_ok=True)
            for dialect, call in calls.items():
                sample(*call, endpoint, args.importtime / f"{dialect}.txt")
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            for dialect, call in calls.items():
                sample(*call, endpoint, profile=args.profile / f"{dialect}.txt")
        # Interleaved (floor, every handler, floor, ...) so a busy machine slows both sides of each ratio alike.
        samples: dict[str, list[dict]] = {"<floor>": []}
        failed: dict[str, str] = {}
        for _ in range(args.runs):
            samples["<floor>"].append(sample(*floor_call, endpoint))
            if "graphql" in calls:
                samples.setdefault("<floor+graphql>", []).append(sample(*libraries_call, endpoint))
            for dialect, call in calls.items():
                if dialect in failed:
                    continue
                try:
                    samples.setdefault(dialect, []).append(sample(*call, endpoint))
                    if args.without_bytecode:
                        samples.setdefault(f"{dialect} (no .pyc)", []).append(sample(*call, endpoint, bytecode=False))
                    if args.snapstart:
                        samples.setdefault(f"{dialect} (SnapStart)", []).append(sample(*call, endpoint, restored=True))
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    failed[dialect] = str(error)
        floor = summarise(samples.pop("<floor>"))
        rows = []
        for dialect, taken in samples.items():
            if dialect not in failed:
                try:
                    rows.append((dialect, summarise(taken)))
                except RuntimeError as error:
                    failed[dialect] = str(error)
    finally:
        server.stop()
    goal = {"graphql": 1.8}
    print(f"cold start to the first answer: median of {args.runs} fresh processes (python {sys.version.split()[0]};"
          " Lambda runs python3.12), DynamoDB = moto server on 127.0.0.1")
    print(f"{'handler':<24}  {'import ms':>9}  {'total ms':>8}  {'ratio':>5}  {'goal':>4}  {'CPU ms':>6}  "
          f"{'CPU ratio':>9}  {'peak RSS MB':>11}")
    print(f"{'floor: boto3 + GetItem':<24}  {floor['import_ms']:>9.1f}  {floor['ms']:>8.1f}  {1:>5.2f}  {'':>4}  "
          f"{floor['cpu_ms']:>6.0f}  {1:>9.2f}  {floor['rss_kb'] / 1024:>11.1f}")
    libraries = rows.pop(0)[1] if rows and rows[0][0] == "<floor+graphql>" else None
    if libraries:
        print(f"{'floor + strawberry, mangum':<26}{libraries['import_ms']:>9.1f}  {libraries['ms']:>8.1f}  "
              f"{libraries['ms'] / floor['ms']:>5.2f}  {'':>4}  {libraries['cpu_ms']:>6.0f}  "
              f"{libraries['cpu_ms'] / floor['cpu_ms']:>9.2f}  {libraries['rss_kb'] / 1024:>11.1f}  "
              "(the GraphQL function's libraries, nothing of its own)")
    for dialect, row in rows:
        ratio, target = row["ms"] / floor["ms"], goal.get(dialect.split()[0], 1.5)
        print(f"{dialect:<24}  {row['import_ms']:>9.1f}  {row['ms']:>8.1f}  {ratio:>5.2f}  {target:>4.1f}  "
              f"{row['cpu_ms']:>6.0f}  {row['cpu_ms'] / floor['cpu_ms']:>9.2f}  "
              f"{row['rss_kb'] / 1024:>11.1f}{'' if ratio <= target else '  over'}")
    for dialect, reason in failed.items():
        print(f"failed {dialect}: {reason}")
    if args.snapstart:
        print("SnapStart rows: the request after the restore hooks, init and priming done before the snapshot "
              "(Lambda's own restore time is not included)")
    print(f"({time.perf_counter() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`contacthub` command line: local server, API keys, routes and sample events.

Subcommands live in a registry (``@subcommand``) so other modules can add theirs: a module named in
``EXTENSION_MODULES`` registers its commands when imported, and a missing one is simply skipped.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .template import TABLE_ENV, default_table_names, lambda_environment, resources, routes

if TYPE_CHECKING:
    from contacthub.settings import Settings

DEFAULT_REGION = "us-east-1"
# Modules that add subcommands (`openapi`, `outbox`...); each calls `subcommand(...)` at import.
EXTENSION_MODULES: list[str] = ["contacthub_local.openapi", "contacthub_local.outbox", "contacthub_local.package",
                                 "contacthub_local.sam_local", "contacthub_local.bulk_cli"]


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    run: Callable[[argparse.Namespace], int | None]
    configure: Callable[[argparse.ArgumentParser], None] | None = None


SUBCOMMANDS: dict[str, Subcommand] = {}
# Run by `serve` once local AWS is up and the tables exist (e.g. outbox.py verifies the SES sender in moto).
SERVE_HOOKS: list[Callable[[argparse.Namespace], object]] = []  # called with serve's arguments


def subcommand(name: str, help: str, configure: Callable[[argparse.ArgumentParser], None] | None = None):
    """Register ``run(args) -> exit code`` as ``contacthub <name>``; ``configure(parser)`` adds its arguments."""
    def register(run: Callable[[argparse.Namespace], int | None]):
        SUBCOMMANDS[name] = Subcommand(name, help, run, configure)
        return run
    return register


def load_extensions() -> None:
    for module in EXTENSION_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                print(f"contacthub: extension {module} failed to load: {error}", file=sys.stderr)
        except Exception as error:  # noqa: BLE001 - a broken extension must not take the other commands down
            print(f"contacthub: extension {module} failed to load: {error}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    load_extensions()
    parser = argparse.ArgumentParser(prog="contacthub", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in SUBCOMMANDS.values():
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        if command.configure:
            command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except Exception as error:
        message = expected_failure(error)
        if message is None:
            raise
        print(f"contacthub: {message}", file=sys.stderr)
        return 1


def expected_failure(error: BaseException) -> str | None:
    """One line for what a user can fix (credentials, region, a missing stack or table, access); None for bugs."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
        from pynamodb.exceptions import PynamoDBException
    except ImportError:  # pragma: no cover - both ship with the runtime dependencies
        return None
    if isinstance(error, PynamoDBException) and isinstance(error.cause, (BotoCoreError, ClientError)):
        error = error.cause
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code, text = details.get("Code", "Error"), details.get("Message", "")
        return f"{error.operation_name} failed: {code}: {text}".rstrip(": ")
    if isinstance(error, BotoCoreError):
        return str(error)
    return None


# -------------------------------------------------------------------- this checkout as a command
CODE_ROOTS = ("functions", "graphql", "infra")  # what pyproject.toml installs, as import roots


def checkout_command(python: str | None = None) -> list[str]:
    """`contacthub` as a command line running the code of the checkout this module is in (with
    :func:`checkout_environment`), not whichever checkout an installed console script points at."""
    return [python or sys.executable, "-m", "contacthub_local.cli"]


def checkout_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) with this checkout's code roots first on PYTHONPATH."""
    from .template import PROJECT_ROOT

    env = dict(os.environ if base is None else base)
    roots = [str(PROJECT_ROOT / root) for root in CODE_ROOTS]
    env["PYTHONPATH"] = os.pathsep.join(roots + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


# -------------------------------------------------------------------- environment
# Tables every command that opens the store needs; the others (the email send guard) only where they are used.
REQUIRED_TABLES = ("CRM_TABLE", "DIRECTORY_TABLE")


def configure_environment(*, endpoint: str | None = None, crm_table: str | None = None,
                          directory_table: str | None = None, region: str | None = None,
                          fake_credentials: bool = False, local_defaults: bool = True,
                          stack: str | None = None) -> Settings:
    """The settings a Lambda of the template would have (table names, region, endpoint), served from now on.

    Flags beat the stack's outputs, which beat the environment; ``local_defaults`` falls back to
    ``contacthub-crm``-style names. The environment keeps only what the AWS clients read themselves
    (credentials, region, endpoint).
    """
    from contacthub.settings import Settings
    from contacthub.wiring import use_settings

    if not (region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")) and not fake_credentials:
        import boto3

        region = boto3.Session().region_name  # the profile's region, for a deployed stack
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    flags = {"CRM_TABLE": crm_table, "DIRECTORY_TABLE": directory_table}
    outputs = stack_table_names(stack, region) if stack else {}
    tables = {}
    for env, default in default_table_names().items():
        value = flags.get(env) or outputs.get(env) or os.environ.get(env) or (default if local_defaults else None)
        if value is None and env in REQUIRED_TABLES:
            option = env.lower().replace("_", "-")
            raise SystemExit(f"contacthub: no table name for {env}: pass --stack NAME, --{option} "
                             f"or set {env} (see the stack outputs)")
        tables[env.lower()] = value
    # The SES and idempotency clients read the region from the environment, as on Lambda.
    os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = region
    if endpoint:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    if fake_credentials:
        # moto answers every call; fake keys also make sure nothing reaches a real account by mistake.
        os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_SESSION_TOKEN": "testing"})
        os.environ.pop("AWS_PROFILE", None)
        if not endpoint:  # a leftover endpoint would send requests past moto
            os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
            os.environ.pop("AWS_ENDPOINT_URL", None)
    elif endpoint:
        import boto3

        if boto3.Session().get_credentials() is None:  # DynamoDB Local accepts any key, but wants one
            os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"})
    settings = Settings(**tables, region=region, dynamodb_endpoint=endpoint or None)
    use_settings(settings)
    return settings


def stack_table_names(stack: str, region: str) -> dict[str, str]:
    """Table variables (CRM_TABLE...) from a deployed stack's outputs (CrmTableName...)."""
    import boto3

    client = boto3.client("cloudformation", region_name=region)
    found = client.describe_stacks(StackName=stack)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in (found[0].get("Outputs") or [])} if found else {}
    names = {env: outputs[f"{logical}Name"] for logical, env in TABLE_ENV.items() if f"{logical}Name" in outputs}
    missing = [f"{logical}Name" for logical, env in TABLE_ENV.items() if env in REQUIRED_TABLES and env not in names]
    if missing:
        raise SystemExit(f"contacthub: stack {stack} has no output {', '.join(missing)}: is it a contacthub stack?")
    return names


def ensure_tables(settings: Settings) -> bool:
    """Create the template's tables that are missing; True when the store is new (no API key stored yet)."""
    import boto3

    from .bootstrap import create_tables

    client = boto3.client("dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint)
    directory = settings.directory_table
    existed = directory in client.list_tables().get("TableNames", [])
    create_tables(settings, client)
    if not existed:
        return True
    # One-off emptiness probe at start-up (never on a request path): any item means someone set it up.
    return client.scan(TableName=directory, Limit=1, ProjectionExpression="pk").get("Count", 0) == 0


def _wiring():
    from contacthub.wiring import services

    return services()


# -------------------------------------------------------------------- serve
def _configure_serve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port (default 3000, 0 picks a free one)")
    parser.add_argument("--dynamodb-endpoint", metavar="URL",
                        help="use this DynamoDB (e.g. DynamoDB Local) instead of moto; missing tables are created")
    parser.add_argument("--api-key", dest="api_keys", action="append", default=[], metavar="KEY",
                        help="make sure KEY works (repeatable; each unknown key gets its own workspace)")
    parser.add_argument("--quiet", action="store_true", help="do not print one line per request")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep the emulated tables and mail in DIR and load them at the next start "
                             "(default: in memory only, gone when the server stops)")
    parser.add_argument("--snapshot-interval", type=float, default=5.0, metavar="SECONDS",
                        help="with --data-dir, save at most this often while data changes (default 5), "
                             "and once more on Ctrl-C or SIGTERM")
    parser.add_argument("--webhook-retry-schedule", metavar="SECONDS", type=_schedule,
                        help="seconds between webhook delivery retries, e.g. 1,2,4 (default: the production "
                             "schedule, about 27 hours)")


def _schedule(value: str) -> tuple[int, ...]:
    try:
        schedule = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of whole seconds, e.g. 1,2,4") from None
    if not schedule or any(s < 0 or s > 86400 for s in schedule):
        raise argparse.ArgumentTypeError("each delay is 0 to 86400 seconds")
    return schedule


def key_workspace(key: str) -> tuple[str, str, str]:
    """(workspace, user, email) for a key given on the command line: stable, distinct per key."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"Workspace {digest}", f"Developer {digest}", f"dev-{digest}@example.com"


def provision_keys(keys: list[str], new_store: bool) -> list[tuple[str, str, str]]:
    """Make each key usable; a new store without keys gets a demo workspace. Returns (workspace, key, note)."""
    from contacthub.domain.errors import ValidationFailed

    workspaces = _wiring().workspaces
    shown = []
    if not keys and new_store:
        issued = workspaces.create_key("Demo workspace", "Demo User", "demo@example.com")
        shown.append((issued.workspace.name, issued.key, "new"))
    for key in keys:
        principal = workspaces.known_key(key)
        if principal is not None:
            workspace = workspaces.get(principal.workspace_id)
            shown.append((workspace.name if workspace else principal.workspace_id, key, "existing"))
            continue
        try:
            issued = workspaces.create_key(*key_workspace(key), key=key)
        except ValidationFailed as error:
            raise SystemExit(f"contacthub: --api-key {key[:8]}...: {error}") from error
        except Exception as error:
            raise SystemExit(f"contacthub: --api-key {key[:8]}... could not be stored: {error}") from error
        shown.append((issued.workspace.name, key, "new"))
    return shown


def _start_local_aws(endpoint: str | None):
    """moto for everything, or with an endpoint only for SES (DynamoDB requests pass through to it)."""
    from moto import mock_aws

    from . import scalable_moto, scalable_moto_dispatch

    scalable_moto.install()  # per-call cost grows with the items a call touches, not with the table
    scalable_moto_dispatch.install()  # item reads and writes skip moto's HTTP emulation and generic serializer
    if endpoint:
        mock = mock_aws(config={"core": {"mock_credentials": False,
                                         "passthrough": {"services": ["dynamodb"], "urls": []}}})
    else:
        mock = mock_aws()
    mock.start()
    return mock


@subcommand("serve", "Run every template route locally, on the same Lambda handlers, with moto.", _configure_serve)
def serve(args: argparse.Namespace) -> int:
    from .serialized import serialize_aws_calls_forever
    from .server import LocalApi, start_server

    stop = _stop_on_signals()  # first, so Ctrl-C during start-up also ends cleanly
    endpoint = args.dynamodb_endpoint
    # What the template gives its functions (sender, composer, idempotency table...), then the flags.
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # no CloudWatch to read EMF lines locally
    os.environ.setdefault("WORKSPACE_RATE_LIMIT", "0")  # a developer's bursts are not abuse; set it to try the 429s
    for function in resources(kind="AWS::Serverless::Function"):
        for name, value in lambda_environment(function).items():
            os.environ.setdefault(name, value)
    if args.data_dir and endpoint:
        print("contacthub: --data-dir keeps the emulated tables; with --dynamodb-endpoint the data stays in "
              "that endpoint", file=sys.stderr)
        return 2
    settings = configure_environment(endpoint=endpoint, fake_credentials=not endpoint)
    mock = _start_local_aws(endpoint)
    serialize_aws_calls_forever()  # moto is not thread-safe, and the server answers requests in parallel
    server = workers = snapshots = None
    try:
        if args.data_dir:
            snapshots = _start_snapshots(args.data_dir, args.snapshot_interval)
        new_store = ensure_tables(settings)
        from contacthub.wiring import use_settings

        from .workers import LocalWorkers, local_settings

        # The stream function and the delivery worker, in-process over moto's stream and queues.
        settings = local_settings(settings, args.webhook_retry_schedule)
        use_settings(settings)
        workers = LocalWorkers(settings, trim=True)  # the only reader of the stream: read records are dropped
        workers.start()
        for hook in SERVE_HOOKS:
            hook(args)
        keys = provision_keys(args.api_keys, new_store)
        if snapshots is not None:
            snapshots.save_if_changed()  # the keys printed below survive even a kill
        api = LocalApi(log_requests=not args.quiet)
        failures = api.warm()
        try:
            server, _ = start_server(args.host, args.port, api)
        except OSError as error:
            print(f"contacthub: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
            return 1
        from .bulk_local import served_from

        # Import and export file links: this server's own /local/files/ (moto's S3 is not reachable outside).
        settings = served_from(settings, server.base_url)
        use_settings(settings)
        _print_banner(server.base_url, settings, api, keys, failures, new_store, args.data_dir)
        while not stop.wait(0.5):
            pass
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if workers is not None:
            workers.stop()
        if snapshots is not None:
            snapshots.stop(freeze=True)  # requests still running wait: nothing is acknowledged unsaved
        mock.stop()
    print("contacthub: stopped", flush=True)
    return 0


def _start_snapshots(data_dir: str, interval: float):
    """Load DIR's snapshot into the fresh moto (before any table is ensured), then save while data changes."""
    from . import persistence, serialized

    try:
        loaded = persistence.load_state(data_dir)
    except persistence.SnapshotError as error:
        raise SystemExit(f"contacthub: {error}") from error
    if loaded:
        print(f"contacthub: loaded {persistence.snapshot_path(data_dir)}", flush=True)
    snapshots = persistence.PeriodicSnapshot(
        data_dir, interval=interval, lock=serialized._LOCK, generation=persistence.count_aws_writes(),
        on_error=lambda error: print(f"contacthub: snapshot to {data_dir} failed ({error}); "
                                     "the previous one is kept", file=sys.stderr, flush=True))
    return snapshots.start()


def _stop_on_signals() -> threading.Event:
    """SIGINT (Ctrl-C) and SIGTERM set the returned event instead of raising mid-request."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _print_banner(base_url, settings, api, keys, failures, new_store, data_dir=None) -> None:
    endpoint = settings.dynamodb_endpoint
    functions = {}
    for route in api.routes:
        functions[route.function] = functions.get(route.function, 0) + 1
    kept = f"kept in {data_dir}" if data_dir else "data is gone when the server stops"
    lines = [f"contacthub local API on {base_url}",
             (f"  DynamoDB  {endpoint or f'moto, in-process ({kept})'}: "
              f"{settings.crm_table}, {settings.directory_table}"),
             "  SES       moto, in-process",
             "  events    stream function and webhook delivery worker in-process (SQS: moto); webhooks may "
             "target http://127.0.0.1",
             "  functions " + ", ".join(f"{name} ({count} routes)" for name, count in functions.items())]
    for handler, error in failures.items():
        lines.append(f"  ! {handler} does not import yet ({error}); its routes answer 502")
    if keys:
        lines.append("  API keys")
        lines += [f"    {key}  {workspace} ({note})" for workspace, key, note in keys]
        lines.append(f'  try: curl -H "Authorization: Bearer {keys[0][1]}" {base_url}/api/contacts')
    elif not new_store:
        lines.append("  existing store: get a key with `contacthub keys create --dynamodb-endpoint "
                     f"{endpoint} --workspace NAME --user NAME --email EMAIL`")
    lines.append("  Ctrl-C stops the server.")
    print("\n".join(lines), flush=True)


# -------------------------------------------------------------------- keys
def _store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dynamodb-endpoint", metavar="URL", help="DynamoDB endpoint (e.g. DynamoDB Local); "
                        "missing tables are created there")
    parser.add_argument("--stack", metavar="NAME", help="read the table names from this deployed stack's outputs")
    parser.add_argument("--crm-table", help="CRM table name (default: $CRM_TABLE)")
    parser.add_argument("--directory-table", help="directory table name (default: $DIRECTORY_TABLE)")
    parser.add_argument("--region", help="AWS region (default: $AWS_REGION)")


def _configure_keys(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="issue an API key (creates the workspace and user when missing)")
    create.add_argument("--workspace", required=True, help="workspace name")
    create.add_argument("--user", required=True, help="user name")
    create.add_argument("--email", required=True, help="user email")
    _store_arguments(create)
    revoke = actions.add_parser("revoke", help="revoke the keys starting with PREFIX (as printed by create)")
    revoke.add_argument("prefix", metavar="PREFIX", help="the key's prefix (its first 12 characters) or the key")
    _store_arguments(revoke)


def _open_store(args: argparse.Namespace) -> None:
    endpoint = args.dynamodb_endpoint
    settings = configure_environment(endpoint=endpoint, crm_table=args.crm_table,
                                     directory_table=args.directory_table, region=args.region,
                                     local_defaults=bool(endpoint), stack=args.stack)
    if endpoint:
        ensure_tables(settings)


@subcommand("keys", "Create or revoke API keys in DynamoDB (a deployed stack or an endpoint).", _configure_keys)
def keys(args: argparse.Namespace) -> int:
    _open_store(args)
    from contacthub.domain.errors import ValidationFailed
    from contacthub.domain.workspace import DISPLAY_PREFIX_LENGTH, display_prefix

    workspaces = _wiring().workspaces
    if args.action == "create":
        try:
            issued = workspaces.create_key(args.workspace, args.user, args.email)
        except ValidationFailed as error:
            print(f"contacthub: {error}", file=sys.stderr)
            return 2
        print(f'API key for {issued.user.name} <{issued.user.email}> in workspace "{issued.workspace.name}" '
              f"({issued.workspace.id}); prefix {issued.principal.key_prefix}. It is shown only once:",
              file=sys.stderr)
        print(issued.key, flush=True)
        return 0
    if len(args.prefix) < DISPLAY_PREFIX_LENGTH:
        print(f"contacthub: give the first {DISPLAY_PREFIX_LENGTH} characters of the key (or the key)",
              file=sys.stderr)
        return 2
    count = workspaces.revoke(display_prefix(args.prefix))
    print(f"revoked {count} key(s)")
    return 0 if count else 1


# -------------------------------------------------------------------- sweep
def _named_workspace(workspaces, name_or_id: str):
    """The workspace with this id or name; None (and a message) when there is none."""
    workspace = workspaces.get(name_or_id) or workspaces.find_by_name(name_or_id)
    if workspace is None:
        print(f"contacthub: no workspace {name_or_id!r}", file=sys.stderr)
    return workspace


def _configure_sweep(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", required=True, help="workspace name or id")
    _store_arguments(parser)


@subcommand("sweep", "Finish the cleanups of deleted contacts (tasks, emails) that were interrupted.",
            _configure_sweep)
def sweep(args: argparse.Namespace) -> int:
    _open_store(args)
    services = _wiring()
    workspace = _named_workspace(services.workspaces, args.workspace)
    if workspace is None:
        return 2
    total = 0
    while finished := services.contacts.sweep_deleted(workspace.id):
        total += finished
    print(f"finished the cleanup of {total} deleted contact(s)")
    return 0


# -------------------------------------------------------------------- reindex
@subcommand("reindex", "Write the index entries a workspace's contacts lack after an upgrade (listings, orderings, "
            "search); safe to run again, and while the API serves.", _configure_sweep)
def reindex(args: argparse.Namespace) -> int:
    _open_store(args)
    services = _wiring()
    workspace = _named_workspace(services.workspaces, args.workspace)
    if workspace is None:
        return 2
    total = sum(services.contacts.reindex(workspace.id))
    print(f"reindexed {total} contact(s)")
    return 0


# -------------------------------------------------------------------- workspace settings
def _configure_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", required=True, help="workspace name or id")
    parser.add_argument("--unique-emails", choices=("on", "off"), required=True,
                        help="on: a contact write giving an email another contact has is refused (409); contacts "
                             "already sharing one are left as they are")
    _store_arguments(parser)


@subcommand("workspace", "Change a workspace's settings.", _configure_workspace)
def workspace_settings(args: argparse.Namespace) -> int:
    _open_store(args)
    workspaces = _wiring().workspaces
    workspace = _named_workspace(workspaces, args.workspace)
    if workspace is None:
        return 2
    workspaces.set_unique_emails(workspace.id, args.unique_emails == "on")
    print(f'workspace "{workspace.name}": unique emails {args.unique_emails}')
    return 0


# -------------------------------------------------------------------- routes, events
@subcommand("routes", "List every API route of template.yaml and the function that serves it.")
def list_routes(args: argparse.Namespace) -> int:
    rows = [(r.method, r.path, f"{r.function}.{r.event}") for r in sorted(routes(), key=lambda r: (r.path, r.method))]
    width = max((len(path) for _, path, _ in rows), default=0)
    for method, path, function in rows:
        print(f"{method:<7} {path:<{width}}  {function}")
    return 0


def _configure_events(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the missing event files")
    mode.add_argument("--force", action="store_true", help="rewrite every event file")
    mode.add_argument("--check", action="store_true", help="exit 1 when a route has no event file")
    parser.add_argument("--key", metavar="KEY", help="with --write or --force: the API key every event sends (one "
                        "that exists where the events go, e.g. from `contacthub keys create --dynamodb-endpoint`)")


@subcommand("events", "Sample API Gateway events for every template route (infra/events/).", _configure_events)
def sample_events(args: argparse.Namespace) -> int:
    from . import sample_events as samples

    root = samples.EVENTS_DIR.parent.parent
    if args.key and not (args.write or args.force):
        print("contacthub: --key goes with --write or --force", file=sys.stderr)
        return 2
    if args.write or args.force:
        for path in samples.write_events(overwrite=args.force, key=args.key):
            print(f"wrote {path.relative_to(root)}")
        return 0
    missing = samples.missing_events()
    rows = sorted(routes(), key=lambda r: (r.path, r.method))
    width = max((len(r.path) for r in rows), default=0)
    for route in rows:
        state = "missing" if route in missing else "ok"
        print(f"{state:<8} {route.method:<7} {route.path:<{width}}  {samples.event_path(route).relative_to(root)}")
    if missing and args.check:
        print(f"{len(missing)} route(s) without a sample event: run `contacthub events --write`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # `python -m contacthub_local.cli` runs this file as __main__: use the importable module, whose registry
    # the extensions (openapi, outbox) and serve hooks fill, rather than this second copy.
    from contacthub_local.cli import main as installed_main

    sys.exit(installed_main())

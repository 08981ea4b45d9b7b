"""`sam local invoke` / `sam local start-api` against DynamoDB Local or a deployed stack (`contacthub env`).

sam local gives a function only the environment variables template.yaml declares for it, with their values
replaced from an `--env-vars` file: this writes that file (`env.json`), one entry per function, with the table
names and `DYNAMODB_ENDPOINT`. The sample events in infra/events/ carry a key of their own; `contacthub events
--write --key KEY` puts a key that exists in that store into them.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cli import subcommand
from .template import PROJECT_ROOT, TABLE_ENV, default_table_names, function_properties, load_template, resources

ENV_FILE = PROJECT_ROOT / "env.json"
# DynamoDB Local on the developer's machine, as seen from sam's function container (on Linux, start sam with
# `--add-host host.docker.internal:host-gateway`).
DEFAULT_ENDPOINT = "http://host.docker.internal:8000"


def env_file(tables: dict[str, str] | None = None, endpoint: str | None = DEFAULT_ENDPOINT,
             template: dict | None = None) -> dict[str, dict[str, str]]:
    """Function logical id -> the variables to override, each declared by that function in the template."""
    template = template or load_template()
    values = {**default_table_names(), **(tables or {}), "DYNAMODB_ENDPOINT": endpoint or ""}
    entries = {}
    for function in sorted(resources(template, "AWS::Serverless::Function")):
        declared = function_properties(function, template).get("Environment", {}).get("Variables", {})
        entries[function] = {name: value for name, value in values.items() if name in declared}
    return entries


def render(entries: dict[str, dict[str, str]]) -> str:
    return json.dumps(entries, indent=2, sort_keys=True) + "\n"


def _configure_env(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", nargs="?", const=str(ENV_FILE), metavar="PATH",
                        help=f"write the file (default {ENV_FILE.name} in the project) instead of printing it")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--dynamodb-endpoint", default=DEFAULT_ENDPOINT, metavar="URL",
                        help=f"DynamoDB as the function container reaches it (default {DEFAULT_ENDPOINT})")
    target.add_argument("--stack", metavar="NAME",
                        help="a deployed stack instead: its tables (from the outputs), the region's DynamoDB")
    for logical, variable in TABLE_ENV.items():
        option = variable.lower().replace("_", "-")
        default = default_table_names()[variable]
        parser.add_argument(f"--{option}", metavar="NAME", help=f"{logical} name (default {default})")
    parser.add_argument("--region", help="the stack's region (with --stack; default: the profile's)")


@subcommand("env", "The --env-vars file of `sam local`: tables and endpoint of DynamoDB Local or a stack.",
            _configure_env)
def write_env(args: argparse.Namespace) -> int:
    tables = {}
    endpoint = args.dynamodb_endpoint
    if args.stack:
        import boto3

        from .cli import stack_table_names

        tables = stack_table_names(args.stack, args.region or boto3.Session().region_name or "us-east-1")
        endpoint = None
    for variable in TABLE_ENV.values():
        chosen = getattr(args, variable.lower())
        if chosen:
            tables[variable] = chosen
    text = render(env_file(tables, endpoint))
    if not args.write:
        sys.stdout.write(text)
        return 0
    Path(args.write).write_text(text, encoding="utf-8")
    print(f"wrote {args.write}: sam local invoke FUNCTION -e infra/events/... --env-vars {args.write}",
          file=sys.stderr)
    return 0

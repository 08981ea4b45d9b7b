"""Reads template.yaml: the one source of truth for tables, functions and routes.

Used by the local server (routing), the tests (moto tables, route parity) and the CLI.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"

# Environment variable that carries each table's name into the functions (see Globals in template.yaml).
TABLE_ENV = {"CrmTable": "CRM_TABLE", "DirectoryTable": "DIRECTORY_TABLE", "IdempotencyTable": "IDEMPOTENCY_TABLE"}


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that keeps CloudFormation short-form tags (!Ref, !GetAtt, !Sub, ...) as plain dicts."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    key = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {key: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


@lru_cache(maxsize=4)
def load_template(path: Path = TEMPLATE_PATH) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_CfnLoader)  # a SafeLoader subclass: no arbitrary objects


def resources(template: dict | None = None, kind: str | None = None) -> dict[str, dict]:
    template = template or load_template()
    return {name: r for name, r in template["Resources"].items() if kind is None or r["Type"] == kind}


def table_definitions(template: dict | None = None) -> dict[str, dict]:
    """boto3 ``create_table`` keyword arguments for every DynamoDB table, keyed by logical id."""
    definitions = {}
    for name, resource in resources(template, "AWS::DynamoDB::Table").items():
        props = resource["Properties"]
        kwargs = {
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("StreamSpecification"):  # CloudFormation names the view only; the API also wants it enabled
            kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        definitions[name] = kwargs
    return definitions


def ttl_attributes(template: dict | None = None) -> dict[str, str]:
    return {
        name: r["Properties"]["TimeToLiveSpecification"]["AttributeName"]
        for name, r in resources(template, "AWS::DynamoDB::Table").items()
        if r["Properties"].get("TimeToLiveSpecification", {}).get("Enabled")
    }


@dataclass(frozen=True)
class Route:
    function: str  # logical id
    event: str  # event name in the template
    method: str
    path: str  # API Gateway resource path, e.g. /api/contacts/{id}
    handler: str  # module.function
    code_uris: tuple[str, ...]  # function code first, then its layers' content

    def matches(self, method: str, path: str) -> dict[str, str] | None:
        if self.method != "ANY" and method.upper() != self.method:
            return None
        return self.path_matches(path)

    def path_matches(self, path: str) -> dict[str, str] | None:
        """Path parameters when the request path falls on this route's resource, whatever the method."""
        match = _path_regex(self.path).match(path)
        return match.groupdict() if match else None

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Literal segments win over parameters, and parameters over greedy ``{proxy+}``, as in API Gateway."""
        segments = self.path.strip("/").split("/")
        return (sum(1 for s in segments if not s.startswith("{")), -sum(1 for s in segments if s.endswith("+}")),
                len(segments))

    @property
    def precedence(self) -> tuple[int, ...]:
        """Sort key among resources matching one path: segment by segment, literal < {param} < {greedy+}."""
        return tuple(0 if not s.startswith("{") else 2 if s.endswith("+}") else 1
                     for s in self.path.strip("/").split("/"))


@lru_cache(maxsize=256)
def _path_regex(path: str) -> re.Pattern:
    pattern = re.escape(path)
    pattern = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", pattern)  # {proxy+}: one or more segments
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
    return re.compile(f"^{pattern}/?$")


def routes(template: dict | None = None) -> list[Route]:
    template = template or load_template()
    global_code = template.get("Globals", {}).get("Function", {}).get("CodeUri")
    layers = resources(template, "AWS::Serverless::LayerVersion")
    found = []
    for name, resource in resources(template, "AWS::Serverless::Function").items():
        props = resource["Properties"]
        code_uris = [props.get("CodeUri", global_code)]
        for layer in props.get("Layers", []):
            if isinstance(layer, dict) and layer.get("Ref") in layers:
                code_uris.append(layers[layer["Ref"]]["Properties"]["ContentUri"])
        for event_name, event in (props.get("Events") or {}).items():
            if event["Type"] != "Api":
                continue
            found.append(Route(name, event_name, event["Properties"]["Method"].upper(),
                               event["Properties"]["Path"], props["Handler"], tuple(code_uris)))
    return sorted(found, key=lambda r: r.specificity, reverse=True)


def find_route(method: str, path: str, all_routes: list[Route] | None = None):
    """(route, path parameters) for a request, or (None, allowed methods) when only the method is wrong.

    Like API Gateway, the resource is chosen from the path alone (literal segments beat parameters), and
    only then the method: GET /api/contacts/search never falls back to /api/contacts/{id} when the
    literal resource exists without GET. An unknown path gives (None, []).
    """
    all_routes = all_routes if all_routes is not None else routes()
    on_path = [(route, params) for route in all_routes if (params := route.path_matches(path)) is not None]
    if not on_path:
        return None, []
    best = min(route.precedence for route, _ in on_path)
    on_resource = [(route, params) for route, params in on_path if route.precedence == best]
    # Two templates with the same precedence (e.g. /a/{x} and /a/{y}) are one API Gateway resource.
    for route, params in on_resource:
        if route.method == method.upper():
            return route, params
    for route, params in on_resource:
        if route.method == "ANY":
            return route, params
    return None, sorted({route.method for route, _ in on_resource})


def default_table_names() -> dict[str, str]:
    """Environment variable -> local table name (``contacthub-crm``...), used when nothing else names them."""
    return {env: "contacthub-" + re.sub(r"Table$", "", logical).lower() for logical, env in TABLE_ENV.items()}


def function_properties(function: str, template: dict | None = None) -> dict:
    """A function's properties with Globals.Function applied (its environment variables merged), as SAM does."""
    template = template or load_template()
    defaults = template.get("Globals", {}).get("Function", {})
    own = resources(template, "AWS::Serverless::Function").get(function, {}).get("Properties", {})
    merged = {**defaults, **own}
    variables = {**defaults.get("Environment", {}).get("Variables", {}),
                 **own.get("Environment", {}).get("Variables", {})}
    if variables:
        merged["Environment"] = {"Variables": variables}
    return merged


def lambda_environment(function: str, template: dict | None = None) -> dict[str, str]:
    """The environment variables the function gets once deployed, resolved for local use.

    ``!Ref`` to a table reads that table's variable (CRM_TABLE...) from the current environment, ``!Ref`` to
    a parameter takes its default; values that only exist in AWS (``!GetAtt``, ``!Sub``...) are left out.
    """
    template = template or load_template()
    parameters = template.get("Parameters", {})
    resolved = {}
    for name, value in function_properties(function, template).get("Environment", {}).get("Variables", {}).items():
        if isinstance(value, dict) and "Ref" in value:
            target = value["Ref"]
            if target in TABLE_ENV:
                value = os.environ.get(TABLE_ENV[target], default_table_names()[TABLE_ENV[target]])
            elif target in parameters and "Default" in parameters[target]:
                value = parameters[target]["Default"]
            else:
                continue
        elif isinstance(value, (dict, list)):
            continue
        resolved[name] = str(value)
    return resolved


def stage_name(template: dict | None = None) -> str:
    """The API stage the template deploys (StageName's default), used in events' requestContext."""
    template = template or load_template()
    return str(template.get("Parameters", {}).get("StageName", {}).get("Default", "prod"))

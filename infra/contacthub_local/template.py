"""Reads template.yaml: the one source of truth for tables, functions and routes.

Used by the local server (routing), the tests (moto tables, route parity) and the CLI.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"

# Environment variable that carries each table's name into the functions (see Globals in template.yaml).
TABLE_ENV = {"CrmTable": "CRM_TABLE", "DirectoryTable": "DIRECTORY_TABLE"}


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
        return yaml.load(fh, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


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
        if method.upper() != self.method:
            return None
        match = _path_regex(self.path).match(path)
        return match.groupdict() if match else None

    @property
    def specificity(self) -> tuple[int, int]:
        """Literal segments win over parameters, as in API Gateway."""
        segments = self.path.strip("/").split("/")
        return (sum(1 for s in segments if not s.startswith("{")), len(segments))


@lru_cache(maxsize=256)
def _path_regex(path: str) -> re.Pattern:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
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
    """(route, path parameters) for a request, or (None, allowed methods) when only the method is wrong."""
    all_routes = all_routes if all_routes is not None else routes()
    allowed = []
    for route in all_routes:
        params = route.matches(method, path)
        if params is not None:
            return route, params
        if route.matches(route.method, path) is not None:
            allowed.append(route.method)
    return None, allowed

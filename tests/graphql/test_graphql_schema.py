"""The checked-in SDL and the function's pinned requirements must not drift from the code."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from contacthub_graphql import export

ROOT = Path(__file__).resolve().parents[2]


def test_exported_sdl_matches_the_schema():
    assert export.SDL_PATH.exists(), f"{export.SDL_PATH} is missing: run `{export.REGENERATE}`"
    assert export.SDL_PATH.read_text(encoding="utf-8") == export.render(), (
        f"graphql/schema.graphql drifted from the code: run `{export.REGENERATE}` and commit the result")


def test_function_requirements_pin_the_graphql_extra():
    def pins(lines):
        return {re.split(r"[\[=]", line)[0].lower(): line.split("==")[1].strip()
                for line in (raw.split("#")[0].strip() for raw in lines) if "==" in line}

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["graphql"]
    requirements = (ROOT / "graphql" / "requirements.txt").read_text().splitlines()
    assert pins(requirements) == pins(extra)
    assert pins(requirements)["strawberry-graphql"] == "0.341.2" and pins(requirements)["mangum"] == "0.22.0"


def test_strawberry_modules_evaluate_their_annotations_eagerly():
    # String annotations cost the cold start a compile each when strawberry resolves them (see the package doc)
    package = ROOT / "graphql" / "contacthub_graphql"
    lazy = [str(path.relative_to(package)) for path in sorted(package.rglob("*.py"))
            if "@strawberry." in (text := path.read_text(encoding="utf-8"))
            and "from __future__ import annotations" in text]
    assert lazy == [], "drop `from __future__ import annotations` from these modules (quote forward references)"


def test_naming_conventions():
    schema = export.render()
    mutations = re.search(r"type Mutation \{(.*?)\n\}", schema, re.DOTALL).group(1)
    # `input` first; other arguments (idempotencyKey) may follow, which spreads the field over several lines.
    for name, input_type, payload in re.findall(r"\n  (\w+)\(\s*input: (\w+)!.*?\): (\w+)!", mutations, re.DOTALL):
        noun_verb = name[0].upper() + name[1:]
        assert (input_type, payload) == (f"{noun_verb}Input", f"{noun_verb}Payload"), name
        union = re.search(rf"type {payload} \{{.*?error: (\w+)\n", schema, re.DOTALL).group(1)
        assert union == f"{noun_verb}Error", name
    assert set(re.findall(r"\n  (\w+)\(\s*input: ", mutations)) == {
        "createContact", "updateContact", "deleteContact", "extendContact", "moveContactToPipelineState", "addTags",
        "removeTags", "createTask", "updateTask", "completeTask", "reopenTask", "deleteTask", "createPipelineState",
        "renamePipelineState", "recolorPipelineState", "reorderPipelineState", "deletePipelineState",
        "prepareContact", "confirmContact", "prepareContactEmail", "refineContactEmail", "sendContactEmail",
        "createWebhook", "updateWebhook", "deleteWebhook", "rotateWebhookSecret", "retryWebhookDelivery",
        "upsertContacts", "mergeContacts", "undoMerge"}


def test_only_the_graphql_function_imports_strawberry():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "functions").rglob("*.py")
                 if re.search(r"^\s*(import|from) strawberry", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert offenders == []
    assert not (ROOT / "graphql" / "__init__.py").exists(), "graphql/ must not be a package (graphql-core's name)"


# Modules whose types and fields are not all described yet: none. A module may be listed here only while it
# is being described (the test below says when it no longer needs its place).
UNDESCRIBED_MODULES: set[str] = set()


def _undescribed() -> dict[str, list[str]]:
    """Every object, input, interface, union and enum type and every field or input field without a
    description, by the module that defines it."""
    from graphql import (
        GraphQLEnumType,
        GraphQLInputObjectType,
        GraphQLInterfaceType,
        GraphQLObjectType,
        GraphQLUnionType,
    )

    from contacthub_graphql.schema import build_schema

    schema = build_schema()
    found: dict[str, list[str]] = {}
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__"):
            continue
        if not isinstance(graphql_type, (GraphQLObjectType, GraphQLInputObjectType, GraphQLInterfaceType,
                                         GraphQLUnionType, GraphQLEnumType)):
            continue  # scalars: the built-in ones are the spec's
        definition = schema.get_type_by_name(name)
        origin = getattr(definition, "origin", None) or getattr(definition, "wrapped_cls", None)
        module = getattr(origin, "__module__", "(union)")
        if not graphql_type.description:
            found.setdefault(module, []).append(name)
        fields = getattr(graphql_type, "fields", {})
        strawberry_fields = {f.name: f for f in getattr(definition, "fields", ())}
        for field_name, field in fields.items():
            if field.description:
                continue
            python_field = next((f for f in strawberry_fields.values()
                                 if schema.config.name_converter.get_graphql_name(f) == field_name), None)
            field_origin = getattr(python_field, "origin", None)
            found.setdefault(getattr(field_origin, "__module__", module), []).append(f"{name}.{field_name}")
    return found


def test_every_type_and_field_is_described():
    undescribed = {module: names for module, names in _undescribed().items() if module not in UNDESCRIBED_MODULES}
    assert undescribed == {}, "describe these in the SDL (strawberry `description=`)"


def test_the_allowlist_of_undescribed_modules_is_needed():
    needed = set(_undescribed())
    assert UNDESCRIBED_MODULES <= needed, (
        f"fully described now, remove from UNDESCRIBED_MODULES: {sorted(UNDESCRIBED_MODULES - needed)}")


def test_the_query_type_states_the_request_limits():
    from contacthub_graphql.pagination import MAX_PAGE_SIZE
    from contacthub_graphql.schema import build_schema
    from contacthub_graphql.settings import Settings

    settings = Settings(max_depth=7, max_aliases=9, max_tokens=1234, max_cost=4321)
    description = build_schema(settings)._schema.query_type.description
    for stated in ("depth of at most 7", "at most 9 aliases", "at most 1234 tokens", "query cost of at most 4321",
                   f"0 to {MAX_PAGE_SIZE} items"):
        assert stated in description
    assert "at most 20000" in export.render()  # the exported SDL states the defaults

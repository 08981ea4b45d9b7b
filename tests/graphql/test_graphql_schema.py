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
        "prepareContact", "confirmContact", "prepareContactEmail", "refineContactEmail", "sendContactEmail"}


def test_only_the_graphql_function_imports_strawberry():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "functions").rglob("*.py")
                 if re.search(r"^\s*(import|from) strawberry", p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert offenders == []
    assert not (ROOT / "graphql" / "__init__.py").exists(), "graphql/ must not be a package (graphql-core's name)"

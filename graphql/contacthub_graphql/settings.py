"""Limits and switches of the GraphQL endpoint, read once per container from the environment."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

# template.yaml passes its `GraphqlIntrospection` parameter (true|false, default false) as this variable.
INTROSPECTION_ENV = "GRAPHQL_INTROSPECTION"


def running_locally(env: Mapping[str, str]) -> bool:
    """Outside Lambda (tests, `contacthub serve`) or under `sam local`: a developer's machine."""
    return "AWS_LAMBDA_FUNCTION_NAME" not in env or env.get("AWS_SAM_LOCAL", "").lower() == "true"


@dataclass(frozen=True)
class Settings:
    # Introspection and the GraphiQL page go together: a production API answers neither.
    introspection: bool = True
    # Document limits, checked while validating (before any resolver runs). Sized so the deepest frontend
    # query (contacts > edges > node > tasks > contact > pipelineState > name) and GraphiQL's own
    # introspection query pass with room to spare.
    max_depth: int = 10
    max_aliases: int = 20
    max_tokens: int = 2000
    # The most a request may cost (objects it may answer, nested page sizes multiplied; see cost.py): 100
    # contacts with 100 tasks each pass; a page of tasks inside a page of tasks inside a page of contacts does not.
    max_cost: int = 20_000
    max_body_bytes: int = 256 * 1024

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Introspection is on when the variable says so, and always on a developer's machine.

        The local server copies the template's defaults into its environment, so `false` (the production
        default) reaches it too; local mode is recognised instead, and keeps GraphiQL usable.
        """
        env = os.environ if env is None else env
        explicit = env.get(INTROSPECTION_ENV, "false").strip().lower() == "true"
        return cls(introspection=explicit or running_locally(env))

"""Write the schema's SDL to graphql/schema.graphql (checked in; tests/graphql fails when it drifts).

    .venv/bin/python -m contacthub_graphql.export          # rewrite the file
    .venv/bin/python -m contacthub_graphql.export --check  # exit 1 when the file differs from the code
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"
REGENERATE = ".venv/bin/python -m contacthub_graphql.export"


def render() -> str:
    from strawberry.printer import print_schema

    from .schema import build_schema

    return print_schema(build_schema()) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is stale")
    args = parser.parse_args(argv)
    sdl = render()
    current = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else None
    if args.check:
        if current != sdl:
            print(f"{SDL_PATH} is stale: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    if current != sdl:
        SDL_PATH.write_text(sdl, encoding="utf-8")
        print(f"wrote {SDL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

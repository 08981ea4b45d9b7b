"""The benches under bench/, loaded as modules so tests can hold their bounds (counts, never times)."""
from __future__ import annotations

import importlib.util
from types import ModuleType

from contacthub_local.template import PROJECT_ROOT


def load_bench(name: str) -> ModuleType:
    """bench/<name>.py, loaded by path under the name `bench_<name>`: on sys.path, bench/graphql.py would shadow
    graphql-core."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", PROJECT_ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

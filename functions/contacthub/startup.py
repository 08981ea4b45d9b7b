"""A function's init phase: importing its handler, once per container.

What a handler module builds while it is imported (modules, classes, routes, the GraphQL schema) lives as long as
the container. Python's cyclic garbage collector, left on, runs dozens of young and usually one full collection
during those imports, tracing objects that can never be freed: on a REST handler a few tens of milliseconds of
the first caller's wait, more for GraphQL. During the import it is paused; afterwards what was built is frozen
(``gc.freeze``: moved out of the generations the collector traces), so later collections only look at what
requests create. Collection then runs as usual; nothing is kept that would otherwise be freed, since these
objects stay referenced by their modules anyway.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def init_phase() -> Iterator[None]:
    """Import a handler and build what it serves with the collector paused; freeze the result."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()

"""Lambda SnapStart hooks (template.yaml's SnapStart parameter): prime before the snapshot, refresh after restore.

With SnapStart, Lambda runs a function's init once per published version, snapshots the memory, and starts
new containers from that snapshot. Whatever the first request would pay for (imports, the botocore session
parsing the DynamoDB model, the services, the clients' first connection setup) is better paid before the
snapshot; whatever must differ per container (credentials, connections, random state) is refreshed after
restore. ``snapshot_restore_py`` exists only in Lambda's python3.12+ runtimes: elsewhere the hooks are kept
here and can be run by hand (tests, the cold-start bench) with ``run_before_snapshot`` / ``run_after_restore``.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Callable

logger = logging.getLogger(__name__)

_before: list[Callable[[], None]] = []
_after: list[Callable[[], None]] = []

try:  # the Lambda runtime's module; absent locally, in tests and before python3.12
    from snapshot_restore_py import register_after_restore, register_before_snapshot
except ImportError:  # pragma: no cover - depends on the runtime
    register_after_restore = register_before_snapshot = None


def on_snapshot(prime: Callable[[], None]) -> None:
    """Register ``prime`` to run before the snapshot, and the common refresh after restore (once)."""
    if not _after:
        _after.append(refresh)
        if register_after_restore is not None:
            register_after_restore(_run_after_restore)
    if prime in _before:  # the local server imports every handler into one process
        return
    _before.append(prime)
    if register_before_snapshot is not None:
        register_before_snapshot(_guarded(prime))


def _guarded(prime: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            prime()
        except Exception:  # noqa: BLE001 - a failed priming only costs the first request its time, never the version
            logger.warning("Priming before the snapshot failed; the first request will do the work", exc_info=True)
    return run


def _run_after_restore() -> None:
    for hook in _after:
        hook()


def run_before_snapshot() -> None:
    for prime in _before:
        _guarded(prime)()


def run_after_restore() -> None:
    _run_after_restore()


def prime_store() -> None:
    """What every function's first request needs: the services, the DynamoDB model and the clients."""
    from . import aws_clients
    from .store.tables import ApiKeyItem, ContactItem
    from .wiring import rate_limiter, services

    aws_clients.prime("dynamodb")
    built = services()
    for name in ("workspaces", "contacts", "pipeline", "tasks", "requests"):
        getattr(built, name)
    for model in (ApiKeyItem, ContactItem):
        model._get_connection().connection.client  # noqa: B018 - made now, replaced after restore
    rate_limiter()


def refresh() -> None:
    """After restore: new clients (credentials and connections of this container), new random state. The
    parsed service models and the built services are kept; their clients are made again on first use."""
    from . import aws_clients
    from .store.tables import bind_tables
    from .wiring import rate_limiter, settings

    aws_clients.reset()
    bind_tables(settings())  # drops every model's connection, and with it the old client
    rate_limiter.cache_clear()
    random.seed()  # every container restored from one snapshot would otherwise draw the same numbers

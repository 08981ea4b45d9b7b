"""The AWS clients of a container, made from one botocore session.

Each ``boto3.client()`` builds a session of its own, which lists botocore's data and parses the service model,
the endpoint rules and the partitions again: on a cold container that is most of what a first request waits
for. One session parses them once; clients of one service, endpoint and configuration are shared (a botocore
client is thread-safe once made; making one is not, hence the lock). Nothing here imports boto3.

``reset()`` drops them all, for a SnapStart restore: credentials and connections must not come from the snapshot.
"""
from __future__ import annotations

import threading
from typing import Any

_lock = threading.RLock()
_session: Any = None
_clients: dict[tuple, Any] = {}


def session() -> Any:
    global _session
    with _lock:
        if _session is None:
            from botocore.session import get_session

            _session = get_session()
        return _session


def client(service: str, region: str | None = None, endpoint: str | None = None, **config: Any) -> Any:
    """A shared client; ``config`` are botocore ``Config`` options (timeouts, retries...). ``endpoint`` None is
    the region's own, or what ``AWS_ENDPOINT_URL_<SERVICE>`` says, as for boto3."""
    key = (service, region, endpoint, repr(sorted(config.items())))
    with _lock:
        made = _clients.get(key)
        if made is None:
            from botocore.config import Config

            made = _clients[key] = session().create_client(service, region_name=region, endpoint_url=endpoint,
                                                           config=Config(**config) if config else None)
        return made


def prime(service: str) -> None:
    """Load a service's model and endpoint rules into the session without making a client (SnapStart, init)."""
    loader = session().get_component("data_loader")
    loader.load_service_model(service, "service-2")
    loader.load_service_model(service, "endpoint-rule-set-1")
    loader.load_data("partitions")
    loader.load_data("endpoints")


def reset() -> None:
    """Forget every client, connection and credential: the next call makes fresh ones. The parsed service
    models (plain data) are kept, so a restored container does not parse them again."""
    global _session
    with _lock:
        for made in _clients.values():
            try:
                made.close()
            except Exception:  # noqa: BLE001 - a client that cannot close is dropped anyway
                pass
        _clients.clear()
        if _session is not None:
            from botocore.session import get_session

            fresh = get_session()
            fresh.register_component("data_loader", _session.get_component("data_loader"))
            _session = fresh

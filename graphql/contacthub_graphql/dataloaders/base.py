from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from strawberry.dataloader import DataLoader

from ..concurrency import Changes, adopt, changes, run_blocking

if TYPE_CHECKING:
    from contacthub.wiring import Services

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class WorkspaceLoader(DataLoader[K, V], Generic[K, V]):
    """A loader bound to one request and one workspace: no key can reach another workspace's items.

    Subclasses answer a whole batch in `fetch`, one value per key in key order. `fetch` is blocking (boto3):
    it runs in the thread pool, so the batches of other loaders dispatched in the same round run alongside.
    """

    def __init__(self, services: Services, workspace_id: str):
        self.services = services
        self.workspace_id = workspace_id
        self._settled: dict[Any, Changes] = {}
        super().__init__(load_fn=self._load_batch)

    def load(self, key: K) -> Awaitable[V]:
        return self._settle(key, super().load(key))

    async def _settle(self, key: K, pending: Awaitable[V]) -> V:
        value = await pending
        adopt(self._settled.get(key, {}))  # the load continues where its batch's work left off
        return value

    async def _load_batch(self, keys: list[K]) -> list[V]:
        before = dict(contextvars.copy_context().items())
        values = await run_blocking(self.fetch, keys)
        done = changes(before, contextvars.copy_context())
        self._settled.update(dict.fromkeys(keys, done))
        return values

    def fetch(self, keys: list[K]) -> list[V]:
        raise NotImplementedError

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from strawberry.dataloader import DataLoader

if TYPE_CHECKING:
    from contacthub.wiring import Services

K = TypeVar("K")
V = TypeVar("V")


class WorkspaceLoader(DataLoader[K, V], Generic[K, V]):
    """A loader bound to one request and one workspace: no key can reach another workspace's items.

    Subclasses answer a whole batch in `fetch`, one value per key in key order. Services are synchronous
    (boto3); a Lambda serves one request at a time, so running them on the event loop costs nothing.
    """

    def __init__(self, services: Services, workspace_id: str):
        self.services = services
        self.workspace_id = workspace_id
        super().__init__(load_fn=self._load_batch)

    async def _load_batch(self, keys: list[K]) -> list[V]:
        return self.fetch(keys)

    def fetch(self, keys: list[K]) -> list[V]:
        raise NotImplementedError

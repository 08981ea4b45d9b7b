"""What every resolver gets as `info.context`: built for one request, never shared between requests."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .dataloaders import Loaders

if TYPE_CHECKING:
    from contacthub.domain.workspace import Principal
    from contacthub.wiring import Services


@dataclass(frozen=True)
class Context:
    principal: Principal  # authenticated before the schema runs; every read and write is scoped to it
    services: Services
    loaders: Loaders
    request_id: str  # API Gateway's request id: in logs, and in masked errors so support can find them

    @property
    def workspace_id(self) -> str:
        return self.principal.workspace_id

    @classmethod
    def create(cls, principal: Principal, services: Services, request_id: str) -> Context:
        return cls(principal, services, Loaders.for_workspace(services, principal.workspace_id), request_id)

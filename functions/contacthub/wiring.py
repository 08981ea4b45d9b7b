"""Builds services on the DynamoDB adapters, once per Lambda container (warm invocations reuse them)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .services.contacts import ContactService
    from .services.pipeline import PipelineService
    from .services.workspaces import WorkspaceService


@dataclass(frozen=True)
class Services:
    contacts: "ContactService"
    pipeline: "PipelineService"
    workspaces: "WorkspaceService"


@lru_cache(maxsize=1)
def services() -> Services:
    """Imported lazily so a cold start pays only for what the first request needs."""
    from .services.contacts import ContactService
    from .services.pipeline import PipelineService
    from .services.workspaces import WorkspaceService
    from .store.repositories import ApiKeyRepository, ContactRepository, PipelineRepository, WorkspaceRepository

    states = PipelineRepository()
    return Services(
        contacts=ContactService(ContactRepository(), states),
        pipeline=PipelineService(states),
        workspaces=WorkspaceService(WorkspaceRepository(), ApiKeyRepository()),
    )

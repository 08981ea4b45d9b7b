from __future__ import annotations

from contacthub.domain.pipeline import PipelineState

from .base import WorkspaceLoader


class PipelineStateByIdLoader(WorkspaceLoader[str, PipelineState | None]):
    """One Query reads all of the workspace's states (at most 50), whatever the number of keys."""

    def fetch(self, keys: list[str]) -> list[PipelineState | None]:
        states = {s.id: s for s in self.services.pipeline.list(self.workspace_id)}
        return [states.get(key) for key in keys]

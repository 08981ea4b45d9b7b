from __future__ import annotations

from contacthub.domain.contact import tag_key
from contacthub.ports import TagCount

from .base import WorkspaceLoader


class TagCountByKeyLoader(WorkspaceLoader[str, int]):
    """Contact counts by tag key (trimmed, case-folded): one Query reads the workspace's tag catalogue."""

    def fetch(self, keys: list[str]) -> list[int]:
        tags = self.services.contacts.tag_counts(self.workspace_id)
        counts = {tag_key(t.tag): t.count for t in tags}
        return [counts.get(key, 0) for key in keys]


class TagByKeyLoader(WorkspaceLoader[str, TagCount | None]):
    """Catalogue entries by tag key: one Query reads the workspace's tag catalogue."""

    def fetch(self, keys: list[str]) -> list[TagCount | None]:
        tags = {tag_key(t.tag): t for t in self.services.contacts.tag_counts(self.workspace_id)}
        return [tags.get(key) for key in keys]

from __future__ import annotations

from contacthub.ports import LocationCount

from .base import WorkspaceLoader


class LocationByIdLoader(WorkspaceLoader[str, LocationCount | None]):
    """One Query reads the workspace's location catalogue (a business has few locations)."""

    def fetch(self, keys: list[str]) -> list[LocationCount | None]:
        locations = self.services.contacts.location_counts(self.workspace_id)
        catalogue = {loc.id: loc for loc in locations}
        return [catalogue.get(key) for key in keys]

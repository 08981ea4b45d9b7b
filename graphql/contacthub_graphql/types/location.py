from __future__ import annotations

import strawberry
from strawberry.types import Info
from .node import Node


@strawberry.type(description="A business location (branch, office) that contacts belong to.")
class Location(Node):
    id: str
    title: str | None
    # Known when the location comes from the catalogue; a contact's location looks it up in one batch.
    known_count: strawberry.Private[int | None] = None

    @strawberry.field(description="How many contacts belong to this location.")
    async def contact_count(self, info: Info) -> int:
        if self.known_count is not None:
            return self.known_count
        found = await info.context.loaders.location.load(self.id)
        return found.count if found else 0

    def node_key(self) -> str:
        return self.id

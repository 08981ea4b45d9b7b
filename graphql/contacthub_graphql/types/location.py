
import strawberry
from strawberry.types import Info

from contacthub.domain.contact import MAX_SHORT_TEXT
from .node import Node


@strawberry.type(description="A business location (branch, office) that contacts belong to.")
class Location(Node):
    id: str = strawberry.field(description=f"Location id, at most {MAX_SHORT_TEXT} characters.")
    title: str | None = strawberry.field(
        description=f"Display name, at most {MAX_SHORT_TEXT} characters; null when not given.")
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

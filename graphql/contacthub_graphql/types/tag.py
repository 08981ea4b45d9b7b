
import strawberry
from strawberry.types import Info

from contacthub.domain.contact import MAX_TAG_LENGTH, tag_key
from .node import Node


@strawberry.type(description="A tag of the workspace's catalogue (tags are case-insensitive).")
class Tag(Node):
    name: str = strawberry.field(
        description=f"The tag, runs of spaces collapsed (at most {MAX_TAG_LENGTH} characters).")
    # Known when the tag comes from the catalogue; a contact's tag looks its count up in one batch.
    known_count: strawberry.Private[int | None] = None

    @strawberry.field(description="How many contacts carry this tag.")
    async def contact_count(self, info: Info) -> int:
        if self.known_count is not None:
            return self.known_count
        return await info.context.loaders.tag_count.load(tag_key(self.name))

    def node_key(self) -> str:
        return tag_key(self.name)

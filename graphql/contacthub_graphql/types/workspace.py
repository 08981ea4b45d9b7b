
from datetime import datetime

import strawberry
from .node import Node


@strawberry.type(description="The tenant every query and mutation is scoped to.")
class Workspace(Node):
    id: strawberry.ID = strawberry.field(description="Workspace id.")
    name: str = strawberry.field(description="Display name.")
    created_at: datetime | None = strawberry.field(description="When the workspace was created; null when unknown.")
    contact_count: int = strawberry.field(description="Contacts in the workspace.")

    def node_key(self) -> str:
        return str(self.id)

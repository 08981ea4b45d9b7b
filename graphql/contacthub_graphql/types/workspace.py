from __future__ import annotations

from datetime import datetime

import strawberry
from .node import Node


@strawberry.type(description="The tenant every query and mutation is scoped to.")
class Workspace(Node):
    id: strawberry.ID
    name: str
    created_at: datetime | None
    contact_count: int

    def node_key(self) -> str:
        return str(self.id)

from __future__ import annotations

import strawberry
from .node import Node


@strawberry.type(description="The person an API key belongs to.")
class User(Node):
    id: strawberry.ID
    name: str
    email: str

    def node_key(self) -> str:
        return str(self.id)


import strawberry
from .node import Node


@strawberry.type(description="The person an API key belongs to.")
class User(Node):
    id: strawberry.ID = strawberry.field(description="User id.")
    name: str = strawberry.field(description="Display name.")
    email: str = strawberry.field(description="Email address.")

    def node_key(self) -> str:
        return str(self.id)

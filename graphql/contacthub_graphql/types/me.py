
import strawberry

from .user import User
from .workspace import Workspace


@strawberry.type(description="Who is calling: the API key's user and workspace.")
class Me:
    user: User | None = strawberry.field(description="The key's user; null when not found.")
    workspace: Workspace | None = strawberry.field(description="The key's workspace; null when not found.")

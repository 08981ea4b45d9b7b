from __future__ import annotations

import strawberry


@strawberry.type(description="The person an API key belongs to.")
class User:
    id: strawberry.ID
    name: str
    email: str

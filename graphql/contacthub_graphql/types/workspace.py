from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(description="The tenant every query and mutation is scoped to.")
class Workspace:
    id: strawberry.ID
    name: str
    created_at: datetime | None
    contact_count: int

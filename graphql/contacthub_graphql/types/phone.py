from __future__ import annotations

import strawberry


@strawberry.type(description="A phone number as typed, with its E.164 form when it could be parsed.")
class Phone:
    raw: str
    e164: str | None

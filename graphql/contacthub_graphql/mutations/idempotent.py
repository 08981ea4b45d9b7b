"""`idempotencyKey` on the mutations that create: the REST dialects' Idempotency-Key, the same store and rules.

The first call runs and its created object's id is kept a day; a retry with the same key and the same input
answers that object again (created once); another input with the key is a ValidationError, a retry while the
first still runs a ConflictError. A failed create keeps nothing, so it can be retried.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.types import Info

from contacthub.domain.errors import ValidationFailed

from ..inputs import plain

T = TypeVar("T")
MAX_KEY_LENGTH = 255
KEY_ARGUMENT = "idempotency_key"
KEY_DESCRIPTION = ("Run this create once: a retry with the same key and input answers the same object "
                   "(kept 24 hours); the key with another input is a ValidationError.")


def once(info: Info, operation: str, key: str | None, input: Any, create: Callable[[], T],
         created_id: Callable[[T], str], reload: Callable[[str], T]) -> T:
    """``create()`` at most once per workspace, operation and key; a replay answers ``reload(id)``."""
    if key is None:
        return create()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed.one(KEY_ARGUMENT, f"An idempotency key is 1 to {MAX_KEY_LENGTH} printable "
                                                 "characters.", "invalid_idempotency_key")
    ctx = info.context
    made: list[T] = []

    def run() -> dict:
        made.append(create())
        return {"id": created_id(made[0])}

    fingerprint = hashlib.sha256(json.dumps(plain(input), default=str, sort_keys=True).encode()).hexdigest()
    stored, _replayed = ctx.services.requests.run(f"{ctx.workspace_id}#graphql#{operation}#{key}", fingerprint,
                                                  run)
    return made[0] if made else reload(stored["id"])

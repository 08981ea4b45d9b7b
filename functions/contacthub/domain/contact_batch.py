"""Writing many contacts in one request: the modes, the keys an upsert matches on, what each item became."""
from __future__ import annotations

from enum import Enum

MAX_BATCH_SIZE = 100


class BatchMode(str, Enum):
    CREATE = "create"  # every item is a new contact
    UPSERT = "upsert"  # an item matching an existing contact updates it, others are created


class MatchKey(str, Enum):
    EMAIL = "email"  # any of the item's addresses, case-insensitive
    PHONE = "phone"  # any of the item's numbers, by E.164 (numbers that have none never match)


class WriteOutcome(str, Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"

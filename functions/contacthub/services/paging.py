"""The one paging policy: page sizes and the opaque keyset cursors of every dialect and GraphQL."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json

from ..domain import messages
from ..domain.errors import InvalidCursor

DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 100


def bounded(offset: int, limit: int) -> tuple[int, int]:
    """(offset, limit) clamped to the policy. Any page can be asked for: deep ones skip small entries only."""
    return max(offset, 0), max(1, min(limit, MAX_PAGE_SIZE))


def mirrored(offset: int, limit: int, total: int) -> tuple[int, int]:
    """(offset, limit) of the same items counted from the list's other end (read them, then reverse them)."""
    end = max(total - offset, 0)
    start = max(end - limit, 0)
    return start, end - start


def scope(*parts: object) -> str:
    """What a cursor is bound to (workspace, normalized query, order), as a short digest."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(bound_to: str, key: str) -> str:
    raw = json.dumps({"v": 1, "q": bound_to, "k": key}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(bound_to: str, cursor: str, field: str = "cursor") -> str:
    """The key a cursor continues after; InvalidCursor for a cursor of another workspace or query."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("k"), str):
            raise ValueError(cursor)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor.one(field, messages.FOREIGN_CURSOR, "invalid_cursor") from None
    if data.get("q") != bound_to:
        raise InvalidCursor.one(field, messages.OTHER_LIST_CURSOR, "invalid_cursor")
    return str(data["k"])

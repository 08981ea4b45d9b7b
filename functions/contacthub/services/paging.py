"""The one paging policy: page sizes and how deep a listing can be paged, for every dialect and GraphQL."""
from __future__ import annotations

from ..domain import messages
from ..domain.errors import ValidationFailed

DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000  # deep pages cost reads proportional to the offset: past this, narrow the list instead


def bounded(offset: int, limit: int, what: str = "results") -> tuple[int, int]:
    """(offset, limit) clamped to the policy; ValidationFailed when the page lies past MAX_OFFSET."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if offset + limit > MAX_OFFSET:
        raise ValidationFailed.one("page", messages.too_deep_page(MAX_OFFSET, what), "too_deep")
    return max(offset, 0), limit


def mirrored(offset: int, limit: int, total: int) -> tuple[int, int]:
    """(offset, limit) of the same items counted from the list's other end (read them, then reverse them)."""
    end = max(total - offset, 0)
    start = max(end - limit, 0)
    return start, end - start

"""Cursor pagination over the services' offset pages. Pure functions.

A cursor is opaque to clients; inside it is the item's position in the ordered result (`contacts:41`), so
`after` maps straight onto the services' `offset`. Positions shift when items are added or removed between
two requests, exactly as the REST dialects' `page` does; the services offer no stable key order to do better.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from contacthub.services.paging import MAX_OFFSET, MAX_PAGE_SIZE
from strawberry.relay import PageInfo

from .errors import BadUserInput
from .types.connection import Connection, Edge

# MAX_PAGE_SIZE and MAX_OFFSET are the services' paging policy: asking for more is an error, not a silent
# truncation. The default is GraphQL's own, part of the schema.
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")
N = TypeVar("N")


def encode_cursor(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, position = text.partition(":")
        if prefix != kind or not position.isdigit():
            raise ValueError(text)
        return int(position)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadUserInput(f"`after` is not a {kind} cursor from this API") from None


@dataclass(frozen=True)
class Window:
    """Which items a page holds: `offset` items are skipped, at most `limit` are returned."""

    offset: int
    limit: int


def window(kind: str, first: int, after: str | None) -> Window:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 0 and {MAX_PAGE_SIZE}")
    offset = decode_cursor(kind, after) + 1 if after else 0
    if offset > MAX_OFFSET:
        raise BadUserInput(f"Pages end after {MAX_OFFSET} items; narrow the filters instead")
    return Window(offset, first)


def connection(kind: str, items: Sequence[T], page: Window, total: int,
               to_node: Callable[[T], N]) -> Connection[N]:
    edges = [Edge(node=to_node(item), cursor=encode_cursor(kind, page.offset + i))
             for i, item in enumerate(items)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.offset + len(items) < total,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )

"""Cursor pagination. Pure functions.

Contact cursors are the services' keyset cursors, bound to the workspace and the query: stable under
concurrent writes. Task cursors hold the item's position in the ordered result (`tasks:41`), mapped onto the
services' `offset`; positions shift when tasks are added or removed between two requests.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from contacthub.ports import ContactPage
from contacthub.services.paging import MAX_PAGE_SIZE
from strawberry.relay import PageInfo

from .errors import BadUserInput
from .types.connection import Connection, Edge

# MAX_PAGE_SIZE is the services' paging policy: asking for more is an error, not a silent truncation.
# The default is GraphQL's own, part of the schema.
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
    check_first(first)
    return Window(decode_cursor(kind, after) + 1 if after else 0, first)


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 0 and {MAX_PAGE_SIZE}")
    return first


def keyset_connection(page: ContactPage, after: str | None, to_node: Callable[[T], N]) -> Connection[N]:
    """A connection over a keyset page: each edge's cursor is the services' cursor at that item."""
    edges = [Edge(node=to_node(item), cursor=cursor) for item, cursor in zip(page.items, page.positions, strict=True)]
    # `first: 0` answers no edge, hence no cursor; items still follow when the (requested) total says so
    more = page.next is not None or (not edges and after is None and bool(page.total))
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total or 0,
    )


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

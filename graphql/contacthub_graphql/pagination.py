"""Cursor pagination. Pure functions.

Cursors are the services' keyset cursors, bound to the workspace, the query and the order: stable under
concurrent writes (no item twice, nothing that existed throughout skipped).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from contacthub.services.paging import MAX_PAGE_SIZE
from strawberry.relay import PageInfo

from .errors import BadUserInput
from .types.connection import Connection, Edge

# MAX_PAGE_SIZE is the services' paging policy: asking for more is an error, not a silent truncation.
# The default is GraphQL's own, part of the schema.
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
N = TypeVar("N")


class KeysetPage(Protocol[T_co]):
    """A services' page: its items, their cursors, the cursor of the next page, the total when asked."""

    @property
    def items(self) -> Sequence[T_co]: ...
    @property
    def positions(self) -> Sequence[str]: ...
    @property
    def next(self) -> str | None: ...
    @property
    def total(self) -> int | None: ...


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 0 and {MAX_PAGE_SIZE}")
    return first


def keyset_connection(page: KeysetPage[T], after: str | None, to_node: Callable[[T], N]) -> Connection[N]:
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

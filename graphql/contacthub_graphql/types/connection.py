"""Relay-style cursor connections: `Connection[Contact]` is named ContactConnection in the schema."""

from typing import Generic, TypeVar

import strawberry
from strawberry.relay import PageInfo

Node = TypeVar("Node")


@strawberry.type(description="An item of a connection and the cursor just after it.")
class Edge(Generic[Node]):
    node: Node = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Pass as `after` to read the items that follow this one.")


@strawberry.type(description="One page of a list, with what is needed to read the next page.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]] = strawberry.field(description="The items of this page, in the list's order.")
    page_info: PageInfo = strawberry.field(description="Whether more items follow, and the cursor to read them.")
    total_count: int = strawberry.field(description="Items matching the filters, over all pages.")


__all__ = ["Connection", "Edge", "PageInfo"]

"""Runs one write and turns its expected failures into the payload's `error` member."""

import typing
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from strawberry.types import Info

from contacthub.domain.errors import DomainError

from ..errors import error_type_for

P = TypeVar("P")


@cache
def allowed_errors(payload: type) -> frozenset[type]:
    """The members of a payload's `error` union, read from its annotation."""
    found: set[type] = set()

    def walk(annotation: object) -> None:
        if isinstance(annotation, type):
            found.add(annotation)
        for arg in typing.get_args(annotation):
            walk(arg)

    walk(typing.get_type_hints(payload, include_extras=True)["error"])
    found.discard(type(None))
    return frozenset(found)


def outcome(info: Info, payload: type[P], write: Callable[[], P]) -> P:
    """`write()` builds the success payload; an expected failure becomes `payload(error=...)`.

    A failure the payload does not declare is re-raised: it is unexpected, and gets masked and logged.
    """
    try:
        return write()
    except DomainError as error:
        member = error_type_for(error)
        if member is None or type(member) not in allowed_errors(payload):
            raise
        return payload(error=member)
    finally:
        # Later fields and mutations of this request must see the write, not what was loaded before it.
        info.context.loaders.clear_all()

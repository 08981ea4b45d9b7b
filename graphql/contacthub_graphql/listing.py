"""Lists behind the connections: a connection's window mapped onto the services' ordered listings."""
from __future__ import annotations

from typing import TYPE_CHECKING

from contacthub.domain.task import Task, TaskQuery
from contacthub.domain.errors import InvalidCursor
from contacthub.ports import ContactPage, ContactQuery

from .errors import BadUserInput
from .pagination import Window

if TYPE_CHECKING:
    from contacthub.wiring import Services


def list_contacts(services: Services, workspace_id: str, query: ContactQuery, first: int, after: str | None,
                  newest_first: bool = True, has_open_tasks: bool | None = None,
                  with_total: bool = True) -> ContactPage:
    """A page of contacts after the keyset cursor ``after``; a foreign cursor is a user error."""
    try:
        return services.contacts.search(workspace_id, query, 0, first, cursor=after, cursor_field="after",
                                        with_total=with_total, newest_first=newest_first,
                                        has_open_tasks=has_open_tasks)
    except InvalidCursor:
        raise BadUserInput("`after` is not a cursor of this list: start again without it") from None


def list_tasks(services: Services, workspace_id: str, query: TaskQuery, page: Window,
               soonest_first: bool = True) -> tuple[list[Task], int]:
    """(the page's tasks, total matches)."""
    found = services.tasks.list_page(workspace_id, query, page.offset, page.limit, soonest_first=soonest_first)
    return found.items, found.total

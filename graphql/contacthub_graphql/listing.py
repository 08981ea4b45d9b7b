"""Lists behind the connections: a connection's window mapped onto the services' ordered listings."""
from __future__ import annotations

from typing import TYPE_CHECKING

from contacthub.domain.contact import Contact
from contacthub.domain.task import Task, TaskQuery
from contacthub.ports import ContactQuery

from .pagination import Window

if TYPE_CHECKING:
    from contacthub.wiring import Services


def list_contacts(services: Services, workspace_id: str, query: ContactQuery, page: Window,
                  newest_first: bool = True, has_open_tasks: bool | None = None) -> tuple[list[Contact], int]:
    """(the page's contacts, total matches)."""
    found = services.contacts.list_page(workspace_id, query, page.offset, page.limit, newest_first=newest_first,
                                   has_open_tasks=has_open_tasks)
    return found.items, found.total


def list_tasks(services: Services, workspace_id: str, query: TaskQuery, page: Window,
               soonest_first: bool = True) -> tuple[list[Task], int]:
    """(the page's tasks, total matches)."""
    found = services.tasks.list_page(workspace_id, query, page.offset, page.limit, soonest_first=soonest_first)
    return found.items, found.total

"""Lists behind the connections.

Contacts: the services' search, plus what it has no parameter for (oldest first, "has open tasks"), composed
from ordered ids so no contact outside the page is read. Tasks: the services' due-date order, or its mirror.
"""
from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from contacthub.domain.contact import Contact
from contacthub.domain.task import Task, TaskQuery
from contacthub.ports import ContactQuery

from .pagination import Window, reverse_window

if TYPE_CHECKING:
    from contacthub.wiring import Services


def list_contacts(services: Services, workspace_id: str, query: ContactQuery, page: Window,
                  newest_first: bool = True, has_open_tasks: bool | None = None) -> tuple[list[Contact], int]:
    """(the page's contacts, total matches)."""
    if newest_first and has_open_tasks is None:
        # The common case is exactly the REST dialects' search (a zero-size page still reports the total).
        found = services.contacts.search(workspace_id, query, page.offset, max(page.limit, 1))
        return found.items[:page.limit], found.total

    repository = services.contacts.contacts
    ids = repository.matching_ids(workspace_id, query, newest_first=newest_first)
    if has_open_tasks is None:
        total = _workspace_size(services, workspace_id) if query.is_empty() else None
    else:
        busy = services.tasks.contacts_with_open_tasks(workspace_id)
        if has_open_tasks and query.is_empty():
            return _order_few(services, workspace_id, busy, page, newest_first)
        ids = (i for i in ids if (i in busy) == has_open_tasks)
        total = _workspace_size(services, workspace_id) - len(busy) if query.is_empty() else None
    if total is None:  # a filtered query's ids are all in memory already: count them
        matched = list(ids)
        total, ids = len(matched), iter(matched)
    return _read_page(services, workspace_id, ids, page), total


def _read_page(services: Services, workspace_id: str, ids: Iterator[str], page: Window) -> list[Contact]:
    page_ids = list(islice(ids, page.offset, page.offset + page.limit))
    found = services.contacts.contacts.get_many(workspace_id, page_ids)
    return [found[i] for i in page_ids if i in found]


def _order_few(services: Services, workspace_id: str, ids: set[str], page: Window,
               newest_first: bool) -> tuple[list[Contact], int]:
    """Contacts with open tasks, unfiltered otherwise: read them all (their number grows with open tasks,
    not with the workspace) and order them by creation."""
    contacts = sorted(services.contacts.contacts.get_many(workspace_id, ids).values(),
                      key=lambda c: (c.created_at, c.id), reverse=newest_first)
    return contacts[page.offset:page.offset + page.limit], len(contacts)


def _workspace_size(services: Services, workspace_id: str) -> int:
    workspace = services.workspaces.workspaces.get(workspace_id)
    return workspace.contact_count if workspace else 0


def list_tasks(services: Services, workspace_id: str, query: TaskQuery, page: Window,
               soonest_first: bool = True) -> tuple[list[Task], int]:
    """(the page's tasks, total matches). Latest first reads the mirrored window and reverses it."""
    search = services.tasks.search
    if soonest_first:
        found = search(workspace_id, query, page.offset, max(page.limit, 1))
        return found.items[:page.limit], found.total
    total = search(workspace_id, query, 0, 1).total
    mirrored = reverse_window(page, total)
    found = search(workspace_id, query, mirrored.offset, max(mirrored.limit, 1))
    return list(reversed(found.items[:mirrored.limit])), total

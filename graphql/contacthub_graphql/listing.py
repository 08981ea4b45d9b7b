"""Lists behind the connections: keyset pages of the services, with their errors as GraphQL user errors."""
from __future__ import annotations

from typing import TYPE_CHECKING

from contacthub.domain.task import TaskQuery, TaskSlice
from contacthub.domain.errors import InvalidCursor, ValidationFailed
from contacthub.ports import ContactPage, ContactSort
from contacthub.services.criteria import Criterion

from .errors import BadUserInput

if TYPE_CHECKING:
    from contacthub.wiring import Services


def list_contacts(services: Services, workspace_id: str, criterion: Criterion, first: int, after: str | None,
                  sort: ContactSort | None = None, descending: bool = True, with_total: bool = True) -> ContactPage:
    """A page of contacts after the keyset cursor ``after``; a foreign cursor or a filter the service refuses is
    a user error."""
    try:
        return services.contacts.filter(workspace_id, criterion, sort, descending, first, cursor=after,
                                        cursor_field="after", with_total=with_total)
    except InvalidCursor:
        raise BadUserInput("`after` is not a cursor of this list: start again without it") from None
    except ValidationFailed as error:
        raise BadUserInput(f"`filter`: {error.violations[0].message}") from None


def list_tasks(services: Services, workspace_id: str, query: TaskQuery, first: int, after: str | None,
               latest_first: bool = False, with_total: bool = True) -> TaskSlice:
    """A page of tasks after the keyset cursor ``after``; a foreign cursor or a refused filter is a user error."""
    try:
        return services.tasks.page(workspace_id, query, first, cursor=after, cursor_field="after",
                                   latest_first=latest_first, with_total=with_total)
    except InvalidCursor:
        raise BadUserInput("`after` is not a cursor of this list: start again without it") from None
    except ValidationFailed as error:  # e.g. an out-of-range date
        raise BadUserInput(str(error)) from None

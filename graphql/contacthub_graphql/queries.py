"""The Query root. Every resolver reads through the caller's workspace: another workspace's ids are null."""

import asyncio
from typing import Annotated

import strawberry
from strawberry.types import Info

from contacthub.domain.task import TaskQuery
from contacthub.ports import ContactQuery
from contacthub.services.criteria import AllOf

from . import pagination
from .concurrency import run_blocking
from .duplicate_queries import DuplicateQueries
from .errors import BadUserInput
from .inputs import MAX_FILTER_TEXT, ContactFilter, TaskFilter, filter_text
from .integration_queries import IntegrationQueries
from .listing import list_contacts, list_tasks
from .nodes import resolve_node
from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .types.connection import Connection
from .types.contact import Contact
from .types.enums import ContactOrder, TaskOrder
from .types.location import Location
from .types.me import Me
from .types.node import Node
from .types.pipeline_state import PipelineState
from .types.tag import Tag
from .types.task import Task
from .types.user import User
from .types.workspace import Workspace


def selects(info: Info, name: str) -> bool:
    """Whether the field being resolved selects ``name``, fragments included (a total costs more than a page)."""
    def found(selections) -> bool:
        return any((getattr(s, "name", None) == name and not hasattr(s, "type_condition"))
                   or (not hasattr(s, "arguments") and found(getattr(s, "selections", [])))
                   for s in selections)

    return any(found(f.selections) for f in info.selected_fields)


First = Annotated[int, strawberry.argument(description=f"Page size, 0 to {MAX_PAGE_SIZE}.")]
After = Annotated[str | None, strawberry.argument(description="endCursor of the previous page.")]


@strawberry.type
class Query(IntegrationQueries, DuplicateQueries):
    @strawberry.field(description="The caller: the API key's user and workspace.")
    def me(self, info: Info) -> Me:
        user, workspace = info.context.services.workspaces.me(info.context.principal)
        return Me(
            user=User(id=strawberry.ID(user.id), name=user.name, email=user.email) if user else None,
            workspace=Workspace(id=strawberry.ID(workspace.id), name=workspace.name,
                                created_at=workspace.created_at, contact_count=workspace.contact_count)
            if workspace else None,
        )

    @strawberry.field(description="Any object of this workspace by its `nodeId`, or null.")
    async def node(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
            description="A `nodeId`.")]) -> Node | None:
        return await resolve_node(info, str(id))

    @strawberry.field(description=f"Objects of this workspace by `nodeId`, in the order asked (null where not "
                                  f"found); at most {MAX_PAGE_SIZE} ids.")
    async def nodes(self, info: Info, ids: Annotated[list[strawberry.ID], strawberry.argument(
            description=f"`nodeId`s, at most {MAX_PAGE_SIZE}.")]) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise BadUserInput(f"`ids` holds at most {MAX_PAGE_SIZE} ids")
        return list(await asyncio.gather(*(resolve_node(info, str(i)) for i in ids)))

    @strawberry.field(description="A contact of this workspace by id, or null.")
    async def contact(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
            description="The contact's `id`.")]) -> Contact | None:
        found = await info.context.loaders.contact.load(str(id))
        return Contact.from_domain(found) if found else None

    @strawberry.field(description=(
        "Contacts meeting `filter` and `search`, in `orderBy` order; without `orderBy`, newest first, or by the "
        "matched word for a one-word `search` (then a page costs about a page however many match)."))
    async def contacts(
        self, info: Info,
        filter: Annotated[ContactFilter | None, strawberry.argument(
            description="Only contacts matching the filter (and `search`, when given).")] = None,
        search: Annotated[str | None, strawberry.argument(
            description=f"Free text, at most {MAX_FILTER_TEXT} characters: each word a prefix of a word of the "
                        f"name, or the text an email prefix or domain, or phone digits (the start of the number "
                        f"or its last 4 or more). Combines with `filter` by AND.")] = None,
        order_by: Annotated[ContactOrder | None, strawberry.argument(description=(
            "By creation, last change or name. Ordering by change or by name with a filter or `search` reads "
            "every contact the filter's most selective condition matches."))] = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Contact]:
        pagination.check_first(first)
        criterion = (filter or ContactFilter()).to_criterion()
        if search is not None:
            criterion = AllOf((ContactQuery(text=filter_text(search, "search")), criterion))
        sort, descending = order_by.sort if order_by else (None, True)
        with_total = selects(info, "totalCount")
        page = await run_blocking(lambda: list_contacts(
            info.context.services, info.context.workspace_id, criterion, first, after, sort, descending,
            with_total=with_total))
        return pagination.keyset_connection(page, after, Contact.from_domain)

    @strawberry.field(description="A task of this workspace by id, or null.")
    async def task(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
            description="The task's `id`.")]) -> Task | None:
        found = await info.context.loaders.task.load(str(id))
        return Task.from_domain(found) if found else None

    @strawberry.field(description="Tasks, soonest due first unless ordered otherwise.")
    async def tasks(
        self, info: Info,
        filter: Annotated[TaskFilter | None, strawberry.argument(
            description="Only tasks matching every given filter.")] = None,
        order_by: Annotated[TaskOrder, strawberry.argument(description="By due date.")] = TaskOrder.DUE_DATE_ASC,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Task]:
        pagination.check_first(first)
        query = filter.to_query() if filter else TaskQuery()
        with_total = selects(info, "totalCount")
        page = await run_blocking(lambda: list_tasks(
            info.context.services, info.context.workspace_id, query, first, after,
            latest_first=order_by is TaskOrder.DUE_DATE_DESC, with_total=with_total))
        return pagination.keyset_connection(page, after, Task.from_domain)

    @strawberry.field(description="The pipeline, in board order, with each state's contact count.")
    def pipeline_states(self, info: Info) -> list[PipelineState]:
        states = info.context.services.pipeline.list(info.context.workspace_id)
        return [PipelineState.from_domain(s) for s in states]

    @strawberry.field(description="A pipeline state of this workspace by id, or null.")
    async def pipeline_state(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
            description="The state's `id`.")]) -> PipelineState | None:
        found = await info.context.loaders.pipeline_state.load(str(id))
        return PipelineState.from_domain(found) if found else None

    @strawberry.field(description="The tag catalogue: every tag in use, with its contact count.")
    def tags(self, info: Info) -> list[Tag]:
        counts = info.context.services.contacts.tag_counts(info.context.workspace_id)
        return [Tag(name=t.tag, known_count=t.count) for t in counts]

    @strawberry.field(description="The location catalogue: every location in use, with its contact count.")
    def locations(self, info: Info) -> list[Location]:
        counts = info.context.services.contacts.location_counts(info.context.workspace_id)
        return [Location(id=loc.id, title=loc.title, known_count=loc.count) for loc in counts]


"""Query fields of the integration platform: the change feed and webhook subscriptions."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from contacthub.domain.errors import NotFound
from contacthub.domain.events import parse_types
from contacthub.domain.webhooks import MAX_SUBSCRIPTIONS
from contacthub.services.feed import DEFAULT_LIMIT
from contacthub.services.paging import MAX_PAGE_SIZE

from .types.integration import Event, EventPage, Webhook, check_page_size, page_info, read


@strawberry.type(description="The change feed and webhook subscriptions (part of Query).")
class IntegrationQueries:
    @strawberry.field(description="The change feed, oldest first: every create, update and delete of contacts, "
                                  "tasks and pipeline states (kept 30 days). Page on with `after` = `endCursor`; "
                                  "once caught up (`hasNextPage` false), poll with `after` = the last event's id.")
    def events(self, info: Info,
               first: Annotated[int, strawberry.argument(
                   description=f"Page size, 1 to {MAX_PAGE_SIZE}.")] = DEFAULT_LIMIT,
               after: Annotated[str | None, strawberry.argument(
                   description="`endCursor` of the previous page, or the id of the last event handled "
                               "(resume after catching up).")] = None,
               types: Annotated[list[str] | None, strawberry.argument(
                   description="Only these event types (all when absent).")] = None) -> EventPage:
        check_page_size(first)
        ctx = info.context
        page = read(lambda: ctx.services.feed.page(ctx.workspace_id, after, parse_types(",".join(types or ())),
                                                   first))
        return EventPage(nodes=[Event.from_wire(e) for e in page.items], page_info=page_info(page.next))

    @strawberry.field(description=f"Webhook subscriptions of this workspace (at most {MAX_SUBSCRIPTIONS}: one list).")
    def webhooks(self, info: Info) -> list[Webhook]:
        return [Webhook.from_domain(s) for s in info.context.services.webhooks.list(info.context.workspace_id)]

    @strawberry.field(description="A webhook subscription by id, or null.")
    def webhook(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
                    description="`Webhook.id`.")]) -> Webhook | None:
        try:
            return Webhook.from_domain(info.context.services.webhooks.get(info.context.workspace_id, str(id)))
        except NotFound:
            return None

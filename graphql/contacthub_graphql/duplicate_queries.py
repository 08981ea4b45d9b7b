"""Query fields of duplicate detection (part of Query)."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from contacthub.services.duplicates import DEFAULT_GROUPS
from contacthub.services.paging import MAX_PAGE_SIZE

from .concurrency import run_blocking
from .types.duplicate import DuplicateGroup, DuplicateGroupPage
from .types.integration import check_page_size, page_info, read


@strawberry.type(description="Likely duplicate contacts (part of Query).")
class DuplicateQueries:
    @strawberry.field(description=(
        "Groups of contacts that are likely one person, each at its oldest contact with its newer likely "
        "duplicates (a group an older contact's group already holds is not repeated). The contacts are walked "
        "oldest first, a bounded number per request: a page may hold fewer groups than `first`, even none, and "
        "`hasNextPage` stays true until every contact was examined. Checking a contact costs a fixed number of "
        "reads, whatever the size of the workspace."))
    async def duplicate_candidates(
        self, info: Info,
        first: Annotated[int, strawberry.argument(description=f"Most groups, 1 to {MAX_PAGE_SIZE}.")] = DEFAULT_GROUPS,
        after: Annotated[str | None, strawberry.argument(
            description="`endCursor` of the previous page.")] = None,
    ) -> DuplicateGroupPage:
        check_page_size(first)
        ctx = info.context
        page = await run_blocking(lambda: read(lambda: ctx.services.duplicates.page(
            ctx.workspace_id, first, cursor=after, cursor_field="after")))
        for group in page.groups:  # nested reads of these contacts find them loaded
            for contact in (group.contact, *(d.contact for d in group.duplicates)):
                ctx.loaders.contact.prime(contact.id, contact)
        return DuplicateGroupPage(nodes=[DuplicateGroup.from_domain(g) for g in page.groups],
                                  page_info=page_info(page.next))

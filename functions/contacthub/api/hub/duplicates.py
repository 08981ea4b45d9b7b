"""/hub/v1/duplicates: likely duplicate contacts, in groups (services/duplicates.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...services.duplicates import DuplicateGroup, DuplicateMatch
from ...services.paging import MAX_PAGE_SIZE
from ...wiring import services
from . import mapping
from ..validation import Query, documented, lazy_module
from .routes import _doc, _json, _page, _ws

if TYPE_CHECKING:
    from . import duplicate_schemas
else:  # the response model: imported when the API reference is built, not by a read
    duplicate_schemas = lazy_module(__package__ + ".duplicate_schemas")

duplicates = Router()

DESCRIPTION = (
    "Groups of contacts that are likely one person, each at its oldest contact with its newer likely duplicates "
    "(a group that an older contact's group already holds is not repeated). The walk goes through the contacts "
    "oldest first and examines a bounded number per request: a page may hold fewer groups than `limit`, even "
    "none, yet carries a `next` cursor until every contact was examined. Checking one contact costs a fixed "
    "number of reads, whatever the size of the workspace. With `contactId`, that contact alone is checked: one "
    "group (itself with every likely duplicate, older or newer) or none, and `next` is null."
)


def _match(match: DuplicateMatch) -> dict[str, Any]:
    return {"contact": mapping.contact_to_wire(match.contact), "score": match.score,
            "reasons": [r.value for r in match.reasons]}


def group_to_wire(group: DuplicateGroup) -> dict[str, Any]:
    return {"contact": mapping.contact_to_wire(group.contact), "duplicates": [_match(m) for m in group.duplicates],
            "score": group.score, "reasons": [r.value for r in group.reasons]}


@duplicates.get("/hub/v1/duplicates", summary="Page through groups of likely duplicate contacts",
                description=DESCRIPTION)
@documented(lambda: _doc(duplicate_schemas.DuplicateGroupPage))
def list_duplicates(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Most groups in a page")] = 20,
    after: Annotated[str | None, Query(max_length=512, description="The `next` cursor of the previous page")] = None,
    contactId: Annotated[str | None, Query(max_length=64, description="Check this contact only")] = None,  # noqa: N803
):
    service = services().duplicates
    workspace_id = _ws(duplicates)
    if contactId is not None:
        group = service.check(workspace_id, contactId, after)
        return _json(_page([group_to_wire(group)] if group else [], None))
    page = service.page(workspace_id, limit, cursor=after, cursor_field="after")
    return _json(_page([group_to_wire(g) for g in page.groups], page.next))

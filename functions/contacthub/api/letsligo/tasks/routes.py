"""letsligo ContactTask routes (/api/contact_tasks). Parse, map, call one TaskService method, map back."""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ....domain.task import TaskType
from ....services.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from ....wiring import services
from ... import conditional
from ...common import principal
from ...validation import Query, lazy_module
from ..errors import LETSLIGO
from ..wire import collection, json_response
from . import mapping

contact_tasks = Router()
if TYPE_CHECKING:
    from . import schemas
else:  # request bodies: imported when a write (or the API reference) first needs them
    schemas = lazy_module(__package__ + ".schemas")

_DATE = dict(max_length=64, description="ISO 8601 date or date-time")
_TYPES = "One of " + ", ".join(t.value for t in TaskType)


def _workspace() -> str:
    return principal(contact_tasks).workspace_id


@contact_tasks.get("/api/contact_tasks")
def list_contact_tasks(
    page: Annotated[int, Query(ge=1)] = 1,
    itemsPerPage: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    contact: Annotated[Optional[str], Query(max_length=200, description="Contact IRI or id")] = None,
    completed: Annotated[Optional[str], Query(max_length=5, description="true, false, 1 or 0")] = None,
    type: Annotated[Optional[str], Query(max_length=32, description=_TYPES)] = None,
    due_before: Annotated[Optional[str], Query(alias="dueDate[before]", **_DATE)] = None,
    due_strictly_before: Annotated[Optional[str], Query(alias="dueDate[strictly_before]", **_DATE)] = None,
    due_after: Annotated[Optional[str], Query(alias="dueDate[after]", **_DATE)] = None,
    due_strictly_after: Annotated[Optional[str], Query(alias="dueDate[strictly_after]", **_DATE)] = None,
):
    """Tasks by due date, soonest first."""
    query = mapping.task_query(contact, completed, type, due_before, due_strictly_before, due_after,
                                    due_strictly_after)
    offset = (page - 1) * itemsPerPage
    result = services().tasks.search(_workspace(), query, offset=offset, limit=itemsPerPage)
    members = [mapping.task_to_wire(t, with_context=False) for t in result.items]
    sent = contact_tasks.current_event.query_string_parameters or {}
    params = {k: v for k, v in sent.items() if k != "page"}
    return json_response(collection(mapping.TASKS, mapping.CONTEXT, members, result.total, page,
                            itemsPerPage, params))


@contact_tasks.post("/api/contact_tasks")
def create_contact_task(body: schemas.ContactTaskCreate):
    fields = mapping.fields_from_wire(body.model_dump(exclude_unset=True))
    task = services().tasks.create(_workspace(), fields)
    wire = mapping.task_to_wire(task)
    response = conditional.tagged(json_response(wire, 201), task.version)
    response.headers["Location"] = wire["@id"]
    return response


@contact_tasks.get("/api/contact_tasks/<id>")
def get_contact_task(id: str):
    task = services().tasks.get(_workspace(), id)
    return conditional.read(contact_tasks, task.version, lambda: json_response(mapping.task_to_wire(task)))


@contact_tasks.patch("/api/contact_tasks/<id>")
def update_contact_task(id: str, body: schemas.ContactTaskFields):
    fields = mapping.fields_from_wire(body.model_dump(exclude_unset=True))
    task = services().tasks.update(_workspace(), id, fields, expected_version=conditional.if_match(contact_tasks))
    return conditional.tagged(json_response(mapping.task_to_wire(task)), task.version)


@contact_tasks.delete("/api/contact_tasks/<id>")
def delete_contact_task(id: str):
    services().tasks.delete(_workspace(), id, expected_version=conditional.if_match(contact_tasks))
    return Response(204, LETSLIGO.content_type, "")

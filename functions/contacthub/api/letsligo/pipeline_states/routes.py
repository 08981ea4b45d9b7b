"""letsligo pipeline state routes (/api/pipeline_states): read-only. Parse, call one service, map back."""
from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router

from ....services.paging import DEFAULT_PAGE_SIZE
from ....wiring import services
from ...common import principal
from ...validation import Query
from ..wire import collection, json_response
from . import mapping

pipeline_states = Router()


@pipeline_states.get("/api/pipeline_states")
def list_pipeline_states(page: Annotated[int, Query(ge=1)] = 1):
    states = services().pipeline.list(principal(pipeline_states).workspace_id)
    chunk = states[(page - 1) * DEFAULT_PAGE_SIZE: page * DEFAULT_PAGE_SIZE]
    members = [mapping.state_to_wire(s, with_context=False) for s in chunk]
    return json_response(collection(mapping.PIPELINE_STATES, "PipelineState", members, len(states), page,
                                    DEFAULT_PAGE_SIZE, {}))


@pipeline_states.get("/api/pipeline_states/<id>")
def get_pipeline_state(id: str):
    return json_response(mapping.state_to_wire(services().pipeline.get(principal(pipeline_states).workspace_id, id)))

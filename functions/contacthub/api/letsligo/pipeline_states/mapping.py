"""Pure letsligo PipelineState <-> domain mapping. Golden tests: tests/unit/test_letsligo_mapping.py."""
from __future__ import annotations

from typing import Any

from ....domain.pipeline import PipelineState

PIPELINE_STATES = "/api/pipeline_states"


def state_ref(state: PipelineState | None) -> dict | None:
    return {"id": state.id, "name": state.name} if state else None


def state_to_wire(state: PipelineState, with_context: bool = True) -> dict[str, Any]:
    wire = {
        "@context": "/api/contexts/PipelineState",
        "@id": f"{PIPELINE_STATES}/{state.id}",
        "@type": "PipelineState",
        "id": state.id,
        "name": state.name,
        "color": state.color,
        "position": state.position,
    }
    if not with_context:
        wire.pop("@context")
    return wire

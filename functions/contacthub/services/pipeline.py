"""Pipeline states (= lead statuses): list, look up and manage a workspace's ordered states."""
from __future__ import annotations

import uuid

from ..domain import messages
from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.pipeline import MAX_STATES, PipelineState, StateType, validate_state_fields
from ..domain.text import canonical_uuid
from ..ports import PipelineRepository


class PipelineService:
    def __init__(self, states: PipelineRepository):
        self._states = states

    def list(self, workspace_id: str) -> list[PipelineState]:
        return self._states.list(workspace_id)

    def get(self, workspace_id: str, state_id: str) -> PipelineState:
        key = canonical_uuid(state_id)
        state = self._states.get(workspace_id, key) if key else None
        if state is None:
            raise NotFound("PipelineState", state_id)
        return state

    def find(self, workspace_id: str, state_id: str | None) -> PipelineState | None:
        """The state, or None when there is none (a contact's state shown beside it)."""
        key = canonical_uuid(state_id) if state_id else None
        return self._states.get(workspace_id, key) if key else None

    def create(self, workspace_id: str, name: str, color: str = "#6B7280",
               type: StateType = StateType.LEAD, position: int | None = None) -> PipelineState:
        existing = self._states.list(workspace_id)
        if len(existing) >= MAX_STATES:
            raise ValidationFailed.one("name", messages.too_many(MAX_STATES), "too_many")
        # before allocating a number: a rejected create writes nothing
        values = validate_state_fields({"name": name, "color": color, "type": type})
        state = PipelineState(workspace_id, str(uuid.uuid4()), self._states.allocate_number(workspace_id),
                              values["name"], values["color"], len(existing), values["type"])
        state = self._states.save(state)
        return self.move(workspace_id, state.id, position) if position is not None else state

    def update(self, workspace_id: str, state_id: str, name: str | None = None, color: str | None = None,
               type: StateType | None = None) -> PipelineState:
        state = self.get(workspace_id, state_id)
        values = validate_state_fields({k: v for k, v in (("name", name), ("color", color), ("type", type))
                                        if v is not None})
        return self._states.save(state.with_changes(**values))

    def move(self, workspace_id: str, state_id: str, position: int) -> PipelineState:
        """Put a state at a 0-based position and renumber the others densely."""
        ordered = self._states.list(workspace_id)
        moving = next((s for s in ordered if s.id == state_id), None)
        if moving is None:
            raise NotFound("PipelineState", state_id)
        ordered.remove(moving)
        ordered.insert(max(0, min(position, len(ordered))), moving)
        result = moving
        for i, state in enumerate(ordered):
            if state.position != i:
                saved = self._states.save(state.with_changes(position=i))
                result = saved if saved.id == state_id else result
        return self.get(workspace_id, state_id) if result is moving else result

    def delete(self, workspace_id: str, state_id: str) -> None:
        state = self.get(workspace_id, state_id)
        if state.contact_count > 0:
            raise Conflict("Move this state's contacts to another state before deleting it")
        self._states.delete(state)
        for i, other in enumerate(self._states.list(workspace_id)):
            if other.position != i:
                self._states.save(other.with_changes(position=i))


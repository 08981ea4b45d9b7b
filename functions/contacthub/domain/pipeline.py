"""Pipeline states, a.k.a. lead statuses: one workspace-defined, ordered entity seen by every dialect."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from . import messages, rules


class StateType(str, Enum):
    LEAD = "lead"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"


@dataclass(frozen=True)
class PipelineState:
    workspace_id: str
    id: str  # UUID (letsligo)
    number: int  # per-workspace integer (skarbe lead status id)
    name: str
    color: str
    position: int  # 0-based; skarbe's `order` is position + 1
    type: StateType = StateType.LEAD
    contact_count: int = 0

    def with_changes(self, **changes: Any) -> "PipelineState":
        return replace(self, **changes)


# A new workspace starts with this pipeline; the first two match the skarbe documentation.
DEFAULT_PIPELINE: tuple[tuple[str, str, StateType], ...] = (
    ("New Lead", "#3B82F6", StateType.LEAD),
    ("Qualified Lead", "#10B981", StateType.QUALIFIED),
    ("Client", "#8B5CF6", StateType.QUALIFIED),
    ("Disqualified", "#EF4444", StateType.DISQUALIFIED),
)


MAX_STATES = 50
MAX_STATE_NAME = 100

STATE_RULES: dict[str, rules.Rule] = {
    "name": rules.RequiredText(MAX_STATE_NAME),
    "color": rules.Pattern(re.compile(r"^#[0-9A-F]{6}$"), messages.COLOR, 7, normalize=str.upper),
    "type": rules.Choice(StateType, required=True),
}


def validate_state_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise pipeline state fields; raises ValidationFailed listing every bad field."""
    return rules.validate(STATE_RULES, changes)

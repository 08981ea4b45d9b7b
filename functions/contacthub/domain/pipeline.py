"""Pipeline states, a.k.a. lead statuses: one workspace-defined, ordered entity seen by every dialect."""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any


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

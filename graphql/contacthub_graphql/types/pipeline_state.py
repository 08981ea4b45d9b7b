
import strawberry

from contacthub.domain.pipeline import MAX_STATE_NAME
from contacthub.domain.pipeline import PipelineState as DomainState

from .enums import PipelineStateType
from .node import Node


@strawberry.type(description="A step of the workspace's pipeline (a.k.a. lead status), in board order.")
class PipelineState(Node):
    id: strawberry.ID = strawberry.field(description="UUID.")
    number: int = strawberry.field(description="Per-workspace integer id (the skarbe lead status id).")
    name: str = strawberry.field(description=f"1 to {MAX_STATE_NAME} characters.")
    color: str = strawberry.field(description="#RRGGBB")
    position: int = strawberry.field(description="0-based place on the board.")
    type: PipelineStateType = strawberry.field(description="What reaching this state means.")
    contact_count: int = strawberry.field(description="Contacts currently in this state.")

    @classmethod
    def from_domain(cls, state: DomainState) -> "PipelineState":
        return cls(id=strawberry.ID(state.id), number=state.number, name=state.name, color=state.color,
                   position=state.position, type=PipelineStateType(state.type.value),
                   contact_count=state.contact_count)

    def node_key(self) -> str:
        return str(self.id)

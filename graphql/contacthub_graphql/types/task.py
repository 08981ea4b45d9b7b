
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contacthub.domain.task import MAX_DESCRIPTION, MAX_PAYLOAD_BYTES, MAX_TITLE
from contacthub.domain.task import Task as DomainTask

from .enums import TaskKind, TaskType
from .node import Node

if TYPE_CHECKING:
    from .contact import Contact


@strawberry.type(description="A dated to-do attached to one contact.")
class Task(Node):
    id: strawberry.ID = strawberry.field(description="UUID.")
    contact_id: strawberry.ID = strawberry.field(description="The contact it belongs to (see `contact`).")
    title: str = strawberry.field(description=f"1 to {MAX_TITLE} characters.")
    type: TaskType = strawberry.field(description="What it is about (OTHER unless given).")
    task_kind: TaskKind = strawberry.field(description="Who made it (MANUAL unless given).")
    payload: JSON | None = strawberry.field(
        description=f"Workflow data (JSON object, at most {MAX_PAYLOAD_BYTES} bytes) of system task kinds.")
    description: str | None = strawberry.field(description=f"Free text, at most {MAX_DESCRIPTION} characters.")
    due_date: datetime = strawberry.field(description="UTC, whole seconds.")
    completed: bool = strawberry.field(description="Done (completeTask) or open (reopenTask).")
    completed_at: datetime | None = strawberry.field(description="Set when completed, cleared when reopened.")
    created_at: datetime = strawberry.field(description="When the task was created.")
    updated_at: datetime = strawberry.field(description="When the task last changed.")
    version: int = strawberry.field(
        description="Changes on every write; pass it as `expectedVersion` not to overwrite someone else's change.")

    @classmethod
    def from_domain(cls, t: DomainTask) -> "Task":
        return cls(
            id=strawberry.ID(t.id), contact_id=strawberry.ID(t.contact_id), title=t.title,
            type=TaskType(t.type.value), task_kind=TaskKind(t.task_kind.value), payload=t.payload,
            description=t.description, due_date=t.due_date, completed=t.completed,
            completed_at=t.completed_at,
            created_at=t.created_at, updated_at=t.updated_at, version=t.version or 0,
        )

    @strawberry.field(description="The contact the task belongs to.")
    async def contact(
        self, info: Info,
    ) -> Annotated["Contact", strawberry.lazy("contacthub_graphql.types.contact")] | None:  # noqa: UP037
        from .contact import Contact

        found = await info.context.loaders.contact.load(str(self.contact_id))
        return Contact.from_domain(found) if found else None

    def node_key(self) -> str:
        return str(self.id)

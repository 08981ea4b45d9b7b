"""GraphQL enums mirroring the domain enums (same members, same values), so one list drives both."""
from __future__ import annotations

from enum import Enum

import strawberry

from contacthub.domain.contact import Stage, Status
from contacthub.domain.pipeline import StateType
from contacthub.domain.task import TaskKind as DomainTaskKind
from contacthub.domain.task import TaskType as DomainTaskType


def mirror(domain_enum: type[Enum], name: str, description: str) -> type[Enum]:
    """A GraphQL enum with the domain enum's members: the domain class itself stays free of strawberry."""
    return strawberry.enum(Enum(name, {member.name: member.value for member in domain_enum}),
                           description=description)


ContactStatus = mirror(Status, "ContactStatus", "System-driven lifecycle status of a contact.")
ContactStage = mirror(Stage, "ContactStage", "Marketing lifecycle stage (the whautomate enum).")
PipelineStateType = mirror(StateType, "PipelineStateType", "What reaching a pipeline state means.")


@strawberry.enum(description="Order of a contact list.")
class ContactOrder(Enum):
    CREATED_AT_DESC = "created_at_desc"
    CREATED_AT_ASC = "created_at_asc"


@strawberry.enum(description="Free-text contact fields that extendContact can append to.")
class ExtendableContactField(Enum):
    NOTES = "notes"
    MEETING_CONTEXT = "meeting_context"

TaskType = mirror(DomainTaskType, "TaskType", "What a task is about.")
TaskKind = mirror(DomainTaskKind, "TaskKind", "Who made a task and what completing it means: "
                                              "a person's to-do (MANUAL) or a step of a system workflow.")


@strawberry.enum(description="Order of a task list.")
class TaskOrder(Enum):
    DUE_DATE_ASC = "due_date_asc"
    DUE_DATE_DESC = "due_date_desc"

"""GraphQL enums mirroring the domain enums (same members, same values), so one list drives both."""

from enum import Enum

import strawberry

from contacthub.domain.contact import Stage, Status
from contacthub.domain.contact_batch import BatchMode, MatchKey, WriteOutcome
from contacthub.domain.pipeline import StateType
from contacthub.domain.task import TaskKind as DomainTaskKind
from contacthub.domain.task import TaskType as DomainTaskType
from contacthub.ports import ContactSort


def mirror(domain_enum: type[Enum], name: str, description: str,
           values: dict[str, str] | None = None) -> type[Enum]:
    """A GraphQL enum with the domain enum's members: the domain class itself stays free of strawberry.

    ``values``: descriptions of members, by name.
    """
    values = values or {}
    unknown = set(values) - set(domain_enum.__members__)
    assert not unknown, f"{name}: no such members {sorted(unknown)}"
    return strawberry.enum(Enum(name, {
        member.name: strawberry.enum_value(member.value, description=values[member.name])
        if member.name in values else member.value
        for member in domain_enum}), description=description)


ContactStatus = mirror(Status, "ContactStatus", "System-driven lifecycle status of a contact.", {
    "PENDING": "Every new contact starts here.",
    "CONTACTED": "Set (best effort) once an email is sent to the contact while it is PENDING or ENRICHED.",
})
ContactStage = mirror(Stage, "ContactStage", "Marketing lifecycle stage (the whautomate enum).")
PipelineStateType = mirror(StateType, "PipelineStateType", "What reaching a pipeline state means.")
ContactBatchMode = mirror(BatchMode, "ContactBatchMode", "How upsertContacts writes its contacts.", {
    "CREATE": "Every item is a new contact.",
    "UPSERT": "An item matching an existing contact (see `matchBy`) updates it with its given fields; the "
              "others are created.",
})
ContactMatchKey = mirror(MatchKey, "ContactMatchKey", "What upsertContacts matches existing contacts on.", {
    "EMAIL": "Any of the item's emails, ignoring case.",
    "PHONE": "Any of the item's phones, by E.164 (a number without an E.164 form never matches).",
})
ContactWriteOutcome = mirror(WriteOutcome, "ContactWriteOutcome", "What became of one item of upsertContacts.", {
    "CREATED": "A new contact was made.",
    "UPDATED": "The matched contact was changed.",
    "UNCHANGED": "The matched contact already had these values: nothing was written.",
    "ERROR": "Nothing of the item was written: see its `error`.",
})


@strawberry.enum(description="Order of a contact list.")
class ContactOrder(Enum):
    CREATED_AT_DESC = strawberry.enum_value("created_at_desc", description="Newest first.")
    CREATED_AT_ASC = strawberry.enum_value("created_at_asc", description="Oldest first.")
    UPDATED_AT_DESC = strawberry.enum_value("updated_at_desc", description="Most recently changed first.")
    UPDATED_AT_ASC = strawberry.enum_value("updated_at_asc", description="Least recently changed first.")
    NAME_ASC = strawberry.enum_value("name_asc", description="By name, A to Z (accent- and case-insensitive).")
    NAME_DESC = strawberry.enum_value("name_desc", description="By name, Z to A (accent- and case-insensitive).")

    @property
    def sort(self) -> tuple[ContactSort, bool]:
        """(what is ordered by, whether descending)."""
        field, direction = self.value.rsplit("_", 1)
        return ContactSort(field.removesuffix("_at")), direction == "desc"


@strawberry.enum(description="Free-text contact fields that extendContact can append to.")
class ExtendableContactField(Enum):
    NOTES = strawberry.enum_value("notes", description="The contact's `notes`.")
    MEETING_CONTEXT = strawberry.enum_value("meeting_context", description="The contact's `meetingContext`.")

TaskType = mirror(DomainTaskType, "TaskType", "What a task is about.")
TaskKind = mirror(DomainTaskKind, "TaskKind", "Who made a task and what completing it means: "
                                              "a person's to-do (MANUAL) or a step of a system workflow.",
                  {"MANUAL": "A person's to-do; the default."})


@strawberry.enum(description="Order of a task list.")
class TaskOrder(Enum):
    DUE_DATE_ASC = strawberry.enum_value("due_date_asc", description="Soonest due first.")
    DUE_DATE_DESC = strawberry.enum_value("due_date_desc", description="Latest due first.")

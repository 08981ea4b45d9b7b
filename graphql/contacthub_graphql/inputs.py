"""Input types: filters and mutation inputs (`<Verb><Noun>Input`), and their translation to service calls.

Mutation inputs use UNSET for "not given": an update changes exactly the fields present, and an explicit
null clears a field, as the REST dialects' PATCH does.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from contacthub.domain.contact import MAX_TAGS, SEARCH_TERM
from contacthub.domain.errors import ValidationFailed
from contacthub.domain.task import TaskQuery
from contacthub.domain.task import TaskType as DomainTaskType
from contacthub.ports import ContactQuery

from .errors import BadUserInput
from .types.enums import (
    ContactStage,
    ContactStatus,
    ExtendableContactField,
    PipelineStateType,
    TaskKind,
    TaskType,
)

MAX_FILTER_TEXT = 100


def given(value: Any) -> bool:
    return value is not strawberry.UNSET


def plain(value: Any) -> Any:
    """A GraphQL input value as the services take it: enums by value, input objects as dicts."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if given(getattr(value, f.name))}
    return value


def changes(data: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a client gave (null included), by canonical name; Python names are canonical."""
    return {f.name: plain(getattr(data, f.name)) for f in dataclasses.fields(data)
            if f.name not in skip and given(getattr(data, f.name))}


def _text(value: str | None, name: str) -> str | None:
    if value is not None and len(value) > MAX_FILTER_TEXT:
        raise BadUserInput(f"`{name}` has at most {MAX_FILTER_TEXT} characters")
    try:
        SEARCH_TERM(value, name)  # the domain's text rule: these terms are written into index keys
    except ValidationFailed as error:
        raise BadUserInput(f"`{name}`: {error.violations[0].message}") from None
    return value or None


# ---------------------------------------------------------------- filters

@strawberry.input(description="Contact filters; they combine with AND.")
class ContactFilter:
    status: ContactStatus | None = None
    stage: ContactStage | None = None
    pipeline_state_id: strawberry.ID | None = None
    tags: list[str] | None = strawberry.field(default=None, description="Contacts carrying all of these.")
    location_id: str | None = None
    channel: str | None = None
    company: str | None = strawberry.field(default=None, description="Word prefixes of the company name.")
    has_open_tasks: bool | None = strawberry.field(
        default=None, description="true: only contacts with an open task; false: only contacts without.")

    def to_query(self, search: str | None) -> ContactQuery:
        tags = self.tags or []
        if len(tags) > MAX_TAGS:
            raise BadUserInput(f"`tags` filters on at most {MAX_TAGS} tags")
        return ContactQuery(
            text=_text(search, "search"),
            company=_text(self.company, "company"),
            status=self.status.value if self.status else None,
            stage=self.stage.value if self.stage else None,
            pipeline_state_id=str(self.pipeline_state_id) if self.pipeline_state_id else None,
            tags=tuple(_text(t, "tags") for t in tags if t and t.strip()),
            location_id=_text(self.location_id, "locationId"),
            channel=_text(self.channel.strip().lower() if self.channel else None, "channel"),
        )


@strawberry.input(description="Filters of a contact's tasks, combined with AND. Due bounds are inclusive.")
class ContactTasksFilter:
    completed: bool | None = None
    type: TaskType | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None

    def to_query(self, contact_id: str | None = None) -> TaskQuery:
        return TaskQuery(contact_id=contact_id, completed=self.completed,
                         type=DomainTaskType(self.type.value) if self.type else None,
                         due_before=self.due_before, due_after=self.due_after)


@strawberry.input(description="Task filters; they combine with AND. Due bounds are inclusive.")
class TaskFilter(ContactTasksFilter):
    contact_id: strawberry.ID | None = None

    def to_query(self, contact_id: str | None = None) -> TaskQuery:
        return super().to_query(str(self.contact_id) if self.contact_id else None)


# ---------------------------------------------------------------- contacts

@strawberry.input
class LocationInput:
    id: str
    title: str | None = None


@strawberry.input(description="Canonical contact fields. Omitted fields are left alone; null clears a field.")
class ContactFieldsInput:
    name: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    emails: list[str] | None = strawberry.UNSET
    phones: list[str] | None = strawberry.UNSET
    company: str | None = strawberry.UNSET
    position: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    linkedin_url: str | None = strawberry.UNSET
    facebook_url: str | None = strawberry.UNSET
    instagram_url: str | None = strawberry.UNSET
    twitter_url: str | None = strawberry.UNSET
    photo: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    meeting_context: str | None = strawberry.UNSET
    stage: ContactStage | None = strawberry.UNSET
    pipeline_state_id: strawberry.ID | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    custom_fields: JSON | None = strawberry.UNSET
    location: LocationInput | None = strawberry.UNSET
    channel: str | None = strawberry.UNSET


@strawberry.input(description="A new contact: a name, first/last name or an email is required.")
class CreateContactInput(ContactFieldsInput):
    pass


@strawberry.input(description="Changes to a contact: only given fields change; a list replaces the old one.")
class UpdateContactInput(ContactFieldsInput):
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the contact is at this version.")


@strawberry.input
class DeleteContactInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the contact is at this version.")


@strawberry.input(description="Append text on a new line to one of the contact's free-text fields.")
class ExtendContactInput:
    id: strawberry.ID
    text: str
    field: ExtendableContactField = ExtendableContactField.NOTES


@strawberry.input
class MoveContactToPipelineStateInput:
    contact_id: strawberry.ID
    pipeline_state_id: strawberry.ID | None = strawberry.field(
        description="null takes the contact out of the pipeline.")


@strawberry.input
class AddTagsInput:
    contact_id: strawberry.ID
    tags: list[str]


@strawberry.input
class RemoveTagsInput:
    contact_id: strawberry.ID
    tags: list[str]


# ---------------------------------------------------------------- tasks

@strawberry.input
class CreateTaskInput:
    contact_id: strawberry.ID
    title: str
    due_date: datetime = strawberry.field(description="ISO 8601; without an offset it is read as UTC.")
    type: TaskType = TaskType.OTHER
    task_kind: TaskKind = TaskKind.MANUAL
    payload: JSON | None = None
    description: str | None = None
    completed: bool = False


@strawberry.input(description="Changes to a task: only the given fields change.")
class UpdateTaskInput:
    id: strawberry.ID
    contact_id: strawberry.ID | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    due_date: datetime | None = strawberry.UNSET
    type: TaskType | None = strawberry.UNSET
    task_kind: TaskKind | None = strawberry.UNSET
    payload: JSON | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    completed: bool | None = strawberry.UNSET
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


@strawberry.input
class CompleteTaskInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


@strawberry.input
class ReopenTaskInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


@strawberry.input
class DeleteTaskInput:
    id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


# ---------------------------------------------------------------- pipeline states

@strawberry.input
class CreatePipelineStateInput:
    name: str
    color: str = strawberry.field(default="#6B7280", description="#RRGGBB")
    type: PipelineStateType = PipelineStateType.LEAD
    position: int | None = strawberry.field(default=None, description="0-based; omitted: at the end.")


@strawberry.input
class RenamePipelineStateInput:
    id: strawberry.ID
    name: str


@strawberry.input
class RecolorPipelineStateInput:
    id: strawberry.ID
    color: str = strawberry.field(description="#RRGGBB")


@strawberry.input
class ReorderPipelineStateInput:
    id: strawberry.ID
    position: int = strawberry.field(description="0-based; the other states shift to make room.")


@strawberry.input
class DeletePipelineStateInput:
    id: strawberry.ID


# ---------------------------------------------------------------- contact capture

@strawberry.input(description="Text to extract a contact from; nothing is created until confirmContact.")
class PrepareContactInput:
    text: str = strawberry.field(description="An email signature, one or more vCards (2.1, 3.0, 4.0; the "
                                             "first is used) or a pasted business card. At most 20 KB.")
    overrides: ContactFieldsInput | None = strawberry.field(
        default=None, description="Values that replace what was extracted; null clears an extracted field.")


@strawberry.input(description="Create the prepared contact. A token works once, for one hour, in the "
                              "workspace that prepared it.")
class ConfirmContactInput:
    confirmation_token: str
    overrides: ContactFieldsInput | None = strawberry.field(default=None, description="Last-minute values.")


# ---------------------------------------------------------------- AI email flow

@strawberry.input(description="An email as the client has it: its own edits (currentEmail) or what to send "
                              "(emailData).")
class EmailContentInput:
    subject: str = strawberry.field(description="One line.")
    body: str = strawberry.field(description="Plain text.")
    to: str | None = strawberry.field(default=None,
                                      description="Recipient; default: the contact's first email.")


@strawberry.input(description="Write an email to a contact from an instruction, in a new session unless "
                              "`sessionId` continues one.")
class PrepareContactEmailInput:
    contact_id: strawberry.ID
    message: str = strawberry.field(description="The instruction, in any language.")
    session_id: strawberry.ID | None = None
    current_email: EmailContentInput | None = strawberry.field(
        default=None, description="The draft as the user edited it: kept as a version, and written from.")


@strawberry.input(description="A new version of the session's draft with the instruction applied.")
class RefineContactEmailInput:
    contact_id: strawberry.ID
    session_id: strawberry.ID
    instruction: str = strawberry.field(description='e.g. "Shorten paragraph 2".')
    current_email: EmailContentInput | None = strawberry.field(
        default=None, description="The user's own edit of the draft: refined instead of the latest version.")


@strawberry.input(description="Send the session's latest draft, or `emailData` (which wins when both are "
                              "given). Exactly once: sending again answers the first result.")
class SendContactEmailInput:
    contact_id: strawberry.ID
    session_id: strawberry.ID | None = None
    email_data: EmailContentInput | None = None

"""Input types: filters and mutation inputs (`<Verb><Noun>Input`), and their translation to service calls.

Mutation inputs use UNSET for "not given": an update changes exactly the fields present, and an explicit
null clears a field, as the REST dialects' PATCH does.
"""

import dataclasses
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Optional

import strawberry
from strawberry.scalars import JSON

from contacthub.domain.contact import (
    MAX_CHANNEL,
    MAX_CUSTOM_FIELD_KEY,
    MAX_CUSTOM_FIELD_VALUE,
    MAX_CUSTOM_FIELDS,
    MAX_EMAILS,
    MAX_LONG_TEXT,
    MAX_PHONES,
    MAX_SHORT_TEXT,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_URL,
    SEARCH_TERM,
)
from contacthub.domain.errors import ValidationFailed
from contacthub.domain.pipeline import MAX_STATE_NAME, MAX_STATES
from contacthub.domain.task import MAX_DESCRIPTION, MAX_DUE, MAX_PAYLOAD_BYTES, MAX_TITLE, MIN_DUE, TaskQuery
from contacthub.domain.task import TaskType as DomainTaskType
from contacthub.ports import ContactQuery, OpenTasks, TimeSpan
from contacthub.services.criteria import MAX_BRANCHES, MAX_LITERALS, AllOf, AnyOf, Criterion, NotOf

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
MAX_FILTER_LIST = 20  # filters in one `and` or `or`
_COLOR = "#RRGGBB, six hex digits in either case; stored uppercase."
_PAYLOAD_BYTES = f"{MAX_PAYLOAD_BYTES} bytes as compact UTF-8 JSON"
_DUE = (f"ISO 8601 DateTime, read as UTC when it has no offset, kept in whole seconds; in the years {MIN_DUE.year} "
        f"to {MAX_DUE.year - 1}.")
_CLEARS = "; trimmed; null or blank clears it"
_JOINED = ("Given without `name`, the name becomes firstName and lastName joined by a space, or the first email "
           "when both are empty (no email: refused).")


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


def filter_text(value: str | None, name: str) -> str | None:
    if value is not None and len(value) > MAX_FILTER_TEXT:
        raise BadUserInput(f"`{name}` has at most {MAX_FILTER_TEXT} characters")
    try:
        SEARCH_TERM(value, name)  # the domain's text rule: these terms are written into index keys
    except ValidationFailed as error:
        raise BadUserInput(f"`{name}`: {error.violations[0].message}") from None
    return value or None


# ---------------------------------------------------------------- filters

@strawberry.input(description="A time range: `since` inclusive, `before` exclusive; either may be omitted.")
class DateTimeRange:
    since: datetime | None = strawberry.field(
        default=None, description="At or after this moment (ISO 8601 DateTime, UTC when it has no offset).")
    before: datetime | None = strawberry.field(
        default=None, description="Strictly before this moment (ISO 8601 DateTime, UTC when it has no offset).")

    def to_span(self, field: str, name: str) -> TimeSpan:
        since, before = _utc(self.since), _utc(self.before)
        if since and before and since >= before:
            raise BadUserInput(f"`{name}`: `since` must come before `before`")
        return TimeSpan(field, since, before)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


@strawberry.input(description=(
    "Contact filters. The fields given combine with AND, together with `and` (all of its filters), `or` (any of "
    "its filters) and `not` (not its filter). Text fields are accent- and case-insensitive. Empty `and`/`or` "
    f"lists are ignored. A filter may expand to at most {MAX_BRANCHES} alternatives (an AND of ORs multiplies "
    f"them) of at most {MAX_LITERALS} conditions each. Cost: each alternative is read from the index entries of "
    "its most selective condition (an OR costs the sum of its alternatives); a `not` is checked on the contacts "
    "read, so a filter of negations alone reads the listing in order, skipping the contacts they exclude."))
class ContactFilter:
    name: str | None = strawberry.field(default=None, description=(
        f"Word prefixes of the first, last or display name; at most {MAX_FILTER_TEXT} characters."))
    email: str | None = strawberry.field(default=None, description=(
        f"A prefix of an email address, or its domain (`acme.example`, `@acme.example`); at most "
        f"{MAX_FILTER_TEXT} characters."))
    phone: str | None = strawberry.field(default=None, description=(
        f"Phone digits in any formatting: the start of the number, or its last 4 digits or more; at most "
        f"{MAX_FILTER_TEXT} characters."))
    status: ContactStatus | None = strawberry.field(default=None, description="Only contacts with this status.")
    stage: ContactStage | None = strawberry.field(default=None, description="Only contacts at this stage.")
    pipeline_state_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only contacts in this pipeline state.")
    tags: list[str] | None = strawberry.field(default=None, description=(
        f"Contacts carrying all of these (case-insensitive); at most {MAX_TAGS} tags."))
    location_id: str | None = strawberry.field(
        default=None, description=f"Only contacts at the location with this id; at most {MAX_FILTER_TEXT} characters.")
    channel: str | None = strawberry.field(
        default=None, description=(
            f"Only contacts from this channel (trimmed, lowercased); at most {MAX_FILTER_TEXT} characters."))
    company: str | None = strawberry.field(default=None, description=(
        f"Word prefixes of the company name; at most {MAX_FILTER_TEXT} characters."))
    has_open_tasks: bool | None = strawberry.field(
        default=None, description="true: only contacts with an open task; false: only contacts without.")
    created_at: DateTimeRange | None = strawberry.field(default=None, description="Created within this range.")
    updated_at: DateTimeRange | None = strawberry.field(default=None, description="Last changed within this range.")
    and_: list["ContactFilter"] | None = strawberry.field(
        default=None, name="and", description=f"Contacts matching every one of these; at most {MAX_FILTER_LIST}.")
    or_: list["ContactFilter"] | None = strawberry.field(
        default=None, name="or", description=f"Contacts matching any of these; at most {MAX_FILTER_LIST}.")
    not_: Optional["ContactFilter"] = strawberry.field(
        default=None, name="not", description="Contacts not matching this filter.")

    def to_criterion(self) -> Criterion:
        tags = self.tags or []
        if len(tags) > MAX_TAGS:
            raise BadUserInput(f"`tags` filters on at most {MAX_TAGS} tags")
        parts: list[Criterion] = [ContactQuery(
            name=filter_text(self.name, "name"),
            email=filter_text(self.email, "email"),
            phone=filter_text(self.phone, "phone"),
            company=filter_text(self.company, "company"),
            status=self.status.value if self.status else None,
            stage=self.stage.value if self.stage else None,
            pipeline_state_id=str(self.pipeline_state_id) if self.pipeline_state_id else None,
            tags=tuple(filter_text(t, "tags") for t in tags if t and t.strip()),
            location_id=filter_text(self.location_id, "locationId"),
            channel=filter_text(self.channel.strip().lower() if self.channel else None, "channel"),
        )]
        if self.has_open_tasks is not None:
            parts.append(OpenTasks(self.has_open_tasks))
        if self.created_at:
            parts.append(self.created_at.to_span("created", "createdAt"))
        if self.updated_at:
            parts.append(self.updated_at.to_span("updated", "updatedAt"))
        for name, nested in (("and", self.and_), ("or", self.or_)):
            if nested and len(nested) > MAX_FILTER_LIST:
                raise BadUserInput(f"`{name}` holds at most {MAX_FILTER_LIST} filters")
        parts += [f.to_criterion() for f in self.and_ or ()]
        if self.or_:
            parts.append(AnyOf(tuple(f.to_criterion() for f in self.or_)))
        if self.not_:
            parts.append(NotOf(self.not_.to_criterion()))
        return AllOf(tuple(parts))


@strawberry.input(description="Filters of a contact's tasks, combined with AND. Due bounds are inclusive.")
class ContactTasksFilter:
    completed: bool | None = strawberry.field(
        default=None, description="true: only completed tasks; false: only open ones; null or omitted: both.")
    type: TaskType | None = strawberry.field(default=None, description="Only tasks of this type.")
    due_before: datetime | None = strawberry.field(
        default=None, description="Only tasks due at or before this moment (UTC ISO-8601 DateTime).")
    due_after: datetime | None = strawberry.field(
        default=None, description="Only tasks due at or after this moment (UTC ISO-8601 DateTime).")

    def to_query(self, contact_id: str | None = None) -> TaskQuery:
        return TaskQuery(contact_id=contact_id, completed=self.completed,
                         type=DomainTaskType(self.type.value) if self.type else None,
                         due_before=self.due_before, due_after=self.due_after)


@strawberry.input(description="Task filters; they combine with AND. Due bounds are inclusive.")
class TaskFilter(ContactTasksFilter):
    contact_id: strawberry.ID | None = strawberry.field(default=None, description="Only the tasks of this contact.")

    def to_query(self, contact_id: str | None = None) -> TaskQuery:
        return super().to_query(str(self.contact_id) if self.contact_id else None)


# ---------------------------------------------------------------- contacts

@strawberry.input(description="Where a contact is: a location id and its display name.")
class LocationInput:
    id: str = strawberry.field(
        description=f"The location's id: required, not blank, at most {MAX_SHORT_TEXT} characters.")
    title: str | None = strawberry.field(
        default=None, description=f"Display name, at most {MAX_SHORT_TEXT} characters.")


@strawberry.input(description="Canonical contact fields. Omitted fields are left alone; null clears a field.")
class ContactFieldsInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description=(
            f"Display name, trimmed, at most {MAX_SHORT_TEXT} characters; null or blank is refused. Given without "
            "firstName/lastName it is split: the first word is the first name, the rest the last name."))
    first_name: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_SHORT_TEXT} characters{_CLEARS}. {_JOINED}")
    last_name: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_SHORT_TEXT} characters{_CLEARS}. {_JOINED}")
    emails: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=(
            f"Email addresses, normalised; duplicates (case-insensitive) are dropped; at most {MAX_EMAILS}. Replaces "
            "the list; null or [] clears it."))
    phones: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=(
            f"Phone numbers, each with at least one digit, kept as typed (trimmed); E.164 or local formats are "
            f"accepted, and an E.164 form is derived when the number is possible. At most {MAX_PHONES}. Replaces the "
            "list; null or [] clears it."))
    company: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_SHORT_TEXT} characters{_CLEARS}.")
    position: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"Job title, at most {MAX_SHORT_TEXT} characters{_CLEARS}.")
    address: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"Postal address, at most {MAX_SHORT_TEXT} characters{_CLEARS}.")
    website: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_URL} characters{_CLEARS}.")
    linkedin_url: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_URL} characters{_CLEARS}.")
    facebook_url: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_URL} characters{_CLEARS}.")
    instagram_url: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_URL} characters{_CLEARS}.")
    twitter_url: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_URL} characters{_CLEARS}.")
    photo: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"Photo URL, at most {MAX_URL} characters{_CLEARS}.")
    notes: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"Free text, at most {MAX_LONG_TEXT} characters{_CLEARS}.")
    meeting_context: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"Where and how you met, at most {MAX_LONG_TEXT} characters{_CLEARS}.")
    stage: ContactStage | None = strawberry.field(
        default=strawberry.UNSET, description="Marketing lifecycle stage; null clears it.")
    pipeline_state_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description=(
            "The pipeline state the contact is in; it must exist. null takes the contact out of the pipeline."))
    tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=(
            f"Tags (inner whitespace collapsed); duplicates (case-insensitive) are dropped; at most {MAX_TAGS} "
            f"distinct, each at most {MAX_TAG_LENGTH} characters. Replaces the list; null or [] clears it."))
    custom_fields: JSON | None = strawberry.field(
        default=strawberry.UNSET, description=(
            f"A JSON object of at most {MAX_CUSTOM_FIELDS} keys (each 1 to {MAX_CUSTOM_FIELD_KEY} characters) "
            f"whose values are strings (at most {MAX_CUSTOM_FIELD_VALUE} characters), numbers, booleans or null. "
            "Replaces the object; null clears it."))
    location: LocationInput | None = strawberry.field(
        default=strawberry.UNSET, description="The contact's location; null clears it.")
    channel: str | None = strawberry.field(
        default=strawberry.UNSET, description=(
            "Where the contact came from: a lowercase name such as whatsapp or telegram (letters, digits, - and _; "
            f"trimmed and lowercased), at most {MAX_CHANNEL} characters; null clears it."))


@strawberry.input(description="A new contact: a name, first/last name or an email is required.")
class CreateContactInput(ContactFieldsInput):
    pass


@strawberry.input(description="Changes to a contact: only given fields change; a list replaces the old one.")
class UpdateContactInput(ContactFieldsInput):
    id: strawberry.ID = strawberry.field(description="The contact to change.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the contact is at this version.")


@strawberry.input(description="Delete a contact.")
class DeleteContactInput:
    id: strawberry.ID = strawberry.field(description="The contact to delete.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the contact is at this version.")


@strawberry.input(description="Append text on a new line to one of the contact's free-text fields.")
class ExtendContactInput:
    id: strawberry.ID = strawberry.field(description="The contact to extend.")
    text: str = strawberry.field(
        description=(
            f"Text to append; not blank. The field's own bound ({MAX_LONG_TEXT} characters) applies to the result."))
    field: ExtendableContactField = strawberry.field(
        default=ExtendableContactField.NOTES, description="The field appended to.")


@strawberry.input(description="Put a contact in a pipeline state, or take it out of the pipeline.")
class MoveContactToPipelineStateInput:
    contact_id: strawberry.ID = strawberry.field(description="The contact to move.")
    pipeline_state_id: strawberry.ID | None = strawberry.field(
        description="null takes the contact out of the pipeline.")


@strawberry.input(description="Add tags to a contact.")
class AddTagsInput:
    contact_id: strawberry.ID = strawberry.field(description="The contact to tag.")
    tags: list[str] = strawberry.field(
        description=(
            "Tags to add; ones the contact already has (case-insensitive) are skipped. The contact keeps at most "
            f"{MAX_TAGS} distinct tags, each at most {MAX_TAG_LENGTH} characters."))


@strawberry.input(description="Remove tags from a contact.")
class RemoveTagsInput:
    contact_id: strawberry.ID = strawberry.field(description="The contact to untag.")
    tags: list[str] = strawberry.field(
        description="Tags to remove, matched case-insensitively; ones the contact lacks are ignored.")


# ---------------------------------------------------------------- tasks

@strawberry.input(description="A new task on a contact.")
class CreateTaskInput:
    contact_id: strawberry.ID = strawberry.field(description="The contact the task is about; it must exist.")
    title: str = strawberry.field(description=f"Required, not blank, at most {MAX_TITLE} characters.")
    due_date: datetime = strawberry.field(description=f"Required. {_DUE}")
    type: TaskType = strawberry.field(default=TaskType.OTHER, description="What the task is about.")
    task_kind: TaskKind = strawberry.field(default=TaskKind.MANUAL, description="Who made the task.")
    payload: JSON | None = strawberry.field(
        default=None, description=f"A JSON object, at most {_PAYLOAD_BYTES}.")
    description: str | None = strawberry.field(default=None, description=f"At most {MAX_DESCRIPTION} characters.")
    completed: bool = strawberry.field(default=False, description="Create the task already completed.")


@strawberry.input(description="Changes to a task: only the given fields change.")
class UpdateTaskInput:
    id: strawberry.ID = strawberry.field(description="The task to change.")
    contact_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Move the task to this contact; not null.")
    title: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"Not null or blank, at most {MAX_TITLE} characters.")
    due_date: datetime | None = strawberry.field(
        default=strawberry.UNSET, description=f"{_DUE} Not null.")
    type: TaskType | None = strawberry.field(default=strawberry.UNSET, description="Not null.")
    task_kind: TaskKind | None = strawberry.field(default=strawberry.UNSET, description="Not null.")
    payload: JSON | None = strawberry.field(
        default=strawberry.UNSET, description=f"A JSON object, at most {_PAYLOAD_BYTES}; null clears it.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description=f"At most {MAX_DESCRIPTION} characters; null clears it.")
    completed: bool | None = strawberry.field(default=strawberry.UNSET, description="Not null.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


@strawberry.input(description="Mark a task completed.")
class CompleteTaskInput:
    id: strawberry.ID = strawberry.field(description="The task to complete.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


@strawberry.input(description="Mark a task open again.")
class ReopenTaskInput:
    id: strawberry.ID = strawberry.field(description="The task to reopen.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


@strawberry.input(description="Delete a task.")
class DeleteTaskInput:
    id: strawberry.ID = strawberry.field(description="The task to delete.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the change (VersionConflict) unless the task is at this version.")


# ---------------------------------------------------------------- pipeline states

@strawberry.input(description=f"A new pipeline state; a workspace has at most {MAX_STATES}.")
class CreatePipelineStateInput:
    name: str = strawberry.field(description=f"Required, not blank, at most {MAX_STATE_NAME} characters.")
    color: str = strawberry.field(default="#6B7280", description=_COLOR)
    type: PipelineStateType = strawberry.field(
        default=PipelineStateType.LEAD, description="What reaching the state means.")
    position: int | None = strawberry.field(default=None, description="0-based; omitted: at the end.")


@strawberry.input(description="Rename a pipeline state.")
class RenamePipelineStateInput:
    id: strawberry.ID = strawberry.field(description="The state to rename.")
    name: str = strawberry.field(description=f"Required, not blank, at most {MAX_STATE_NAME} characters.")


@strawberry.input(description="Recolor a pipeline state.")
class RecolorPipelineStateInput:
    id: strawberry.ID = strawberry.field(description="The state to recolor.")
    color: str = strawberry.field(description=_COLOR)


@strawberry.input(description="Move a pipeline state to another position.")
class ReorderPipelineStateInput:
    id: strawberry.ID = strawberry.field(description="The state to move.")
    position: int = strawberry.field(description="0-based; the other states shift to make room.")


@strawberry.input(description="Delete a pipeline state.")
class DeletePipelineStateInput:
    id: strawberry.ID = strawberry.field(description="The state to delete.")


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
    confirmation_token: str = strawberry.field(description="The token prepareContact answered.")
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
    contact_id: strawberry.ID = strawberry.field(description="The recipient contact.")
    message: str = strawberry.field(description="The instruction, in any language.")
    session_id: strawberry.ID | None = strawberry.field(
        default=None, description="A session to continue; omitted: a new one.")
    current_email: EmailContentInput | None = strawberry.field(
        default=None, description="The draft as the user edited it: kept as a version, and written from.")


@strawberry.input(description="A new version of the session's draft with the instruction applied.")
class RefineContactEmailInput:
    contact_id: strawberry.ID = strawberry.field(description="The recipient contact.")
    session_id: strawberry.ID = strawberry.field(description="The session whose draft is refined.")
    instruction: str = strawberry.field(description='e.g. "Shorten paragraph 2".')
    current_email: EmailContentInput | None = strawberry.field(
        default=None, description="The user's own edit of the draft: refined instead of the latest version.")


@strawberry.input(description="Send the session's latest draft, or `emailData` (which wins when both are "
                              "given). Exactly once: sending again answers the first result.")
class SendContactEmailInput:
    contact_id: strawberry.ID = strawberry.field(description="The recipient contact.")
    session_id: strawberry.ID | None = strawberry.field(
        default=None, description="The session whose latest draft is sent.")
    email_data: EmailContentInput | None = strawberry.field(
        default=None, description="The email to send, instead of the session's draft.")

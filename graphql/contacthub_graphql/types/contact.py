
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

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
)
from contacthub.domain.contact import Contact as DomainContact
from contacthub.domain.contact import Location as DomainLocation
from contacthub.domain.task import SUMMARY_SIZE, TaskPreview, TaskQuery

from .enums import ContactStage, ContactStatus
from .location import Location
from .node import Node
from .open_tasks import OpenTask, OpenTasks
from .phone import Phone
from .pipeline_state import PipelineState
from .tag import Tag

if TYPE_CHECKING:
    from ..inputs import ContactTasksFilter
    from .task import Task

MAX_TASKS_PER_CONTACT = 100
OPEN_TASKS = TaskQuery(completed=False)


@strawberry.type(description="A person in the workspace's address book, with every canonical field.")
class Contact(Node):
    id: strawberry.ID = strawberry.field(description="UUID (the letsligo and whautomate id).")
    number: int = strawberry.field(description="Per-workspace integer id (the skarbe id).")
    name: str = strawberry.field(description=f"Display name, at most {MAX_SHORT_TEXT} characters.")
    first_name: str | None = strawberry.field(description=f"At most {MAX_SHORT_TEXT} characters.")
    last_name: str | None = strawberry.field(description=f"At most {MAX_SHORT_TEXT} characters.")
    emails: list[str] = strawberry.field(description=f"At most {MAX_EMAILS}, no two equal ignoring case. Ordered; "
                                                     "the first is the primary address.")
    phones: list[Phone] = strawberry.field(description=f"At most {MAX_PHONES}. Ordered; the first is the primary "
                                                       "number.")
    company: str | None = strawberry.field(description=f"At most {MAX_SHORT_TEXT} characters.")
    position: str | None = strawberry.field(description=f"Job title, at most {MAX_SHORT_TEXT} characters.")
    address: str | None = strawberry.field(description=f"Postal address, at most {MAX_SHORT_TEXT} characters.")
    website: str | None = strawberry.field(description=f"URL, at most {MAX_URL} characters.")
    linkedin_url: str | None = strawberry.field(description=f"LinkedIn profile URL, at most {MAX_URL} characters.")
    facebook_url: str | None = strawberry.field(description=f"Facebook profile URL, at most {MAX_URL} characters.")
    instagram_url: str | None = strawberry.field(description=f"Instagram profile URL, at most {MAX_URL} characters.")
    twitter_url: str | None = strawberry.field(description=f"Twitter (X) profile URL, at most {MAX_URL} characters.")
    photo: str | None = strawberry.field(description=f"URL of a picture, at most {MAX_URL} characters.")
    notes: str | None = strawberry.field(description=f"Free text, at most {MAX_LONG_TEXT} characters (letsligo "
                                                    "additionalInfo, skarbe note).")
    meeting_context: str | None = strawberry.field(description=f"Where and how you met, at most {MAX_LONG_TEXT} "
                                                              "characters.")
    status: ContactStatus = strawberry.field(description="Set by the system (not by updateContact).")
    stage: ContactStage | None = strawberry.field(description="Null when not set.")
    pipeline_state_id: strawberry.ID | None = strawberry.field(
        description="Id of the contact's pipeline state; null when in none (see `pipelineState`).")
    custom_fields: JSON = strawberry.field(
        description=f"JSON object of strings, numbers, booleans or nulls: at most {MAX_CUSTOM_FIELDS} keys of at most "
                    f"{MAX_CUSTOM_FIELD_KEY} characters, text values of at most {MAX_CUSTOM_FIELD_VALUE}.")
    channel: str | None = strawberry.field(description=f"Conversation channel: whatsapp, telegram... (lower-case "
                                                      f"letters, digits, `_` and `-`; at most {MAX_CHANNEL}).")
    created_at: datetime = strawberry.field(description="When the contact was created.")
    updated_at: datetime = strawberry.field(description="When the contact last changed.")
    last_activity_at: datetime | None = strawberry.field(
        description="Its creation or latest interaction (an email sent to it, for example).")
    version: int = strawberry.field(description="Changes on every write; pass it as updateContact's "
                                                "expectedVersion not to overwrite someone else's change.")

    tag_names: strawberry.Private[tuple[str, ...]]
    location_value: strawberry.Private[DomainLocation | None]

    @classmethod
    def from_domain(cls, c: DomainContact) -> "Contact":
        return cls(
            id=strawberry.ID(c.id), number=c.number, name=c.name, first_name=c.first_name,
            last_name=c.last_name, emails=list(c.emails),
            phones=[Phone(raw=p.raw, e164=p.e164) for p in c.phones], company=c.company,
            position=c.position, address=c.address, website=c.website, linkedin_url=c.linkedin_url,
            facebook_url=c.facebook_url, instagram_url=c.instagram_url, twitter_url=c.twitter_url,
            photo=c.photo, notes=c.notes, meeting_context=c.meeting_context,
            status=ContactStatus(c.status.value), stage=ContactStage(c.stage.value) if c.stage else None,
            pipeline_state_id=strawberry.ID(c.pipeline_state_id) if c.pipeline_state_id else None,
            custom_fields=dict(c.custom_fields), channel=c.channel, created_at=c.created_at,
            updated_at=c.updated_at, last_activity_at=c.last_activity_at, version=c.version or 0,
            tag_names=c.tags, location_value=c.location,
        )

    @strawberry.field(description=f"Tags (at most {MAX_TAGS}, each at most {MAX_TAG_LENGTH} characters), in the order "
                                  "they were given.")
    def tags(self) -> list[Tag]:
        return [Tag(name=name) for name in self.tag_names]

    @strawberry.field(description="The business location the contact belongs to; null when none.")
    def location(self) -> Location | None:
        loc = self.location_value
        return Location(id=loc.id, title=loc.title) if loc else None

    @strawberry.field(description="The contact's place in the pipeline, if any.")
    async def pipeline_state(self, info: Info) -> PipelineState | None:
        if not self.pipeline_state_id:
            return None
        state = await info.context.loaders.pipeline_state.load(str(self.pipeline_state_id))
        return PipelineState.from_domain(state) if state else None

    @strawberry.field(description=f"Open tasks: their count and the first ones by due date. Up to {SUMMARY_SIZE} "
                                  "come with the contact's summary (no extra read per contact); more read the "
                                  "contact's task entries.")
    async def open_tasks(
        self, info: Info,
        first: Annotated[int, strawberry.argument(description=f"At most {MAX_TASKS_PER_CONTACT}.")] = SUMMARY_SIZE,
    ) -> OpenTasks:
        from ..errors import BadUserInput

        if not 0 <= first <= MAX_TASKS_PER_CONTACT:
            raise BadUserInput(f"`first` must be between 0 and {MAX_TASKS_PER_CONTACT}")
        loaders = info.context.loaders
        summary = await loaders.open_task_summary.load(str(self.id))
        previews = list(summary.next[:first])
        if first > len(previews) and summary.count > len(previews):  # beyond the summary
            found = await loaders.open_tasks.load(str(self.id))
            previews = [TaskPreview(t.id, t.title, t.due_date) for t in found[:first]]
        return OpenTasks(total_count=summary.count, nodes=[OpenTask.from_domain(p) for p in previews])

    @strawberry.field(description="The contact's tasks, soonest due first.")
    async def tasks(
        self, info: Info,
        # Quoted names inside Annotated: strawberry.lazy resolves them (inputs and task import this module).
        filter: Annotated[Annotated["ContactTasksFilter", strawberry.lazy("contacthub_graphql.inputs")] | None,  # noqa: UP037
                          strawberry.argument(description="Only the matching tasks; all when absent.")] = None,
        first: Annotated[int, strawberry.argument(description=f"At most {MAX_TASKS_PER_CONTACT}.")] = 50,
    ) -> list[Annotated["Task", strawberry.lazy("contacthub_graphql.types.task")]]:  # noqa: UP037
        from ..errors import BadUserInput
        from .task import Task

        if not 0 <= first <= MAX_TASKS_PER_CONTACT:
            raise BadUserInput(f"`first` must be between 0 and {MAX_TASKS_PER_CONTACT}")
        query = filter.to_query() if filter else TaskQuery()
        loaders = info.context.loaders
        # Open tasks are what lists show: they have their own loader, shared by every contact of the page.
        if query == OPEN_TASKS:
            found = await loaders.open_tasks.load(str(self.id))
        else:
            found = await loaders.tasks.load((str(self.id), query))
        return [Task.from_domain(t) for t in found[:first]]

    def node_key(self) -> str:
        return str(self.id)

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

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
    name: str = strawberry.field(description="Display name.")
    first_name: str | None
    last_name: str | None
    emails: list[str] = strawberry.field(description="Ordered; the first is the primary address.")
    phones: list[Phone] = strawberry.field(description="Ordered; the first is the primary number.")
    company: str | None
    position: str | None = strawberry.field(description="Job title.")
    address: str | None
    website: str | None
    linkedin_url: str | None
    facebook_url: str | None
    instagram_url: str | None
    twitter_url: str | None
    photo: str | None = strawberry.field(description="URL of a picture.")
    notes: str | None = strawberry.field(description="Free text (letsligo additionalInfo, skarbe note).")
    meeting_context: str | None = strawberry.field(description="Where and how you met.")
    status: ContactStatus
    stage: ContactStage | None
    pipeline_state_id: strawberry.ID | None
    custom_fields: JSON = strawberry.field(description="JSON object of strings, numbers, booleans or nulls.")
    channel: str | None = strawberry.field(description="Conversation channel: whatsapp, telegram...")
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime | None
    version: int = strawberry.field(description="Changes on every write; pass it as updateContact's "
                                                "expectedVersion not to overwrite someone else's change.")

    tag_names: strawberry.Private[tuple[str, ...]]
    location_value: strawberry.Private[DomainLocation | None]

    @classmethod
    def from_domain(cls, c: DomainContact) -> Contact:
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

    @strawberry.field(description="Tags, in the order they were given.")
    def tags(self) -> list[Tag]:
        return [Tag(name=name) for name in self.tag_names]

    @strawberry.field
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
        filter: Annotated["ContactTasksFilter", strawberry.lazy("contacthub_graphql.inputs")] | None = None,  # noqa: UP037
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

"""Storage item <-> domain object. The only place that knows both shapes."""
from __future__ import annotations

from ..domain.contact import Contact, Location, Phone, Stage, Status
from ..domain.pipeline import PipelineState, StateType
from ..domain.workspace import User, Workspace
from .tables import (
    ContactItem,
    PipelineStateItem,
    UserItem,
    WorkspaceItem,
    workspace_pk,
)


def time_key(moment, identifier: str) -> str:
    """Sortable key: ISO time then id, so equal times still order deterministically."""
    return f"{moment.isoformat()}#{identifier}"


def contact_to_item(c: Contact) -> ContactItem:
    item = ContactItem(
        workspace_pk(c.workspace_id),
        f"CONTACT#{c.id}",
        ws=c.workspace_id,
        createdKey=time_key(c.created_at, c.id),
        activityKey=time_key(c.last_activity_at or c.created_at, c.id),
        contactId=c.id,
        number=c.number,
        name=c.name,
        firstName=c.first_name,
        lastName=c.last_name,
        emails=list(c.emails) or None,
        phones=[{"raw": p.raw, "e164": p.e164} for p in c.phones] or None,
        company=c.company,
        position=c.position,
        address=c.address,
        website=c.website,
        linkedinUrl=c.linkedin_url,
        facebookUrl=c.facebook_url,
        instagramUrl=c.instagram_url,
        twitterUrl=c.twitter_url,
        photo=c.photo,
        notes=c.notes,
        meetingContext=c.meeting_context,
        status=c.status.value,
        stage=c.stage.value if c.stage else None,
        pipelineStateId=c.pipeline_state_id,
        tags=list(c.tags) or None,
        customFields=c.custom_fields or None,
        location={"id": c.location.id, "title": c.location.title} if c.location else None,
        channel=c.channel,
        createdAt=c.created_at,
        updatedAt=c.updated_at,
        lastActivityAt=c.last_activity_at,
    )
    if c.version is not None:  # a new contact has none; pynamodb then requires the item not to exist
        item.version = c.version
    return item


def item_to_contact(i: ContactItem) -> Contact:
    return Contact(
        workspace_id=i.ws,
        id=i.contactId,
        number=int(i.number),
        name=i.name,
        first_name=i.firstName,
        last_name=i.lastName,
        emails=tuple(str(e) for e in i.emails or ()),
        phones=tuple(Phone(p["raw"], p.get("e164")) for p in (i.phones or ())),
        company=i.company,
        position=i.position,
        address=i.address,
        website=i.website,
        linkedin_url=i.linkedinUrl,
        facebook_url=i.facebookUrl,
        instagram_url=i.instagramUrl,
        twitter_url=i.twitterUrl,
        photo=i.photo,
        notes=i.notes,
        meeting_context=i.meetingContext,
        status=Status(i.status),
        stage=Stage(i.stage) if i.stage else None,
        pipeline_state_id=i.pipelineStateId,
        tags=tuple(str(t) for t in i.tags or ()),
        custom_fields=dict(i.customFields or {}),
        location=Location(i.location["id"], i.location.get("title")) if i.location else None,
        channel=i.channel,
        created_at=i.createdAt,
        updated_at=i.updatedAt,
        last_activity_at=i.lastActivityAt,
        version=int(i.version) if i.version is not None else None,
    )


def state_to_item(s: PipelineState) -> PipelineStateItem:
    return PipelineStateItem(
        workspace_pk(s.workspace_id), f"STATE#{s.id}", stateId=s.id, number=s.number, name=s.name,
        color=s.color, position=s.position, type=s.type.value, contacts=s.contact_count,
    )


def item_to_state(i: PipelineStateItem, workspace_id: str) -> PipelineState:
    return PipelineState(
        workspace_id=workspace_id, id=i.stateId, number=int(i.number), name=i.name, color=i.color,
        position=int(i.position), type=StateType(i.type), contact_count=max(int(i.contacts or 0), 0),
    )


def item_to_workspace(i: WorkspaceItem) -> Workspace:
    return Workspace(id=i.workspaceId, name=i.name, created_at=i.createdAt, contact_count=int(i.contacts or 0),
                     unique_emails=bool(i.uniqueEmails))


def item_to_user(i: UserItem, workspace_id: str) -> User:
    return User(workspace_id=workspace_id, id=i.userId, name=i.name, email=i.email)

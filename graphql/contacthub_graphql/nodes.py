"""`node(id:)` and `nodes(ids:)`: any object by its node id, through the request's loaders (so a list of ids
costs one batch per type). Ids are read inside the caller's workspace: another workspace's answer null."""

from strawberry.types import Info

from .concurrency import run_blocking
from .types.contact import Contact
from .types.location import Location
from .types.node import Node, decode_node_id
from .types.pipeline_state import PipelineState
from .types.tag import Tag
from .types.task import Task
from .types.user import User
from .types.workspace import Workspace


async def resolve_node(info: Info, node_id: str) -> Node | None:
    decoded = decode_node_id(node_id)
    if decoded is None:
        return None
    kind, key = decoded
    loaders = info.context.loaders
    if kind == "Contact":
        contact = await loaders.contact.load(key)
        return Contact.from_domain(contact) if contact else None
    if kind == "Task":
        task = await loaders.task.load(key)
        return Task.from_domain(task) if task else None
    if kind == "PipelineState":
        state = await loaders.pipeline_state.load(key)
        return PipelineState.from_domain(state) if state else None
    if kind == "Tag":
        tag = await loaders.tag.load(key)
        return Tag(name=tag.tag, known_count=tag.count) if tag else None
    if kind == "Location":
        location = await loaders.location.load(key)
        return Location(id=location.id, title=location.title, known_count=location.count) if location else None
    if kind in ("User", "Workspace"):  # only the caller's own
        user, workspace = await run_blocking(info.context.services.workspaces.me, info.context.principal)
        if kind == "User" and user and user.id == key:
            return User(id=user.id, name=user.name, email=user.email)
        if kind == "Workspace" and workspace and workspace.id == key:
            return Workspace(id=workspace.id, name=workspace.name, created_at=workspace.created_at,
                             contact_count=workspace.contact_count)
    return None

"""What the services need from the outside world. DynamoDB adapters implement these in contacthub.store."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol

from .domain.contact import Contact
from .domain.pipeline import PipelineState
from .domain.workspace import Principal, User, Workspace


@dataclass(frozen=True)
class ContactQuery:
    """Filters combine with AND. Every one is answered from an index, never a Scan."""

    name: str | None = None  # word prefixes of first/last/display name
    email: str | None = None  # prefix of any email
    company: str | None = None  # word prefixes of the company
    phone: str | None = None  # digits, any formatting
    text: str | None = None  # free text: any of name, email, phone (OR)
    person: str | None = None  # first name, last name or email prefix (skarbe `query`)
    status: str | None = None
    stage: str | None = None
    pipeline_state_id: str | None = None
    tags: tuple[str, ...] = ()
    location_id: str | None = None
    channel: str | None = None

    def is_empty(self) -> bool:
        return not any(getattr(self, f) for f in self.__dataclass_fields__)


@dataclass(frozen=True)
class ContactPage:
    items: list[Contact]
    total: int


@dataclass(frozen=True)
class TagCount:
    tag: str
    count: int


@dataclass(frozen=True)
class LocationCount:
    id: str
    title: str | None
    count: int


class ContactRepository(Protocol):
    def get(self, workspace_id: str, contact_id: str) -> Contact | None: ...
    def get_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, Contact]: ...
    def get_by_number(self, workspace_id: str, number: int) -> Contact | None: ...
    def add(self, contact: Contact) -> Contact: ...
    def update(self, old: Contact, new: Contact) -> Contact: ...
    def remove(self, contact: Contact) -> None: ...
    def allocate_number(self, workspace_id: str) -> int: ...
    def find(self, workspace_id: str, query: ContactQuery, offset: int, limit: int) -> ContactPage: ...
    def matching_ids(self, workspace_id: str, query: ContactQuery,
                     newest_first: bool = True) -> Iterator[str]: ...
    def recently_active(self, workspace_id: str, limit: int) -> list[Contact]: ...
    def tag_counts(self, workspace_id: str) -> list[TagCount]: ...
    def location_counts(self, workspace_id: str) -> list[LocationCount]: ...


class PipelineRepository(Protocol):
    def list(self, workspace_id: str) -> list[PipelineState]: ...
    def get(self, workspace_id: str, state_id: str) -> PipelineState | None: ...
    def save(self, state: PipelineState) -> PipelineState: ...
    def delete(self, state: PipelineState) -> None: ...
    def allocate_number(self, workspace_id: str) -> int: ...


class WorkspaceRepository(Protocol):
    def get(self, workspace_id: str) -> Workspace | None: ...
    def find_by_name(self, name: str) -> Workspace | None: ...
    def create(self, workspace: Workspace, states: list[PipelineState]) -> Workspace: ...
    def get_user(self, workspace_id: str, user_id: str) -> User | None: ...
    def find_user_by_email(self, workspace_id: str, email: str) -> User | None: ...
    def add_user(self, user: User) -> User: ...


class ApiKeyRepository(Protocol):
    def principal_for(self, key_hash: str) -> Principal | None: ...
    def add(self, key_hash: str, principal: Principal) -> None: ...
    def revoke(self, key_prefix: str) -> int: ...

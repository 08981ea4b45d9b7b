"""Every port the services take: repositories (DynamoDB adapters in contacthub.store), the composer, the
mailer and the send guard. Services depend on these Protocols only; tests run them on in-memory fakes."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: the adapters' packages import this module, and a read needs few of these
    from .capture.model import CaptureDraft
    from .composers.base import Brief, Composition
    from .domain.bulk_jobs import BulkJob, JobStatus
    from .domain.contact import Contact
    from .domain.email import EmailDraft, EmailSession, SentEmail, Turn
    from .domain.events import Event
    from .domain.merges import MergeRecord
    from .domain.pipeline import PipelineState
    from .domain.task import OpenTaskSummary, Task, TaskPage, TaskQuery, TaskSlice
    from .domain.webhooks import Delivery, Subscription
    from .domain.workspace import Principal, User, Workspace
    from .mail.base import OutgoingEmail


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


class ContactSort(Enum):
    """What a contact listing is ordered by; each has an ordering entry family written with the contact."""

    CREATED = "created"
    UPDATED = "updated"
    NAME = "name"


@dataclass(frozen=True)
class TimeSpan:
    """``field`` ("created" or "updated") from ``since`` (inclusive) to ``before`` (exclusive); None: open."""

    field: str
    since: datetime | None = None
    before: datetime | None = None


@dataclass(frozen=True)
class OpenTasks:
    """Whether the contact has an open task (``present``) or has none."""

    present: bool


@dataclass(frozen=True)
class Negated:
    """NOT of a one-field ContactQuery (negations are pushed down to single fields)."""

    query: ContactQuery


# A literal of a contact criterion. ContactQuery literals are positive; criteria are ORs of ANDs of literals.
CriterionLiteral = ContactQuery | TimeSpan | OpenTasks | Negated
Branch = tuple[CriterionLiteral, ...]


@dataclass(frozen=True)
class ContactPage:
    items: list[Contact]
    total: int | None  # None when the caller did not ask for it
    next: str | None = None  # where the next page starts (a storage key from a repository); None at the end
    positions: list[str] = field(default_factory=list)  # where each item sits, in the same form as `next`


@dataclass(frozen=True)
class PageRequest:
    """Which page of a contact listing: after a keyset position and/or past ``offset`` matches."""

    limit: int
    offset: int = 0
    after: str | None = None  # the ``next`` of the previous page
    newest_first: bool | None = None  # None: the index's own order (by matched value for one free-text word)
    with_total: bool = False
    among: frozenset[str] | None = None  # only these contacts (the "has open tasks" filter)
    excluding: frozenset[str] = frozenset()  # never these


@dataclass(frozen=True)
class TagCount:
    tag: str
    count: int


@dataclass(frozen=True)
class LocationCount:
    id: str
    title: str | None
    count: int


@dataclass(frozen=True)
class ConsumeCaptureDraft:
    """Mark a capture draft used by the contact being created, in the contact's own transaction.

    The write fails with Conflict (and creates nothing) unless the draft exists, is unused and has not
    expired at ``now``."""

    workspace_id: str
    token_hash: str
    now: datetime


@dataclass(frozen=True)
class GuardEmails:
    """Commit only if no other write added one of these addresses since their guard versions were read
    (``versions``: folded address -> version, 0 when never written), and move each guard on."""

    workspace_id: str
    versions: tuple[tuple[str, int], ...]


AlsoOnAdd = ConsumeCaptureDraft | GuardEmails  # the operations a contact's write can carry

# Run after a contact's delete has committed, with (workspace id, contact id). Must be idempotent: a
# cleanup that failed is run again by the sweep of pending cleanups.
ContactCleanup = Callable[[str, str], object]

# Ids of the workspace's contacts with at least one open task (the "has open tasks" filter).
OpenTaskContacts = Callable[[str], set[str]]


class ContactRepository(Protocol):
    def get(self, workspace_id: str, contact_id: str) -> Contact | None: ...
    def get_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, Contact]: ...
    def get_by_number(self, workspace_id: str, number: int) -> Contact | None: ...
    def count(self, workspace_id: str) -> int: ...
    def add(self, contact: Contact, also: Sequence[AlsoOnAdd] = ()) -> Contact:
        """Create the contact and apply ``also`` in the same transaction: all or nothing."""
    def update(self, old: Contact, new: Contact, also: Sequence[AlsoOnAdd] = ()) -> Contact:
        """Write the change and apply ``also`` in the same transaction: all or nothing."""
    def remove(self, contact: Contact) -> None:
        """Delete the contact and record a pending cleanup for it, in one transaction."""
    def pending_cleanups(self, workspace_id: str, limit: int) -> list[str]:
        """Ids of deleted contacts whose cleanup has not finished (a Query, oldest first)."""
    def cleanup_done(self, workspace_id: str, contact_id: str) -> None: ...
    def allocate_number(self, workspace_id: str) -> int: ...
    def find(self, workspace_id: str, query: ContactQuery, request: PageRequest) -> ContactPage: ...
    def find_matching(self, workspace_id: str, branches: Sequence[Branch], sort: ContactSort, descending: bool,
                      request: PageRequest, open_task_ids: frozenset[str]) -> ContactPage:
        """A page of the contacts meeting any branch (each an AND of literals), in ``sort`` order after
        ``request.after``; ``open_task_ids`` answers the OpenTasks literals."""
    def restore_entries(self, workspace_id: str, after: str | None = None,
                        limit: int = 100) -> tuple[int, str | None]: ...
    def recently_active(self, workspace_id: str, limit: int) -> list[Contact]: ...
    def tag_counts(self, workspace_id: str) -> list[TagCount]: ...
    def location_counts(self, workspace_id: str) -> list[LocationCount]: ...
    def ids_with_email(self, workspace_id: str, email: str) -> list[str]:
        """Ids of contacts that may have this address (case-insensitive), read consistently; confirm on each."""
    def ids_with_phone(self, workspace_id: str, e164: str) -> list[str]:
        """Ids of contacts that may have this number, read consistently; confirm the E.164 on each."""
    def email_guard_versions(self, workspace_id: str, folded_emails: Iterable[str]) -> dict[str, int]:
        """The guard version of each folded address (0 when never written), read consistently."""
    def email_holders(self, workspace_id: str, folded_emails: Iterable[str]) -> dict[str, str]:
        """The contact a merge (or undo) under way hands each of these addresses to: folded address -> contact
        id, for the addresses so held. Such an address is that contact's, though it does not have it yet."""


class ContactAliases(Protocol):
    """The ids of contacts merged into another (contacthub.store.merges), read strongly consistent."""

    def merged_into(self, workspace_id: str, contact_id: str | None = None,
                    number: int | None = None) -> str | None:
        """The id of the contact a merged contact (by UUID or integer id) was merged into, or None."""
    def merged_into_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, str]: ...


class MergeRepository(ContactAliases, Protocol):
    def get(self, workspace_id: str, merge_id: str) -> MergeRecord | None: ...
    def pending_for(self, workspace_id: str, survivor_id: str) -> str | None:
        """The merge under way into this contact (its lock), if any."""
    def begin(self, record: MergeRecord) -> None:
        """The record, its snapshots and the survivor's lock in one transaction; Conflict when locked."""
    def remove_merged(self, record: MergeRecord, contact: Contact, email_refs: list[str],
                      hold_emails: bool = False) -> MergeRecord:
        """The merged contact removed (at its version), its aliases written, the step noted: one transaction.
        ``hold_emails``: its addresses' guards held for the survivor in that transaction."""
    def refresh_snapshot(self, record: MergeRecord, contact: Contact) -> MergeRecord:
        """A merged contact changed while the merge ran: its snapshot becomes ``contact``."""
    def drop_merged(self, record: MergeRecord, contact_id: str) -> MergeRecord:
        """A merged contact deleted while the merge ran leaves it."""
    def finish(self, record: MergeRecord, current: Contact, after: Contact) -> Contact: ...
    def begin_undo(self, record: MergeRecord) -> None: ...
    def restore_merged(self, record: MergeRecord, contact: Contact,
                       guard_versions: dict[str, int] | None = None) -> MergeRecord:
        """The merged contact back, past the version it was merged at; ``guard_versions``: its addresses'
        guards held for it, on condition that they are still at these versions."""
    def finish_undo(self, record: MergeRecord, current: Contact | None, reverted: Contact | None,
                    not_reverted: tuple[str, ...], now: datetime) -> Contact | None: ...
    def move_emails(self, workspace_id: str, from_id: str, to_id: str) -> list[str]: ...
    def return_emails(self, workspace_id: str, refs: Iterable[tuple[str, str]], from_id: str) -> None: ...


class DuplicateCandidates(Protocol):
    def candidate_ids(self, workspace_id: str, contact: Contact) -> list[str]:
        """Ids of contacts that may be likely duplicates of ``contact`` (never itself), read consistently in a
        number of bounded Queries that does not grow with the workspace; confirm each by scoring it."""


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
    def set_unique_emails(self, workspace_id: str, unique: bool) -> None: ...


class ApiKeyRepository(Protocol):
    def principal_for(self, key_hash: str) -> tuple[str, Principal] | None:
        """(stored hash, principal) of an active key, or None."""
    def add(self, key_hash: str, principal: Principal) -> None: ...
    def revoke(self, key_prefix: str) -> int: ...


class TaskRepository(Protocol):
    def get(self, workspace_id: str, task_id: str) -> Task | None: ...
    def get_many(self, workspace_id: str, task_ids: Iterable[str]) -> dict[str, Task]: ...
    def existing_contacts(self, workspace_id: str, contact_ids: Iterable[str]) -> set[str]: ...
    def find(self, workspace_id: str, query: TaskQuery, offset: int, limit: int) -> TaskPage: ...
    def find_after(self, workspace_id: str, query: TaskQuery, after: str | None, limit: int, latest_first: bool,
                   with_total: bool) -> TaskSlice: ...
    def for_contacts(self, workspace_id: str, contact_ids: Iterable[str],
                     query: TaskQuery) -> dict[str, list[Task]]: ...
    def open_task_summaries(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, OpenTaskSummary]: ...
    def task_ids_for_contact(self, workspace_id: str, contact_id: str, limit: int) -> list[str]: ...
    def contacts_with_open_tasks(self, workspace_id: str) -> set[str]: ...
    def add(self, task: Task) -> Task: ...
    def update(self, old: Task, new: Task) -> Task: ...
    def remove(self, task: Task) -> None: ...
    def remove_many(self, tasks: list[Task]) -> None: ...


class CaptureDraftRepository(Protocol):
    def add(self, draft: CaptureDraft) -> None: ...
    def get(self, workspace_id: str, token_hash: str) -> CaptureDraft | None: ...


class EmailRepository(Protocol):
    def get_session(self, workspace_id: str, contact_id: str, session_id: str) -> EmailSession | None: ...
    def add_session(self, session: EmailSession) -> EmailSession: ...
    def save_session(self, session: EmailSession) -> EmailSession: ...
    def record_sent(self, sent: SentEmail, close_session: bool = True) -> None:
        """The sent-email record and, when ``close_session``, its session closed, in one transaction."""
    def sent_emails(self, workspace_id: str, contact_id: str, limit: int = 20) -> list[SentEmail]: ...
    def remove_for_contact(self, workspace_id: str, contact_id: str) -> None: ...


class Composer(Protocol):
    name: str

    def write(self, brief: Brief, instruction: str, history: Sequence[Turn] = (),
              current: EmailDraft | None = None) -> Composition:
        """A new email from the instruction; ``current`` is the draft the user has in front of them, if any."""

    def refine(self, brief: Brief, draft: EmailDraft, instruction: str,
               history: Sequence[Turn] = ()) -> Composition:
        """A new version of ``draft`` with the instruction applied."""


class Mailer(Protocol):
    def send(self, email: OutgoingEmail) -> str:
        """Hand the email over for delivery; returns the provider's message id. Raises ServiceUnavailable."""


class SendOnce(Protocol):
    def run(self, key: dict[str, str], action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """``action()`` at most once per key; later and concurrent calls answer its (JSON) result."""


# --- change feed and webhooks (contacthub.store.events, contacthub.webhooks) ---

class EventRepository(Protocol):
    def add(self, event: "Event") -> bool: ...
    def page(self, workspace_id: str, after: str | None, types: tuple[str, ...],
             limit: int) -> tuple[list[dict[str, Any]], bool]: ...


class WebhookRepository(Protocol):
    def list(self, workspace_id: str) -> list["Subscription"]: ...
    def get(self, workspace_id: str, webhook_id: str) -> "Subscription | None": ...
    def save(self, subscription: "Subscription") -> None: ...
    def delete(self, workspace_id: str, webhook_id: str) -> None: ...
    def record_health(self, workspace_id: str, webhook_id: str, failing_since: datetime | None,
                      disabled_reason: str | None) -> None: ...


class DeliveryRepository(Protocol):
    def add(self, delivery: "Delivery") -> bool: ...
    def save(self, delivery: "Delivery") -> None: ...
    def get(self, workspace_id: str, webhook_id: str, delivery_id: str) -> "Delivery | None": ...
    def page(self, workspace_id: str, webhook_id: str, after: str | None,
             limit: int) -> tuple[list["Delivery"], bool]: ...


@dataclass(frozen=True)
class DeliveryRef:
    """What a delivery queue message carries: the delivery log item to work on."""

    workspace_id: str
    webhook_id: str
    delivery_id: str


class DeliveryQueue(Protocol):
    def enqueue(self, ref: DeliveryRef, delay_seconds: int = 0) -> None: ...
    def park(self, ref: DeliveryRef) -> None: ...  # the dead-letter queue: retries are exhausted


class TargetGuard(Protocol):
    """Refuses (ValidationFailed on ``url``) a target that is not allowed; returns the address to connect to."""

    def check(self, url: str) -> str: ...


class WebhookSender(Protocol):
    """POSTs a signed event to a checked address; answers the HTTP status, or None with an error."""

    def send(self, url: str, address: str, message_id: str, body: str, secrets: list[str],
             timeout: float) -> tuple[int | None, str | None]: ...


# --- import and export jobs (contacthub.store.bulk_jobs, contacthub.bulk.files, contacthub.bulk.queue) ---

class BulkJobRepository(Protocol):
    def add(self, job: "BulkJob") -> None: ...
    def get(self, workspace_id: str, job_id: str) -> "BulkJob | None":
        """Read consistently: a worker must see the chunk its predecessor committed."""
    def replace(self, job: "BulkJob", expected_chunk: int, expected_status: "JobStatus") -> bool:
        """Write ``job`` only if the stored one is still at ``expected_chunk`` and ``expected_status``;
        False (nothing written) when another run got there first."""


class BulkFiles(Protocol):
    """Where job files live (S3, every key prefixed by its workspace) and the links clients use for them."""

    def upload_url(self, key: str, content_type: str) -> str: ...
    def download_url(self, key: str, filename: str) -> str: ...
    def size(self, key: str) -> int | None:
        """The object's size in bytes; None when there is none."""
    def read(self, key: str, offset: int = 0) -> Iterable[bytes]:
        """The object's bytes from ``offset`` on, a piece at a time."""
    def write(self, key: str, pieces: Iterable[bytes], content_type: str) -> int:
        """Store the pieces as one object without holding it whole; the bytes written."""
    def start_upload(self, key: str, content_type: str) -> str:
        """Begin an object written in parts, perhaps over several runs; its upload id."""
    def write_part(self, key: str, upload_id: str, number: int, data: bytes) -> None:
        """Part ``number`` (from 1) of an upload; written again, it replaces the earlier one. Every part but the
        last holds at least 5 MiB."""
    def finish_upload(self, key: str, upload_id: str) -> None:
        """Join the parts written into the object; nothing to do if an earlier run did."""


class BulkQueue(Protocol):
    def send(self, message: dict[str, Any]) -> None: ...

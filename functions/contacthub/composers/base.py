"""The drafting vocabulary shared by the email service, its composers and its store.

A composer turns an instruction and what the CRM knows about a contact (a `Brief`) into a `Draft`; it
never sends anything and never touches storage. Pure Python: no AWS, no HTTP here.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

# Bounds shared by the wire models, the service and the composers' output checks.
MAX_INSTRUCTION = 2_000
MAX_SUBJECT = 255
MAX_BODY = 20_000


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str
    to: str | None = None  # one recipient; None until the service resolves it

    def with_changes(self, **changes) -> Draft:
        return replace(self, **changes)


@dataclass(frozen=True)
class Brief:
    """What the composer may use about the recipient and the sender. Never the whole store."""

    contact_name: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    position: str | None = None
    meeting_context: str | None = None
    notes: str | None = None  # internal notes (letsligo additionalInfo): context, not to be quoted
    recipient: str | None = None
    tasks: tuple[str, ...] = ()  # the contact's open tasks, one short line each
    sender_name: str | None = None
    sender_organisation: str | None = None


@dataclass(frozen=True)
class Turn:
    """One instruction given in a session: ``prepare`` writes a new email, ``refine`` changes the draft."""

    kind: str
    instruction: str


@dataclass(frozen=True)
class Composition:
    draft: Draft
    notes: tuple[str, ...] = ()  # instructions the composer could not (fully) apply, said plainly


# --------------------------------------------------------------------------- sessions
@dataclass(frozen=True)
class DraftVersion:
    number: int  # 1, 2, ... within the session
    draft: Draft
    source: str  # the composer's name, or "user" for edits the client sent as currentEmail
    created_at: datetime
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SentEmail:
    """One email handed to the mail service for a contact. A retried send answers this same record."""

    workspace_id: str
    contact_id: str
    message_id: str
    to: str
    subject: str
    sent_at: datetime
    session_id: str | None = None


@dataclass(frozen=True)
class EmailSession:
    """Instruction history and drafts of one email to one contact; expires unless used."""

    workspace_id: str
    id: str
    contact_id: str
    turns: tuple[Turn, ...]
    versions: tuple[DraftVersion, ...]
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    revision: int = 0  # optimistic lock: every write is conditioned on the revision it read
    sent: SentEmail | None = None

    @property
    def latest(self) -> DraftVersion | None:
        return self.versions[-1] if self.versions else None

    def with_changes(self, **changes) -> EmailSession:
        return replace(self, **changes)


@dataclass(frozen=True)
class Sender:
    """Who the email is from: shown as the From name, and where replies go."""

    name: str | None = None
    reply_to: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class DraftResult:
    session: EmailSession
    version: DraftVersion
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def draft(self) -> Draft:
        return self.version.draft

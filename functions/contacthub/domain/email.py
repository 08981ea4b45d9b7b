"""Emails written to a contact: drafts and their versions, the session that keeps them, what was sent.

Pure Python: the composers write drafts, the email service keeps sessions and sends, the store persists them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from . import messages, rules
from .contact import normalize_email
from .text import has_line_break

# Bounds shared by the wire models, the service and the composers' output checks.
MAX_INSTRUCTION = 2_000
MAX_SUBJECT = 255
MAX_BODY = 20_000


@dataclass(frozen=True)
class EmailDraft:
    subject: str
    body: str
    to: str | None = None  # one recipient; None until the service resolves it

    def with_changes(self, **changes: Any) -> EmailDraft:
        return replace(self, **changes)


@dataclass(frozen=True)
class Turn:
    """One instruction given in a session: ``prepare`` writes a new email, ``refine`` changes the draft."""

    kind: str
    instruction: str


@dataclass(frozen=True)
class DraftVersion:
    number: int  # 1, 2, ... within the session
    draft: EmailDraft
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

    def with_changes(self, **changes: Any) -> EmailSession:
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
    def draft(self) -> EmailDraft:
        return self.version.draft


# --------------------------------------------------------------------------- rules
def _recipient(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or has_line_break(value):
        raise rules.fail(path, messages.INVALID_EMAIL, "invalid_email")
    return normalize_email(value, path)


INSTRUCTION = rules.RequiredText(MAX_INSTRUCTION)
# A client-supplied email: single-line subject (no header injection), bounded sizes, a valid recipient.
DRAFT = rules.Record({
    "subject": rules.RequiredText(MAX_SUBJECT, single_line=True, no_control=True),
    "body": rules.RequiredText(MAX_BODY, no_nul=True,
                       normalize=lambda body: body.replace("\r\n", "\n").strip("\n")),
    "to": _recipient,
}, required=("subject", "body"))


def validate_draft(value: EmailDraft | dict[str, Any] | None, path: str) -> EmailDraft | None:
    """A client-supplied email, checked and normalised; violations are named under ``path``."""
    if isinstance(value, EmailDraft):
        value = {"subject": value.subject, "body": value.body, "to": value.to}
    fields = DRAFT(value, path)
    return EmailDraft(**fields) if fields is not None else None


def deliverable_address(address: str, path: str) -> str:
    """The address as SES can deliver it: international domains in punycode. SES has no SMTPUTF8, so a
    non-ASCII mailbox name can never be delivered: say so now rather than fail at the provider (a 503)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        ascii_form = validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError:
        ascii_form = None
    if not ascii_form:
        raise rules.fail(path, messages.UNDELIVERABLE, "undeliverable")
    return ascii_form

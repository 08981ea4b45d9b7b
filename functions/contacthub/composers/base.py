"""What a composer is given and what it answers; the emails themselves are domain objects (domain.email).

A composer turns an instruction and what the CRM knows about a contact (a `Brief`) into an `EmailDraft`; it
never sends anything and never touches storage. Pure Python: no AWS, no HTTP here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.email import EmailDraft


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
class Composition:
    draft: EmailDraft
    notes: tuple[str, ...] = ()  # instructions the composer could not (fully) apply, said plainly

"""Pure letsligo email draft / sent email mapping. Golden tests: tests/integration/test_letsligo_emails.py."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....domain.email import DraftResult, EmailDraft, SentEmail
from ..contacts.mapping import CONTACTS
from ..wire import iso

if TYPE_CHECKING:
    from .schemas import EmailContent


def draft_from_wire(content: EmailContent | None) -> dict | None:
    return content.model_dump() if content is not None else None


def draft_to_wire(contact_id: str, result: DraftResult, composer: str) -> dict[str, Any]:
    draft: EmailDraft = result.draft
    return {
        "@context": "/api/contexts/EmailDraft",
        "@type": "EmailDraft",
        "contact": f"{CONTACTS}/{contact_id}",
        "sessionId": result.session.id,
        "version": result.version.number,
        "subject": draft.subject,
        "body": draft.body,
        "to": draft.to,
        "notes": list(result.notes),
        "composer": composer,
        "expiresAt": iso(result.session.expires_at),
    }


def sent_to_wire(sent: SentEmail) -> dict[str, Any]:
    return {
        "@context": "/api/contexts/SentEmail",
        "@type": "SentEmail",
        "contact": f"{CONTACTS}/{sent.contact_id}",
        "status": "sent",
        "messageId": sent.message_id,
        "sessionId": sent.session_id,
        "to": sent.to,
        "subject": sent.subject,
        "sentAt": iso(sent.sent_at),
    }

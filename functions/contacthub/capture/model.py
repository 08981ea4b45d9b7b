"""What an extraction yields, and the capture draft a confirmation token stands for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# The canonical fields an extraction may fill (letsligo wire: name, emails, phones, company, position,
# address, website, linkedinUrl). first/last name come only from a vCard's structured N property.
EXTRACTED_FIELDS = ("name", "first_name", "last_name", "emails", "phones", "company", "position", "address",
                    "website", "linkedin_url")


@dataclass(frozen=True)
class ExtractedContact:
    """Fields recognised in a text. Anything not recognised stays empty: never a guess in the wrong field."""

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # as written in the text; the contact keeps an E.164 form beside it
    company: str | None = None
    position: str | None = None
    address: str | None = None
    website: str | None = None
    linkedin_url: str | None = None

    def as_fields(self) -> dict[str, Any]:
        """Canonical create fields, only those recognised (lists as lists, ready for validate_changes)."""
        out: dict[str, Any] = {}
        for name in EXTRACTED_FIELDS:
            value = getattr(self, name)
            if value:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class Extraction:
    contact: ExtractedContact
    source: str  # "vcard" or "signature"
    cards_found: int = 0  # vCards in the text (only the first is extracted)


@dataclass(frozen=True)
class CaptureDraft:
    """A prepared contact waiting for confirmation, stored under the hash of its token."""

    workspace_id: str
    token_hash: str
    fields: dict[str, Any]  # canonical create fields (validated at prepare, validated again by the create)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    contact_id: str | None = None  # the contact the token created, once used

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

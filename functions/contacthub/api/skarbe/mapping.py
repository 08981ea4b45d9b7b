"""Pure skarbe <-> domain mapping. Golden tests: tests/unit/test_skarbe_mapping.py."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ...domain.contact import Contact, normalize_email
from ...domain.errors import ValidationFailed, Violation
from ...domain.pipeline import PipelineState
from ...domain.workspace import User, Workspace
from ...services.paging import MAX_PAGE_SIZE
from .errors import INVALID_LEAD_STATUS, REQUIRED_IDENTITY

# Search results and the recent-contacts listing are capped (the vendor API has no paging).
MAX_RESULTS = MAX_PAGE_SIZE
MAX_QUERY_LENGTH = 100
MAX_ID_DIGITS = 12  # contact numbers are stored zero-padded to 12 digits

# wire property -> canonical field (email and leadStatus need more than a rename: see create_fields)
WIRE_TO_CANONICAL = {
    "firstName": "first_name", "lastName": "last_name", "jobTitle": "position", "companyName": "company",
    "phoneNumbers": "phones", "facebookUrl": "facebook_url", "instagramUrl": "instagram_url",
    "linkedinUrl": "linkedin_url", "twitterUrl": "twitter_url", "note": "notes",
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def create_fields(sent: dict[str, Any], states: list[PipelineState]) -> dict[str, Any]:
    """Canonical fields for ContactService.create from the properties the client sent.

    Checks the documented rules in the documented order (identity, email, lead status) so the first
    message a client sees is the vendor's; the service validates everything else.
    """
    if _blank(sent.get("email")) and _blank(sent.get("firstName")):
        raise ValidationFailed(Violation("", REQUIRED_IDENTITY, "required"))
    fields = {WIRE_TO_CANONICAL[k]: v for k, v in sent.items() if k in WIRE_TO_CANONICAL}
    if not _blank(sent.get("email")):
        fields["emails"] = [normalize_email(sent["email"], "emails[0]")]
    if sent.get("leadStatus") is not None:
        fields["pipeline_state_id"] = lead_status_id(sent["leadStatus"], states)
    return fields


def lead_status_id(number: int, states: list[PipelineState]) -> str:
    """The uuid of the workspace's lead status with this integer id."""
    state = next((s for s in states if s.number == number), None)
    if state is None:
        raise ValidationFailed(Violation("pipeline_state_id", INVALID_LEAD_STATUS, "invalid_state"))
    return state.id


def contact_number(text: str) -> int:
    """A path id as a contact number; 0 (never allocated) when it is not one, so the lookup is a 404."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS else 0


def search_text(query: str | None) -> str | None:
    text = (query or "").strip()
    return text or None


def iso(moment: datetime | None) -> str | None:
    """UTC with a Z, to the second, as in the vendor examples ("2023-01-15T10:00:00Z")."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def full_name(contact: Contact) -> str | None:
    # Without a first or last name the display name is only the email standing in for one.
    return contact.name if (contact.first_name or contact.last_name) else None


def lead_status_ref(state: PipelineState | None) -> dict[str, Any] | None:
    return {"id": state.number, "label": state.name, "color": state.color} if state else None


def contact_to_wire(contact: Contact, state: PipelineState | None) -> dict[str, Any]:
    """Exactly the documented attributes; absent values are null, phoneNumbers is always an array."""
    return {
        "id": contact.number,
        "email": contact.primary_email,
        "photo": contact.photo,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "fullName": full_name(contact),
        "jobTitle": contact.position,
        "companyName": contact.company,
        "phoneNumbers": [p.raw for p in contact.phones],
        "facebookUrl": contact.facebook_url,
        "instagramUrl": contact.instagram_url,
        "linkedinUrl": contact.linkedin_url,
        "note": contact.notes,
        "lastActivityAt": iso(contact.last_activity_at),
        "createdAt": iso(contact.created_at),
        "leadStatus": lead_status_ref(state),
    }


def lead_status_to_wire(state: PipelineState) -> dict[str, Any]:
    return {"id": state.number, "type": state.type.value, "label": state.name, "color": state.color,
            "order": state.position + 1}


def me_to_wire(user: User | None, workspace: Workspace | None) -> dict[str, Any]:
    return {
        "details": {"name": user.name if user else None, "email": user.email if user else None},
        "workspace": {"name": workspace.name if workspace else None},
    }

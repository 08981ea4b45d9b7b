"""Pure letsligo Contact <-> domain mapping. Golden tests: tests/unit/test_letsligo_mapping.py."""
from __future__ import annotations

from typing import Any

from ....domain.contact import Contact
from ....domain.pipeline import PipelineState
from ..pipeline_states.mapping import state_ref
from ..wire import iso

CONTACTS = "/api/contacts"

# wire property -> canonical field
WIRE_TO_CANONICAL = {
    "name": "name", "emails": "emails", "company": "company", "position": "position", "phones": "phones",
    "address": "address", "website": "website", "linkedinUrl": "linkedin_url", "additionalInfo": "notes",
    "meetingContext": "meeting_context",
}
EXTEND_FIELDS = {"additionalInfo": "notes", "meetingContext": "meeting_context"}


def fields_from_wire(sent: dict[str, Any]) -> dict[str, Any]:
    """Only the properties the client sent, under canonical names (PATCH semantics)."""
    return {WIRE_TO_CANONICAL[k]: v for k, v in sent.items() if k in WIRE_TO_CANONICAL}


def contact_to_wire(contact: Contact, state: PipelineState | None) -> dict[str, Any]:
    return {
        "@context": "/api/contexts/Contact",
        "@id": f"{CONTACTS}/{contact.id}",
        "@type": "Contact",
        "id": contact.id,
        "name": contact.name,
        "emails": list(contact.emails),
        "phones": [p.raw for p in contact.phones],
        "company": contact.company,
        "position": contact.position,
        "address": contact.address,
        "website": contact.website,
        "linkedinUrl": contact.linkedin_url,
        "additionalInfo": contact.notes,
        "meetingContext": contact.meeting_context,
        "status": contact.status.value,
        "pipelineState": state_ref(state),
        "createdAt": iso(contact.created_at),
        "updatedAt": iso(contact.updated_at),
    }


def contact_member(contact: Contact, state: PipelineState | None) -> dict[str, Any]:
    member = contact_to_wire(contact, state)
    member.pop("@context")
    return member

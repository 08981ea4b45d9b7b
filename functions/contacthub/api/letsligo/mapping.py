"""Pure letsligo <-> domain mapping. Golden tests: tests/unit/test_letsligo_mapping.py."""
from __future__ import annotations

from typing import Any

from ...domain.contact import Contact
from ...domain.pipeline import PipelineState

CONTACTS = "/api/contacts"
PIPELINE_STATES = "/api/pipeline_states"

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


def iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def state_ref(state: PipelineState | None) -> dict | None:
    return {"id": state.id, "name": state.name} if state else None


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


def state_to_wire(state: PipelineState, with_context: bool = True) -> dict[str, Any]:
    wire = {
        "@context": "/api/contexts/PipelineState",
        "@id": f"{PIPELINE_STATES}/{state.id}",
        "@type": "PipelineState",
        "id": state.id,
        "name": state.name,
        "color": state.color,
        "position": state.position,
    }
    if not with_context:
        wire.pop("@context")
    return wire


def collection(resource: str, context: str, members: list[dict], total: int, page: int, page_size: int,
               query: dict[str, str]) -> dict[str, Any]:
    """A Hydra collection with a PartialCollectionView (first/previous/next/last) keeping the filters."""
    from urllib.parse import urlencode

    last = max(1, -(-total // page_size))

    def page_url(n: int) -> str:
        return f"{resource}?{urlencode({**query, 'page': n})}"

    body: dict[str, Any] = {
        "@context": f"/api/contexts/{context}",
        "@id": resource,
        "@type": "hydra:Collection",
        "hydra:member": members,
        "hydra:totalItems": total,
    }
    if total > page_size or page > 1:
        view = {"@id": page_url(page), "@type": "hydra:PartialCollectionView",
                "hydra:first": page_url(1), "hydra:last": page_url(last)}
        if page > 1:
            view["hydra:previous"] = page_url(min(page - 1, last))
        if page < last:
            view["hydra:next"] = page_url(page + 1)
        body["hydra:view"] = view
    return body


def id_from_iri(value: str, resource: str) -> str:
    """Accept either a bare id or an IRI such as /api/pipeline_states/<uuid>."""
    prefix = resource.rstrip("/") + "/"
    return value[len(prefix):] if value.startswith(prefix) else value

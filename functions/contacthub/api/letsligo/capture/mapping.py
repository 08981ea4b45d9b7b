"""Pure mapping of the letsligo capture wizard's answers. Golden tests: tests/unit/test_capture_mapping.py."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....domain.contact import Contact
from ..contacts.mapping import CONTACTS, WIRE_TO_CANONICAL, fields_from_wire
from ..wire import iso

if TYPE_CHECKING:
    from ..contacts.schemas import ContactFields

CANONICAL_TO_WIRE = {canonical: wire for wire, canonical in WIRE_TO_CANONICAL.items()}


def overrides_from_wire(overrides: ContactFields | None) -> dict[str, Any]:
    """Only the properties the client sent, under canonical names (null clears an extracted value)."""
    return fields_from_wire(overrides.model_dump(exclude_unset=True)) if overrides is not None else {}


def draft_to_wire(fields: dict[str, Any]) -> dict[str, Any]:
    """The contact confirm would create, as letsligo contact properties (empty ones included)."""
    wire: dict[str, Any] = {}
    for wire_name, canonical in WIRE_TO_CANONICAL.items():
        value = fields.get(canonical)
        if canonical == "phones":
            wire[wire_name] = [p.raw for p in value or ()]
        elif canonical == "emails":
            wire[wire_name] = list(value or ())
        else:
            wire[wire_name] = value
    return wire


def duplicate_to_wire(contact: Contact, matched_on: tuple[str, ...]) -> dict[str, Any]:
    return {
        "@id": f"{CONTACTS}/{contact.id}",
        "@type": "Contact",
        "id": contact.id,
        "name": contact.name,
        "emails": list(contact.emails),
        "company": contact.company,
        "matchedOn": [CANONICAL_TO_WIRE.get(f, f) for f in matched_on],
    }


def prepared_to_wire(prepared) -> dict[str, Any]:
    """services.capture.Prepared -> the prepare answer."""
    return {
        "@context": "/api/contexts/ContactPreparation",
        "@type": "ContactPreparation",
        "confirmationToken": prepared.token,
        "expiresAt": iso(prepared.expires_at),
        "source": prepared.source,
        "cardsFound": prepared.cards_found,
        "contact": draft_to_wire(prepared.fields),
        "duplicates": [duplicate_to_wire(d.contact, d.matched_on) for d in prepared.duplicates],
    }

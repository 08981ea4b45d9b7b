"""Pure whautomate <-> domain mapping. Golden tests: tests/unit/test_whautomate_mapping.py."""
from __future__ import annotations

from typing import Any

from ...domain.contact import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    Contact,
    normalize_phone,
    normalize_tag,
)
from ...domain.errors import ValidationFailed
from ...domain.text import clean, digits
from ...ports import ContactQuery

# wire property -> canonical field, for the properties that map one to one
WIRE_TO_CANONICAL = {
    "name": "name", "stage": "stage", "notes": "notes", "customFields": "custom_fields", "tags": "tags",
    "location": "location", "channel": "channel",
}
# What a PUT replaces: the vendor's documented body. Omitted ones are cleared (channel is kept: see __init__).
REPLACED_ON_PUT: dict[str, Any] = {"stage": None, "notes": None, "customFields": {}, "tags": [], "location": None}


def contact_to_wire(contact: Contact) -> dict[str, Any]:
    phone = contact.primary_phone
    location = contact.location
    return {
        "id": contact.id,
        "name": contact.name,
        "phoneNumber": phone.raw if phone else None,
        "location": {"id": location.id, "title": location.title} if location else None,
        "stage": contact.stage.value if contact.stage else None,
        "notes": contact.notes,
        "customFields": dict(contact.custom_fields),
        "tags": list(contact.tags),
        "channel": contact.channel,
    }


def tags_to_wire(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "tags": list(contact.tags)}


def fields_for_create(sent: dict[str, Any]) -> dict[str, Any]:
    """Canonical fields of a POST body: ``sent`` is the decoded JSON of what the client sent; ``id`` is ignored."""
    fields = {WIRE_TO_CANONICAL[k]: v for k, v in sent.items() if k in WIRE_TO_CANONICAL}
    fields["phones"] = [sent["phoneNumber"]]
    return fields


def changes_for_put(sent: dict[str, Any], current: Contact) -> dict[str, Any]:
    """Canonical changes of a PUT: a full replacement of what whautomate shows, nothing else.

    Fields only the other dialects show (emails, company, further phones, first/last name...) survive.
    """
    if sent.get("id") is not None and sent["id"] != current.id:
        raise ValidationFailed.one("id", "The id in the body must match the contactId in the URL.", "id_mismatch")
    wire = {**REPLACED_ON_PUT, **{k: v for k, v in sent.items() if k != "id"}}
    changes = {WIRE_TO_CANONICAL[k]: v for k, v in wire.items() if k in WIRE_TO_CANONICAL}
    changes["custom_fields"] = changes["custom_fields"] or {}
    changes["tags"] = changes["tags"] or []
    changes["phones"] = _with_primary(sent["phoneNumber"], current)
    return changes


def _with_primary(raw: str, current: Contact) -> list[str]:
    """The new primary phone, then the contact's other phones minus any copy of the new one."""
    primary = normalize_phone(raw, "phones[0]")
    same = (lambda p: p.e164 == primary.e164) if primary.e164 else (lambda p: digits(p.raw) == digits(primary.raw))
    return [primary.raw] + [p.raw for p in current.phones[1:] if not same(p)]


def split_tags_param(value: str | None) -> tuple[str, ...]:
    """``tags=vip, paid`` -> ("vip", "paid"); blanks dropped, bounded like a contact's own tags."""
    tags = tuple(dict.fromkeys(t for t in (normalize_tag(v) for v in (value or "").split(",")) if t))
    if len(tags) > MAX_TAGS:
        raise ValidationFailed.one("tags", f"Filter on at most {MAX_TAGS} tags.", "too_many")
    if any(len(t) > MAX_TAG_LENGTH for t in tags):
        raise ValidationFailed.one("tags", f"A tag has at most {MAX_TAG_LENGTH} characters.", "too_long")
    return tags


def query_from_wire(search_text: str | None, tags: str | None, location_id: str | None,
                    channel: str | None) -> ContactQuery:
    return ContactQuery(
        text=clean(search_text),
        tags=split_tags_param(tags),
        location_id=clean(location_id),
        channel=(clean(channel) or "").lower() or None,
    )

"""skarbe's responses in the API reference (what mapping.py emits), as JSON Schema."""
from __future__ import annotations

from ..reference import DATE_TIME, Success, array, named, nullable, obj, text

LEAD_STATUS_REF = named("LeadStatusRef", obj({"id": {"type": "integer"}, "label": text(False), "color": text()}))
LEAD_STATUS = named("LeadStatus", obj(
    {"id": {"type": "integer"}, "type": {"type": "string", "enum": ["lead", "qualified", "disqualified"]},
                   "label": text(False), "color": text(), "order": {"type": "integer", "minimum": 1}}))
CONTACT = named("Contact", obj({
    "id": {"type": "integer"}, "email": text(), "photo": text(), "firstName": text(), "lastName": text(),
    "fullName": text(), "jobTitle": text(), "companyName": text(), "phoneNumbers": array({"type": "string"}),
    "facebookUrl": text(), "instagramUrl": text(), "linkedinUrl": text(), "note": text(),
    "lastActivityAt": DATE_TIME, "createdAt": DATE_TIME, "leadStatus": nullable(LEAD_STATUS_REF)}))
ME = named("Me", obj({"details": obj({"name": text(), "email": text()}), "workspace": obj({"name": text()})}))

SUCCESS = {
    ("get", "/api/connect/contacts"): Success(200, array(CONTACT), "Matching contacts, at most `limit`"),
    ("post", "/api/connect/contacts"): Success(200, CONTACT, "Created (the vendor answers 200, not 201)"),
    ("get", "/api/connect/contacts/{id}"): Success(200, CONTACT),
    ("get", "/api/connect/contacts/lead-statuses"): Success(200, array(LEAD_STATUS), "The workspace's lead statuses"),
    ("get", "/api/connect/me"): Success(200, ME, "The key's user and workspace"),
}

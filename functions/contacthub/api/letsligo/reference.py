"""letsligo's responses in the API reference (what the mappers emit), as JSON Schema: JSON-LD resources and
Hydra collections, all `application/ld+json`."""
from __future__ import annotations

from ...domain.contact import Status
from ...domain.task import TaskKind, TaskType
from ..reference import DATE_TIME, Success, array, named, nullable, obj, text

LD = "application/ld+json"
TEXTS = array({"type": "string"})
STATE_REF = named("PipelineStateRef", obj({"id": text(False), "name": text(False)}))
CONTACT_FIELDS = {
    "id": text(False, format="uuid"), "name": text(False), "emails": TEXTS, "phones": TEXTS, "company": text(),
    "position": text(), "address": text(), "website": text(), "linkedinUrl": text(), "additionalInfo": text(),
    "meetingContext": text(), "status": {"type": "string", "enum": [s.value for s in Status]},
    "pipelineState": nullable(STATE_REF), "createdAt": DATE_TIME, "updatedAt": DATE_TIME,
    "@id": text(False), "@type": {"const": "Contact"}}
CONTACT = named("Contact", obj({**CONTACT_FIELDS, "@context": text(False)}))
CONTACT_MEMBER = named("ContactMember", obj(CONTACT_FIELDS))
TASK_FIELDS = {
    "@id": text(False), "@type": {"const": "ContactTask"}, "title": text(False),
    "type": {"type": "string", "enum": [t.value for t in TaskType]},
    "taskKind": {"type": "string", "enum": [k.value for k in TaskKind]},
    "payload": {"type": ["object", "null"]}, "description": text(), "dueDate": DATE_TIME,
    "completed": {"type": "boolean"}, "completedAt": DATE_TIME, "contact": text(False)}
TASK = named("ContactTask", obj({**TASK_FIELDS, "@context": text(False)}, extra=True))
TASK_MEMBER = named("ContactTaskMember", obj(TASK_FIELDS, extra=True))
STATE_FIELDS = {"@id": text(False), "@type": {"const": "PipelineState"}, "id": text(False, format="uuid"),
                "name": text(False), "color": text(), "position": {"type": "integer", "minimum": 0}}
STATE = named("PipelineState", obj({**STATE_FIELDS, "@context": text(False)}, extra=True))
STATE_MEMBER = named("PipelineStateMember", obj(STATE_FIELDS, extra=True))
_VIEW = named("HydraPartialCollectionView", obj(
    {"@id": text(False), "@type": {"const": "hydra:PartialCollectionView"}, "hydra:first": text(False),
             "hydra:last": text(False), "hydra:previous": text(False), "hydra:next": text(False)},
            required=("@id", "@type", "hydra:first", "hydra:last")))


def collection(member: dict) -> dict:
    """A Hydra collection; `hydra:view` (first/previous/next/last pages) only when there is more than one page."""
    return named(f"{member['title'].removesuffix('Member')}Collection", obj(
        {"@context": text(False), "@id": text(False), "@type": {"const": "hydra:Collection"},
                "hydra:member": array(member), "hydra:totalItems": {"type": "integer", "minimum": 0},
                "hydra:view": _VIEW},
               required=("@context", "@id", "@type", "hydra:member", "hydra:totalItems")))


DRAFT = named("ContactDraft", obj(
    {"name": text(), "emails": TEXTS, "phones": TEXTS, "company": text(), "position": text(),
             "address": text(), "website": text(), "linkedinUrl": text(), "additionalInfo": text(),
             "meetingContext": text()}))
PREPARATION = named("ContactPreparation", obj({
    "@context": text(False), "@type": {"const": "ContactPreparation"}, "confirmationToken": text(False),
    "expiresAt": DATE_TIME, "source": text(), "cardsFound": {"type": "integer", "minimum": 0}, "contact": DRAFT,
    "duplicates": array(obj({"@id": text(False), "@type": {"const": "Contact"}, "id": text(False),
                             "name": text(), "emails": TEXTS, "company": text(), "matchedOn": TEXTS}))},
    extra=True))
DRAFT_EMAIL = named("EmailDraft", obj(
    {"@context": text(False), "@type": {"const": "EmailDraft"}, "contact": text(False),
                   "sessionId": text(False), "version": {"type": "integer"}, "subject": text(), "body": text(),
                   "to": text(), "notes": TEXTS, "composer": text(), "expiresAt": DATE_TIME},
                  required=("@context", "@type", "contact", "sessionId", "version"), extra=True))
SENT_EMAIL = named("SentEmail", obj({"@context": text(False), "@type": {"const": "SentEmail"}, "contact": text(False),
                  "status": {"const": "sent"}, "messageId": text(), "sessionId": text(), "to": text(),
                  "subject": text(), "sentAt": DATE_TIME},
                 required=("@context", "@type", "contact", "status"), extra=True))


def _ld(status: int, schema: dict | None, description: str = "Success", errors: tuple[int, ...] = ()) -> Success:
    return Success(status, schema, description, LD, errors=errors)


SUCCESS = {
    ("get", "/api/contacts"): _ld(200, collection(CONTACT_MEMBER), "A page of contacts"),
    ("post", "/api/contacts"): _ld(201, CONTACT, "Created"),
    ("get", "/api/contacts/{id}"): _ld(200, CONTACT),
    ("patch", "/api/contacts/{id}"): _ld(200, CONTACT, "Updated"),
    ("delete", "/api/contacts/{id}"): _ld(204, None, "Deleted"),
    ("post", "/api/contacts/{id}/extend"): _ld(200, CONTACT, "Text appended"),
    ("patch", "/api/contacts/{id}/pipeline-state"): _ld(200, CONTACT, "Moved (or taken out of the pipeline)"),
    ("post", "/api/contacts/prepare"): _ld(200, PREPARATION, "What confirm would create; nothing is written"),
    ("post", "/api/contacts/confirm"): _ld(201, CONTACT, "Created from the prepared contact",
                                             errors=(404, 410)),
    ("post", "/api/contacts/{id}/emails/prepare"): _ld(200, DRAFT_EMAIL, "A draft"),
    ("post", "/api/contacts/{id}/emails/refine"): _ld(200, DRAFT_EMAIL, "The refined draft"),
    ("post", "/api/contacts/{id}/emails/send"): _ld(200, SENT_EMAIL, "Sent"),
    ("get", "/api/pipeline_states"): _ld(200, collection(STATE_MEMBER), "The workspace's pipeline states"),
    ("get", "/api/pipeline_states/{id}"): _ld(200, STATE),
    ("get", "/api/contact_tasks"): _ld(200, collection(TASK_MEMBER), "A page of tasks"),
    ("post", "/api/contact_tasks"): _ld(201, TASK, "Created"),
    ("get", "/api/contact_tasks/{id}"): _ld(200, TASK),
    ("patch", "/api/contact_tasks/{id}"): _ld(200, TASK, "Updated"),
    ("delete", "/api/contact_tasks/{id}"): _ld(204, None, "Deleted"),
}

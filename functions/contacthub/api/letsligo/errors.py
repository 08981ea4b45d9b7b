"""How letsligo (API Platform) reports errors: Hydra error documents and constraint-violation lists."""
from __future__ import annotations

from ..common import Dialect, Problem
from ..reference import array, obj, text

_TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict", 410: "Gone",
           412: "Precondition Failed", 413: "Payload Too Large", 415: "Unsupported Media Type",
           422: "Unprocessable Entity",
           500: "Internal Server Error", 503: "Service Unavailable"}


def render(problem: Problem) -> dict:
    body = {
        "@context": "/api/contexts/Error",
        "@type": "hydra:Error",
        "title": "An error occurred",
        "detail": problem.message,
        "status": problem.status,
        "type": f"/errors/{problem.status}",
        "hydra:title": "An error occurred",
        # A 500 is masked (its cause is logged); a 503 tells the client what failed and that a retry is safe.
        "hydra:description": problem.message if problem.status != 500 else _TITLES[500],
    }
    if problem.status == 500:
        body["detail"] = body["hydra:description"]
    if problem.violations:
        body["@context"] = "/api/contexts/ConstraintViolationList"
        body["@type"] = "ConstraintViolationList"
        body["violations"] = [{"propertyPath": v.path, "message": v.message, "code": v.code}
                              for v in problem.violations]
    if problem.existing_id is not None:
        body["existing"] = f"/api/contacts/{problem.existing_id}"  # an IRI, as letsligo names resources
    return body


ERROR_SCHEMA = obj({
    "@context": {"enum": ["/api/contexts/Error", "/api/contexts/ConstraintViolationList"]},
    "@type": {"enum": ["hydra:Error", "ConstraintViolationList"]}, "title": text(False), "detail": text(False),
    "status": {"type": "integer"}, "type": text(False), "hydra:title": text(False), "hydra:description": text(False),
    "violations": array(obj({"propertyPath": text(False), "message": text(False), "code": text(False)})),
    "existing": text(False)},
    required=("@context", "@type", "title", "detail", "status", "type", "hydra:title", "hydra:description"))

LETSLIGO = Dialect(
    name="letsligo",
    content_type="application/ld+json; charset=utf-8",
    render=render,
    validation_status=422,
    field_names={
        "notes": "additionalInfo", "meeting_context": "meetingContext", "linkedin_url": "linkedinUrl",
        "pipeline_state_id": "stateId", "first_name": "firstName", "last_name": "lastName",
        # ContactTask
        "contact_id": "contact", "due_date": "dueDate", "task_kind": "taskKind",
        "completed_at": "completedAt",
    },
    json_content_types=("application/json", "application/ld+json", "application/merge-patch+json"),
    api_key_headers=("x-api-key",),
    error_schema=ERROR_SCHEMA,
)

"""How skarbe reports errors: always `{"error": "<message>"}`; validation failures are 400s.

The vendor documents three exact messages; any failure on those fields reads exactly like them so a
client matching on the text keeps working. Every other invalid field reads `<wire field>: <message>`.
"""
from __future__ import annotations

import re

from ...domain.errors import EmailTaken, NotFound
from ..common import Dialect, Problem
from ..reference import obj, text

REQUIRED_IDENTITY = "At least email or firstName is required"
INVALID_EMAIL = "Invalid email"
INVALID_LEAD_STATUS = "Invalid lead status"

# wire field (root of a violation path) -> the documented message for anything wrong with it
DOCUMENTED = {"email": INVALID_EMAIL, "leadStatus": INVALID_LEAD_STATUS}
NOT_FOUND = {"Contact": "Contact not found", "PipelineState": "Lead status not found"}

_ROOT = re.compile(r"^[^.\[]*")


def message(problem: Problem) -> str:
    if not problem.violations:
        return problem.message
    seen: dict[str, None] = {}
    for v in problem.violations:
        match = _ROOT.match(v.path)
        root = match.group(0) if match else v.path
        text = DOCUMENTED.get(root) or (f"{v.path}: {v.message}" if v.path else v.message)
        seen.setdefault(text, None)
    return "; ".join(seen)


def render(problem: Problem) -> dict:
    if problem.existing_id is not None:  # skarbe's one member: the message names the contact
        return {"error": f"{problem.message} (contact {problem.existing_id})"}
    return {"error": message(problem)}


class SkarbeDialect(Dialect):
    def problem_for(self, error: Exception) -> Problem:
        if isinstance(error, NotFound):
            return Problem(404, NOT_FOUND.get(error.entity, f"{error.entity} not found"))
        return super().problem_for(error)

    def contact_id(self, error: EmailTaken) -> str:
        return str(error.contact_number)  # skarbe's ids are the integers


SKARBE = SkarbeDialect(
    name="skarbe",
    content_type="application/json; charset=utf-8",
    render=render,
    validation_status=400,
    field_names={
        "emails": "email", "first_name": "firstName", "last_name": "lastName", "name": "firstName",
        "position": "jobTitle", "company": "companyName", "phones": "phoneNumbers", "notes": "note",
        "linkedin_url": "linkedinUrl", "facebook_url": "facebookUrl", "instagram_url": "instagramUrl",
        "twitter_url": "twitterUrl", "photo": "photo", "pipeline_state_id": "leadStatus",
    },
    api_key_headers=("x-api-key",),
    error_schema=obj({"error": text(False)}),
)

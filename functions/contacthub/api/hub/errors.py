"""RFC 9457 problem details, with the invalid fields listed under ``errors``."""
from __future__ import annotations

from http import HTTPStatus

from ..common import Dialect, Problem
from ..reference import array, obj, text
from .mapping import FIELD_NAMES

PROBLEM_TYPE = "https://contacthub.dev/problems/"


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def render(problem: Problem) -> dict:
    slug = "validation" if problem.violations else _title(problem.status).lower().replace(" ", "-")
    title = "Invalid input" if problem.violations else _title(problem.status)
    body: dict = {"type": PROBLEM_TYPE + slug, "title": title, "status": problem.status, "detail": problem.message}
    if problem.violations:
        body["errors"] = [{"field": v.path, "message": v.message, "code": v.code} for v in problem.violations]
    if problem.existing_id is not None:
        body["existingId"] = problem.existing_id  # an RFC 9457 extension member
    if problem.merged_into is not None:  # a write through a merged contact's id: where that contact lives on
        body["detail"] = "This contact was merged into another; read it, or write to the contact in mergedInto"
        body["mergedInto"] = problem.merged_into
    return body


HUB = Dialect(
    name="hub",
    content_type="application/problem+json",
    render=render,
    validation_status=400,
    field_names=FIELD_NAMES,
    api_key_headers=("x-api-key",),
    error_schema=obj({"type": text(False, format="uri"), "title": text(False), "status": {"type": "integer"},
                      "detail": text(False),
                      "errors": array(obj({"field": text(False), "message": text(False), "code": text(False)})),
                      "existingId": text(False), "mergedInto": text(False)},
                     required=("type", "title", "status", "detail")),
)

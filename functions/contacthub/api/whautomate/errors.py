"""How whautomate errors look (see the package docstring): one flat JSON object, 400 for any bad input."""
from __future__ import annotations

from dataclasses import dataclass

from ..common import Dialect, Problem
from ..reference import array, obj, text

_CODES = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
          409: "Conflict", 410: "Gone", 412: "PreconditionFailed", 413: "PayloadTooLarge",
          415: "UnsupportedMediaType", 422: "UnprocessableEntity",
          500: "InternalServerError", 503: "ServiceUnavailable"}


def render(problem: Problem) -> dict:
    if problem.violations:
        details = [{"field": v.path, "message": v.message} for v in problem.violations]
        return {"error": "ValidationError", "message": problem.message, "field": details[0]["field"],
                "details": details}
    body = {"error": _CODES.get(problem.status, "Error"), "message": problem.message}
    if problem.existing_id is not None:
        body["contactId"] = problem.existing_id
    return body


@dataclass(frozen=True)
class _WhautomateDialect(Dialect):
    def wire_path(self, path: str) -> str:
        # The wire carries one phone, the primary: the domain's "phones[0]" is simply "phoneNumber".
        if path == "phones" or path.startswith("phones[0]"):
            return "phoneNumber"
        return super().wire_path(path)


WHAUTOMATE = _WhautomateDialect(
    name="whautomate",
    content_type="application/json; charset=utf-8",
    render=render,
    validation_status=400,
    field_names={"phones": "phoneNumber", "custom_fields": "customFields", "first_name": "name",
                 "last_name": "name"},
    api_key_headers=("x-api-key",),
    error_schema=obj({"error": text(False), "message": text(False), "field": text(False),
                      "details": array(obj({"field": text(False), "message": text(False)})),
                      "contactId": text(False)},
                     required=("error", "message")),
)

"""letsligo ContactTask wire models (requests). Read-only (completedAt) and unknown properties are refused.

Lengths, payload size and date parsing are checked by the domain (contacthub.domain.task), so every
dialect and GraphQL report them alike; the 256 KB body limit bounds everything before that.
"""
from __future__ import annotations

from typing import Any

from pydantic import Field, StrictBool, StrictStr

from ....domain.task import TaskKind, TaskType
from ...reference import not_null
from ..models import WireModel

_DATE_TIME: dict[str, Any] = {"format": "date-time"}
_CONTACT = "IRI of a contact of your workspace, /api/contacts/{id}"


class ContactTaskFields(WireModel):
    """Every writable ContactTask property; PATCH sends any subset."""

    contact: StrictStr | None = Field(None, description=_CONTACT, json_schema_extra=not_null())
    title: StrictStr | None = Field(None, description="Task title (at most 255 characters)",
                                    json_schema_extra=not_null({"pattern": r"\S", "maxLength": 255}))
    type: TaskType | None = Field(None, json_schema_extra=not_null())
    taskKind: TaskKind | None = Field(None, json_schema_extra=not_null())
    payload: dict[str, Any] | None = Field(None, description="JSON object of at most 10 KB")
    description: StrictStr | None = Field(None, description="Notes (at most 10,000 characters)")
    dueDate: StrictStr | None = Field(None, description="ISO 8601 date-time", json_schema_extra=_DATE_TIME)
    completed: StrictBool | None = Field(None, description="Completing sets completedAt; reopening clears it",
                                         json_schema_extra=not_null())


class ContactTaskCreate(ContactTaskFields):
    contact: StrictStr = Field(description=_CONTACT)
    title: StrictStr = Field(description="Task title (at most 255 characters)",
                             json_schema_extra={"pattern": r"\S", "maxLength": 255})
    dueDate: StrictStr = Field(description="ISO 8601 date-time", json_schema_extra=_DATE_TIME)

"""Scalars rendered exactly as the REST dialects render them."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from strawberry.schema.types.base_scalars import DateTimeDefinition


def serialize_datetime(moment: datetime) -> str:
    """UTC to the second with a `+00:00` offset, as letsligo answers (`2025-03-20T10:00:00+00:00`)."""
    if moment.tzinfo is None:  # stored instants are UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


# Same name and input parsing as strawberry's DateTime (ISO 8601, any offset); only the output changes.
DATE_TIME = dataclasses.replace(
    DateTimeDefinition,
    description="An instant. Answered in ISO 8601, UTC, whole seconds: `2025-03-20T10:00:00+00:00` (the REST "
                "dialects' format). Accepted in ISO 8601 with any offset; without one it is read as UTC.",
    specified_by_url="https://datatracker.ietf.org/doc/html/rfc3339#section-5.6",
    serialize=serialize_datetime,
)

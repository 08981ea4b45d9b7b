"""Task field validation: bounds, defaults, normalisation (contacthub.domain.task)."""
from datetime import datetime, timedelta, timezone

import pytest

from contacthub.domain.errors import ValidationFailed
from contacthub.domain.task import (
    MAX_PAYLOAD_BYTES,
    TaskKind,
    TaskType,
    validate_task_fields,
)
from contacthub.domain.text import canonical_uuid, parse_datetime

CONTACT = "123e4567-e89b-12d3-a456-426614174000"
VALID = {"contact_id": CONTACT, "title": "Appeler pour suivi", "due_date": "2025-03-20T10:00:00+00:00"}


def paths(error: ValidationFailed) -> set[str]:
    return {v.path for v in error.violations}


def test_create_fills_defaults_and_normalises():
    # Given the smallest valid task, When validated for a create
    values = validate_task_fields({**VALID, "title": "  Appeler pour suivi  "}, creating=True)
    # Then the defaults are filled in and the values normalised
    assert values == {"contact_id": CONTACT, "title": "Appeler pour suivi", "type": TaskType.OTHER,
                      "task_kind": TaskKind.MANUAL, "payload": None, "description": None, "completed": False,
                      "due_date": datetime(2025, 3, 20, 10, tzinfo=timezone.utc)}


def test_create_lists_every_missing_and_bad_field_at_once():
    with pytest.raises(ValidationFailed) as caught:
        validate_task_fields({"type": "phone", "completedAt": "2025-01-01", "completed": "yes"},
                             creating=True)
    assert paths(caught.value) == {"contact_id", "title", "due_date", "type", "completedAt", "completed"}


@pytest.mark.parametrize("change, path", [
    ({"title": None}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 256}, "title"),
    ({"title": 42}, "title"),
    ({"description": "x" * 10_001}, "description"),
    ({"due_date": None}, "due_date"),
    ({"due_date": "20/03/2025"}, "due_date"),
    ({"due_date": "1899-12-31T23:59:59Z"}, "due_date"),
    ({"due_date": "9999-06-01T00:00:00Z"}, "due_date"),
    ({"due_date": 1742464800}, "due_date"),
    ({"contact_id": None}, "contact_id"),
    ({"contact_id": "/api/contacts/nope"}, "contact_id"),
    ({"type": None}, "type"),
    ({"task_kind": "robot"}, "task_kind"),
    ({"payload": ["not", "an", "object"]}, "payload"),
    ({"payload": {"blob": "x" * MAX_PAYLOAD_BYTES}}, "payload"),
    ({"completed": 1}, "completed"),
    ({"completed_at": None}, "completed_at"),
    ({"id": "x"}, "id"),
])
def test_bad_values_are_refused_with_their_path(change, path):
    with pytest.raises(ValidationFailed) as caught:
        validate_task_fields(change)
    assert paths(caught.value) == {path}


def test_update_keeps_only_given_fields_and_nulls_clear_optional_ones():
    cleared = {"description": None, "payload": None}
    assert validate_task_fields(cleared) == cleared
    assert validate_task_fields({"description": "  "}) == {"description": None}
    assert validate_task_fields({}) == {}


def test_payload_up_to_10_kb_is_kept_as_a_copy():
    payload = {"profile": {"headline": "x" * (MAX_PAYLOAD_BYTES - 40)}}
    kept = validate_task_fields({"payload": payload})["payload"]
    assert kept == payload and kept is not payload and kept["profile"] is not payload["profile"]


def test_due_dates_are_utc_whole_seconds_whatever_the_offset():
    due = validate_task_fields({"due_date": "2025-03-20T12:00:00.750+02:00"})["due_date"]
    assert due == datetime(2025, 3, 20, 10, tzinfo=timezone.utc) and due.tzinfo == timezone.utc
    naive = validate_task_fields({"due_date": datetime(2025, 3, 20, 10, 0, 5)})["due_date"]
    assert naive == datetime(2025, 3, 20, 10, 0, 5, tzinfo=timezone.utc)
    date_only = validate_task_fields({"due_date": "2025-03-20"})["due_date"]
    assert date_only == datetime(2025, 3, 20, tzinfo=timezone.utc)
    assert validate_task_fields({"due_date": "2025-03-20T10:00:00Z"})["due_date"].isoformat() == \
        "2025-03-20T10:00:00+00:00"


def test_parse_datetime_and_canonical_uuid():
    assert parse_datetime("2025-03-20T10:00:00+01:00") == datetime(2025, 3, 20, 9, tzinfo=timezone.utc)
    assert parse_datetime("") is None and parse_datetime("x" * 100) is None and parse_datetime(3) is None
    assert parse_datetime(datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=-5)))).hour == 5
    assert canonical_uuid(CONTACT.upper()) == CONTACT
    assert canonical_uuid("nope") is None and canonical_uuid(None) is None

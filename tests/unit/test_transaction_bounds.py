"""The largest possible contact update still fits in one DynamoDB transaction (100 items)."""
from datetime import datetime, timezone

from contacthub.domain.contact import (
    MAX_EMAILS, MAX_PHONES, MAX_TAGS, Contact, Location, Phone, Stage, Status,
)
from contacthub.store.repositories import MAX_TRANSACTION_ITEMS, contact_write_operations

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _full(prefix: str, state: str) -> Contact:
    return Contact(
        workspace_id="ws", id="c1", number=1, name=f"{prefix}a {prefix}b {prefix}c {prefix}d {prefix}e",
        first_name=f"{prefix}a", last_name=f"{prefix}b",
        emails=tuple(f"{prefix}{i}@x.example" for i in range(MAX_EMAILS)),
        phones=tuple(Phone(f"+33 6 {i}{prefix and 1 or 2} 00 00 0{i}", None) for i in range(MAX_PHONES)),
        company=f"{prefix}co {prefix}rp {prefix}inc {prefix}ltd", status=Status.PENDING if prefix else Status.LOST,
        stage=Stage.LEAD if prefix else Stage.CUSTOMER, pipeline_state_id=state,
        tags=tuple(f"{prefix}tag{i}" for i in range(MAX_TAGS)), location=Location(f"{prefix}loc", "L"),
        channel=f"{prefix}chan", created_at=NOW, updated_at=NOW, version=1,
    )


def test_worst_case_update_fits_one_transaction():
    old, new = _full("o", "s1"), _full("n", "s2")
    operations = 1 + len(contact_write_operations(old, new))  # + the contact's own put
    assert operations <= MAX_TRANSACTION_ITEMS, operations


def test_worst_case_create_and_delete_fit():
    contact = _full("n", "s2")
    assert 1 + len(contact_write_operations(None, contact)) <= MAX_TRANSACTION_ITEMS
    assert len(contact_write_operations(contact, None)) <= MAX_TRANSACTION_ITEMS


def test_unchanged_update_touches_only_the_contact():
    contact = _full("n", "s2")
    assert contact_write_operations(contact, contact.with_changes(position="CEO")) == []

"""The largest possible contact write fits DynamoDB's 100-item transactions: the contact with its version check,
its counters and every new entry in the first; leftover stale entry deletions in a follow-up."""
from datetime import datetime, timezone

from contacthub.domain.contact import (
    MAX_EMAILS, MAX_PHONES, MAX_TAGS, Contact, Location, Phone, Stage, Status,
)
from contacthub.store.mappers import contact_to_item
from contacthub.store.repositories import (
    MAX_TRANSACTION_ITEMS,
    contact_transactions,
    contact_write_operations,
    save,
)
from contacthub.store.search_index import index_entries
from contacthub.store.tables import ContactItem, IndexEntryItem

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _full(prefix: str, state: str) -> Contact:
    return Contact(
        workspace_id="ws", id="c1", number=1, name=f"{prefix}a {prefix}b {prefix}c {prefix}d {prefix}e",
        first_name=f"{prefix}a", last_name=f"{prefix}b",
        emails=tuple(f"{prefix}{i}@{prefix}{i}.example" for i in range(MAX_EMAILS)),
        phones=tuple(Phone(f"+33 6 {i}{1 if prefix == 'o' else 2} 00 00 0{i}", None) for i in range(MAX_PHONES)),
        company=f"{prefix}co {prefix}rp {prefix}inc {prefix}ltd", status=Status.PENDING if prefix else Status.LOST,
        stage=Stage.LEAD if prefix else Stage.CUSTOMER, pipeline_state_id=state,
        tags=tuple(f"{prefix}tag{i}" for i in range(MAX_TAGS)), location=Location(f"{prefix}loc", "L"),
        channel=f"{prefix}chan", created_at=NOW, updated_at=NOW, version=1,
    )


class Recorder:
    """Stands for pynamodb's TransactWrite: records what each operation would send."""

    def __init__(self):
        self.calls = []

    def save(self, item, condition=None):
        self.calls.append(("put", item))

    def delete(self, item, condition=None):
        self.calls.append(("delete", item))

    def update(self, item, actions, condition=None):
        self.calls.append(("update", item))

    def condition_check(self, model, hash_key, range_key, condition=None):
        self.calls.append(("check", model))


def _recorded(operations):
    recorder = Recorder()
    for operation in operations:
        operation(recorder)
    return recorder.calls


def test_worst_case_update_splits_and_keeps_the_version_check_first():
    # Given an update replacing every email, phone, tag and word of a full contact
    old, new = _full("o", "s1"), _full("n", "s2")
    put = save(contact_to_item(new))
    # When its transactions are built
    transactions = contact_transactions(old, new, [put])
    # Then the whole change does not fit one transaction, so it is split, each part within the limit
    assert 1 + len(contact_write_operations(old, new)) > MAX_TRANSACTION_ITEMS
    assert len(transactions) == 2
    assert all(len(t) <= MAX_TRANSACTION_ITEMS for t in transactions), [len(t) for t in transactions]
    first, second = (_recorded(t) for t in transactions)
    # the contact's put (with its version condition) and every new entry are in the first
    assert first[0][0] == "put" and isinstance(first[0][1], ContactItem)
    new_entries = {i.sk for kind, i in first if kind == "put" and isinstance(i, IndexEntryItem)}
    assert new_entries == index_entries(new) - index_entries(old)
    # and the follow-up only deletes stale entries
    assert {kind for kind, _ in second} == {"delete"}
    assert all(isinstance(i, IndexEntryItem) for _, i in second)
    deleted = {i.sk for kind, i in first + second if kind == "delete"}
    assert deleted == index_entries(old) - index_entries(new)


def test_worst_case_create_and_delete_fit_one_transaction():
    contact = _full("n", "s2")
    assert len(contact_transactions(None, contact, [save(contact_to_item(contact))])) == 1
    assert 1 + len(contact_write_operations(None, contact)) <= MAX_TRANSACTION_ITEMS
    assert len(contact_transactions(contact, None)) == 1
    assert len(contact_write_operations(contact, None)) <= MAX_TRANSACTION_ITEMS


def test_unchanged_update_touches_only_the_contact():
    contact = _full("n", "s2")
    assert contact_write_operations(contact, contact.with_changes(position="CEO")) == []


def test_worst_case_writes_with_unique_email_guards_stay_within_the_limit():
    # Given a workspace keeping emails unique: a write adding every address carries one guard per address
    from contacthub.ports import GuardEmails
    from contacthub.store.contact_matches import guard_emails_operations

    old, new = _full("o", "s1"), _full("n", "s2")
    guards = guard_emails_operations(GuardEmails("ws", tuple((e, 0) for e in new.emails)))
    update = contact_transactions(old, new, [save(contact_to_item(new)), *guards])
    create = contact_transactions(None, new, [save(contact_to_item(new)), *guards])
    assert all(len(t) <= MAX_TRANSACTION_ITEMS for t in update + create)
    assert len(create) == 1 and len(_recorded(update[0])) == MAX_TRANSACTION_ITEMS
    assert sum(kind == "update" and type(i).__name__ == "EmailGuardItem" for kind, i in _recorded(update[0])) == 5

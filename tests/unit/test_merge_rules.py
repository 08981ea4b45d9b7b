"""domain.merges: what a merge keeps, unites and refuses, and what its undo reverts. Pure functions."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from contacthub.domain.contact import Contact, Phone
from contacthub.domain.errors import ValidationFailed
from contacthub.domain.merges import MergeRecord, check_request, merged_contact, revert

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
S = "00000000-0000-4000-8000-000000000001"
M = "00000000-0000-4000-8000-000000000002"
N = "00000000-0000-4000-8000-000000000003"


def _contact(cid: str, number: int, **fields) -> Contact:
    return Contact(workspace_id="ws", id=cid, number=number, created_at=T0, updated_at=T0, version=1,
                   **{"name": f"Contact {number}", "last_activity_at": T0, **fields})


def test_the_survivor_keeps_its_values_fills_blanks_and_unites_lists():
    survivor = _contact(S, 1, company="Acme", emails=("a@x.example",), phones=(Phone("+33 6 12 34 56 78",
                        "+33612345678"),), tags=("VIP",), custom_fields={"a": 1})
    other = _contact(M, 2, company="Other", position="CEO", emails=("A@X.example", "b@x.example"),
                     phones=(Phone("06 12 34 56 78", "+33612345678"),), tags=("vip", "Paris"),
                     custom_fields={"a": 2, "b": 3}, last_activity_at=datetime(2026, 2, 1, tzinfo=timezone.utc))
    merged = merged_contact(survivor, [other], {})
    assert (merged.id, merged.number, merged.name, merged.company, merged.position) == (
        S, 1, "Contact 1", "Acme", "CEO")
    assert merged.emails == ("a@x.example", "b@x.example")
    assert [p.raw for p in merged.phones] == ["+33 6 12 34 56 78"]
    assert merged.tags == ("VIP", "Paris")
    assert merged.custom_fields == {"a": 1, "b": 3}
    assert merged.last_activity_at == other.last_activity_at


def test_prefer_names_whose_value_wins_and_whose_items_come_first():
    survivor = _contact(S, 1, first_name="Ann", last_name="Lee", company="Acme", emails=("a@x.example",))
    other = _contact(M, 2, name="Annie Lee", first_name="Annie", last_name="Lee", company=None,
                     emails=("b@x.example",))
    merged = merged_contact(survivor, [other], {"name": M, "company": M, "emails": M})
    assert (merged.name, merged.first_name, merged.company) == ("Annie Lee", "Annie", None)
    assert merged.emails == ("b@x.example", "a@x.example")


@pytest.mark.parametrize("field, survivor_values, other_values", [
    ("tags", {"tags": tuple(f"s{i}" for i in range(6))}, {"tags": tuple(f"o{i}" for i in range(5))}),
    ("emails", {"emails": ("a@x.example", "b@x.example", "c@x.example")},
     {"emails": ("d@x.example", "e@x.example", "f@x.example")}),
    ("custom_fields", {"custom_fields": {f"s{i}": i for i in range(30)}},
     {"custom_fields": {f"o{i}": i for i in range(30)}}),
])
def test_a_union_past_a_bound_is_refused(field, survivor_values, other_values):
    with pytest.raises(ValidationFailed) as refused:
        merged_contact(_contact(S, 1, **survivor_values), [_contact(M, 2, **other_values)], {})
    assert [(v.path, v.code) for v in refused.value.violations] == [(field, "merge_over_limit")]


@pytest.mark.parametrize("merged_ids, prefer, code", [
    ([], {}, "blank"),
    ([S], {}, "self_merge"),
    ([M, M], {}, "duplicate"),
    ([M] * 11, {}, "too_many"),
    ([M], {"id": M}, "unknown_field"),
    ([M], {"company": N}, "not_in_merge"),
])
def test_bad_requests_are_refused(merged_ids, prefer, code):
    with pytest.raises(ValidationFailed) as refused:
        check_request(S, merged_ids, prefer)
    assert code in {v.code for v in refused.value.violations}


def test_undo_reverts_the_fields_still_at_their_merged_value_and_names_the_others():
    before = _contact(S, 1, company="Acme", tags=("VIP",))
    other = _contact(M, 2, position="CEO", tags=("Paris",))
    after = replace(merged_contact(before, [other], {}), version=2)
    record = MergeRecord(workspace_id="ws", id="m", survivor_id=S, merged=(other,), before=before, after=after,
                         created_at=T0)
    assert set(record.changed_fields()) == {"position", "tags"}
    untouched = revert(after, record)
    assert untouched.contact.position is None and untouched.contact.tags == ("VIP",)
    assert untouched.not_reverted == ()
    edited = revert(replace(after, position="CTO"), record)
    assert edited.contact.position == "CTO" and edited.contact.tags == ("VIP",)
    assert edited.not_reverted == ("position",)


def test_every_merge_step_of_the_largest_contact_fits_one_transaction():
    # The step removing a merged contact carries 5 items besides its own changes, the restore 4 and the
    # survivor's update 3: each fits DynamoDB's 100 items with the largest contact (stale entries may follow)
    from contacthub.store.mappers import contact_to_item
    from contacthub.store.repositories import MAX_TRANSACTION_ITEMS, contact_transactions, save
    from test_transaction_bounds import _full

    full = _full("n", "s2")
    head = [save(contact_to_item(full))] * 4
    assert len(contact_transactions(None, full, head)) == 1
    assert len(contact_transactions(full, None, head + head[:1], record_cleanup=False)) == 1
    update = contact_transactions(_full("o", "s1"), full, head[:3])
    assert all(len(t) <= MAX_TRANSACTION_ITEMS for t in update)


def test_stream_records_of_a_merge_become_contact_merged_then_unmerged():
    from contacthub.events.mapper import events_from_record
    from contacthub.store.merges import merge_to_item

    before = _contact(S, 1)
    other = _contact(M, 7)
    record = MergeRecord(workspace_id="ws", id="m1", survivor_id=S, merged=(other,), before=before,
                         after=replace(before, tags=("VIP",)), created_at=T0)

    def stream(event: str, old: MergeRecord | None, new: MergeRecord) -> dict:
        image = merge_to_item(new).serialize()
        change = {"Keys": {"pk": image["pk"], "sk": image["sk"]}, "NewImage": image, "SequenceNumber": "42",
                  "ApproximateCreationDateTime": 1767225600}
        if old is not None:
            change["OldImage"] = merge_to_item(old).serialize()
        return {"eventName": event, "dynamodb": change}

    done = replace(record, status="done", steps=(M,))
    assert events_from_record(stream("INSERT", None, record)) == []
    assert events_from_record(stream("MODIFY", record, replace(record, steps=(M,)))) == []
    [merged] = events_from_record(stream("MODIFY", replace(record, steps=(M,)), done))
    body = merged.to_json()
    assert (body["type"], body["resource"]) == ("contact.merged", {"type": "contact", "id": S})
    assert (body["data"]["id"], body["data"]["mergedIds"], body["data"]["mergedNumbers"]) == ("m1", [M], [7])
    [unmerged] = events_from_record(stream("MODIFY", replace(done, status="undoing"),
                                           replace(done, status="undone", not_reverted=("tags",))))
    assert unmerged.type == "contact.unmerged" and unmerged.data["notReverted"] == ["tags"]


def test_a_merge_under_way_clips_what_a_concurrent_edit_pushed_past_a_bound():
    survivor = _contact(S, 1, tags=tuple(f"s{i}" for i in range(8)))
    other = _contact(M, 2, tags=("o1", "o2", "o3"))
    assert merged_contact(survivor, [other], {}, clip=True).tags == (*survivor.tags, "o1", "o2")

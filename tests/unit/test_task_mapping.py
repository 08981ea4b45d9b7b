"""Golden tests of the letsligo ContactTask mapping, built from the vendor doc (seed 001) examples."""
from datetime import datetime, timedelta, timezone

import pytest

from contacthub.api.common import BadRequest
from contacthub.api.letsligo.tasks import mapping as task_mapping
from contacthub.api.letsligo.wire import collection
from contacthub.domain.task import Task, TaskKind, TaskQuery, TaskType

TASK_ID = "323e4567-e89b-12d3-a456-426614174000"
CONTACT_ID = "123e4567-e89b-12d3-a456-426614174000"

# seed 001, GET /api/contact_tasks response example, verbatim
SEED_LIST = {
    "@context": "/api/contexts/ContactTask",
    "@id": "/api/contact_tasks",
    "@type": "hydra:Collection",
    "hydra:member": [
        {
            "@id": "/api/contact_tasks/323e4567-e89b-12d3-a456-426614174000",
            "@type": "ContactTask",
            "title": "Appeler pour suivi",
            "type": "call",
            "dueDate": "2025-03-20T10:00:00+00:00",
            "completed": False,
            "contact": "/api/contacts/123e4567-e89b-12d3-a456-426614174000",
        }
    ],
    "hydra:totalItems": 1,
}
# seed 001, GET /api/contact_tasks/{id} response example, verbatim
SEED_ITEM = {
    "@context": "/api/contexts/ContactTask",
    "@id": "/api/contact_tasks/323e4567-e89b-12d3-a456-426614174000",
    "@type": "ContactTask",
    "title": "Appeler pour suivi",
    "type": "call",
    "description": "Relance après meeting salon",
    "dueDate": "2025-03-20T10:00:00+00:00",
    "completed": False,
    "contact": "/api/contacts/123e4567-e89b-12d3-a456-426614174000",
}
# attributes the seed documents but leaves out of its examples
DOCUMENTED_EXTRAS = {"taskKind", "payload", "description", "completedAt"}
NOW = datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc)


def seed_task(**changes) -> Task:
    task = Task(workspace_id="ws", id=TASK_ID, contact_id=CONTACT_ID, title="Appeler pour suivi",
                type=TaskType.CALL, task_kind=TaskKind.MANUAL, payload=None, description=None,
                due_date=datetime(2025, 3, 20, 10, tzinfo=timezone.utc), completed=False, completed_at=None,
                created_at=NOW, updated_at=NOW, version=1)
    return task.with_changes(**changes)


def test_list_matches_the_seed_example():
    # Given the seed's task, When rendered as a Hydra collection
    members = [task_mapping.task_to_wire(seed_task(), with_context=False)]
    body = collection(task_mapping.TASKS, task_mapping.CONTEXT, members, 1, 1, 30, {})
    # Then every property of the seed example is there with the seed's value, plus the documented extras
    member = body["hydra:member"][0]
    assert {k: v for k, v in body.items() if k != "hydra:member"} == \
        {k: v for k, v in SEED_LIST.items() if k != "hydra:member"}
    seed_member = SEED_LIST["hydra:member"][0]
    assert {k: member[k] for k in seed_member} == seed_member
    assert set(member) - set(seed_member) == DOCUMENTED_EXTRAS
    assert member["taskKind"] == "manual" and member["completedAt"] is None


def test_item_matches_the_seed_example():
    wire = task_mapping.task_to_wire(seed_task(description="Relance après meeting salon"))
    assert {k: wire[k] for k in SEED_ITEM} == SEED_ITEM
    assert set(wire) - set(SEED_ITEM) == DOCUMENTED_EXTRAS - {"description"}


def test_completed_task_shows_completed_at_and_payload():
    wire = task_mapping.task_to_wire(seed_task(
        completed=True, completed_at=datetime(2025, 3, 20, 11, 5, 7, 123456, tzinfo=timezone.utc),
        task_kind=TaskKind.VALIDATE_LINKEDIN_PROFILE_CHANGE, payload={"field": "headline"}))
    assert wire["completedAt"] == "2025-03-20T11:05:07+00:00"
    assert wire["taskKind"] == "validate_linkedin_profile_change" and wire["payload"] == {"field": "headline"}


def test_paged_collection_keeps_filters_in_the_view():
    members = [task_mapping.task_to_wire(seed_task(), with_context=False)]
    body = collection(task_mapping.TASKS, task_mapping.CONTEXT, members, 3, 2, 1,
                      {"completed": "false", "dueDate[before]": "2025-04-01"})
    view = body["hydra:view"]
    assert view["@id"] == "/api/contact_tasks?completed=false&dueDate%5Bbefore%5D=2025-04-01&page=2"
    assert view["hydra:next"].endswith("page=3") and view["hydra:previous"].endswith("page=1")


def test_fields_from_wire_takes_only_what_was_sent():
    sent = {"contact": f"/api/contacts/{CONTACT_ID}", "title": "Appeler pour suivi", "type": "call",
            "dueDate": "2025-03-20T10:00:00+00:00", "taskKind": "manual"}
    assert task_mapping.fields_from_wire(sent) == {
        "contact_id": CONTACT_ID, "title": "Appeler pour suivi", "type": "call",
        "due_date": "2025-03-20T10:00:00+00:00", "task_kind": "manual"}
    assert task_mapping.fields_from_wire({"completed": True}) == {"completed": True}
    assert task_mapping.fields_from_wire({"contact": None}) == {"contact_id": None}


@pytest.mark.parametrize("value", [f"/api/contacts/{CONTACT_ID}", CONTACT_ID,
                                   f"https://crm.example/api/contacts/{CONTACT_ID}"])
def test_contact_reference_is_an_iri_or_an_id(value):
    assert task_mapping.contact_id_from_iri(value) == CONTACT_ID
    assert task_mapping.task_query(contact=value).contact_id == CONTACT_ID


def test_filters_map_to_a_task_query():
    assert task_mapping.task_query() == TaskQuery()
    assert task_mapping.task_query(completed="true").completed is True
    assert task_mapping.task_query(completed="1").completed is True
    assert task_mapping.task_query(completed="false").completed is False
    assert task_mapping.task_query(completed="0").completed is False
    assert task_mapping.task_query(type="follow_up").type is TaskType.FOLLOW_UP


def test_due_date_filters_are_inclusive_and_strict_ones_shift_a_microsecond():
    moment = datetime(2025, 3, 20, 10, tzinfo=timezone.utc)
    query = task_mapping.task_query(before="2025-03-20T10:00:00+00:00", after="2025-03-20T10:00:00Z")
    assert query.due_before == moment and query.due_after == moment
    strict = task_mapping.task_query(strictly_before="2025-03-20T11:00:00+01:00",
                                     strictly_after="2025-03-20T10:00:00Z")
    assert strict.due_before == moment - timedelta(microseconds=1)
    assert strict.due_after == moment + timedelta(microseconds=1)
    # both kinds given: the tighter bound wins
    both = task_mapping.task_query(before="2025-04-01", strictly_before="2025-03-21", after="2025-03-01",
                                   strictly_after="2025-02-01")
    assert both.due_before == datetime(2025, 3, 21, tzinfo=timezone.utc) - timedelta(microseconds=1)
    assert both.due_after == datetime(2025, 3, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("kwargs", [
    {"contact": "/api/contacts/not-a-uuid"}, {"contact": "/api/pipeline_states/" + CONTACT_ID},
    {"completed": "yes"}, {"type": "phone"}, {"before": "tomorrow"}, {"strictly_after": "2025-13-01"},
    {"strictly_before": "0001-01-01T00:00:00"},
])
def test_bad_filters_are_400(kwargs):
    with pytest.raises(BadRequest) as caught:
        task_mapping.task_query(**kwargs)
    assert caught.value.status == 400

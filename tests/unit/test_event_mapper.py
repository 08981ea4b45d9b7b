"""Stream record -> events: golden tests on records shaped as Lambda receives them from DynamoDB Streams."""
from __future__ import annotations

from datetime import datetime, timezone

from contacthub.domain.contact import Contact, Location, Phone, Stage
from contacthub.domain.pipeline import PipelineState, StateType
from contacthub.domain.task import Task, TaskKind, TaskType
from contacthub.events.mapper import events_from_record
from contacthub.store.mappers import contact_to_item, state_to_item
from contacthub.store.tasks import task_to_item

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)
T1 = datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)
CONTACT = Contact(workspace_id="ws-1", id="3f1c2a4e-0000-4000-8000-000000000001", number=42, name="Marie Dubois",
                  first_name="Marie", last_name="Dubois", emails=("marie@acme.example",),
                  phones=(Phone("+33 6 12 34 56 78", "+33612345678"),), company="Acme Corp", stage=Stage.LEAD,
                  tags=("VIP",), location=Location("paris", "Paris"), created_at=T0, updated_at=T0, version=1)


def _image(item) -> dict:
    return item.serialize()


def _record(name: str, old=None, new=None, seq: str = "1100000000017454423042") -> dict:
    keys_of = old if old is not None else new
    change = {"ApproximateCreationDateTime": T1.timestamp(), "SequenceNumber": seq, "SizeBytes": 100,
              "StreamViewType": "NEW_AND_OLD_IMAGES", "Keys": {"pk": keys_of["pk"], "sk": keys_of["sk"]}}
    if old is not None:
        change["OldImage"] = old
    if new is not None:
        change["NewImage"] = new
    return {"eventID": "1", "eventName": name, "eventSource": "aws:dynamodb", "eventVersion": "1.1",
            "awsRegion": "us-east-1", "dynamodb": change,
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/crm/stream/2025-03-01T00:00:00.000"}


def test_contact_insert_is_contact_created_with_every_id_and_the_canonical_shape():
    # Given the stream record of a new contact
    record = _record("INSERT", new=_image(contact_to_item(CONTACT)))
    # When it is mapped
    [event] = events_from_record(record)
    # Then one contact.created, positioned by the sequence number, carrying the contact as stored
    assert event.workspace_id == "ws-1"
    assert event.to_json() == {
        "id": "evt_0000000000000000001100000000017454423042",
        "type": "contact.created",
        "time": "2025-03-01T10:00:00+00:00",
        "resource": {"type": "contact", "id": CONTACT.id, "number": 42},
        "data": {
            "id": CONTACT.id, "number": 42, "name": "Marie Dubois", "firstName": "Marie", "lastName": "Dubois",
            "emails": ["marie@acme.example"], "phones": [{"number": "+33 6 12 34 56 78", "e164": "+33612345678"}],
            "company": "Acme Corp", "position": None, "address": None, "website": None, "linkedinUrl": None,
            "facebookUrl": None, "instagramUrl": None, "twitterUrl": None, "photo": None, "notes": None,
            "meetingContext": None, "status": "pending", "stage": "Lead", "pipelineStateId": None,
            "tags": ["VIP"], "customFields": {}, "location": {"id": "paris", "title": "Paris"}, "channel": None,
            "createdAt": "2025-03-01T09:30:00+00:00", "updatedAt": "2025-03-01T09:30:00+00:00",
            "lastActivityAt": None, "version": 1},
    }


def test_contact_modify_lists_the_changed_fields_only():
    changed = CONTACT.with_changes(company="Globex", tags=("VIP", "Paris"), updated_at=T1, version=2)
    [event] = events_from_record(_record("MODIFY", _image(contact_to_item(CONTACT)), _image(contact_to_item(changed))))
    assert event.type == "contact.updated"
    assert event.to_json()["changes"] == ["company", "tags"]
    assert event.data["company"] == "Globex" and event.data["version"] == 2


def test_a_write_that_changes_nothing_visible_is_no_event():
    touched = CONTACT.with_changes(updated_at=T1, version=2)
    assert events_from_record(_record("MODIFY", _image(contact_to_item(CONTACT)),
                                      _image(contact_to_item(touched)))) == []


def test_contact_remove_is_contact_deleted_with_its_last_state():
    [event] = events_from_record(_record("REMOVE", old=_image(contact_to_item(CONTACT))))
    assert event.type == "contact.deleted"
    assert event.ids == {"id": CONTACT.id, "number": 42}
    assert event.data["name"] == "Marie Dubois"
    assert "changes" not in event.to_json()


def test_task_and_pipeline_state_events():
    task = Task(workspace_id="ws-1", id="7a000000-0000-4000-8000-000000000007", contact_id=CONTACT.id,
                title="Call back", type=TaskType.CALL, task_kind=TaskKind.MANUAL, payload=None, description=None,
                due_date=T1, completed=False, completed_at=None, created_at=T0, updated_at=T0, version=1)
    done = task.with_changes(completed=True, completed_at=T1, updated_at=T1, version=2)
    [created] = events_from_record(_record("INSERT", new=_image(task_to_item(task))))
    [updated] = events_from_record(_record("MODIFY", _image(task_to_item(task)), _image(task_to_item(done))))
    assert (created.type, created.ids) == ("task.created", {"id": task.id})
    assert created.data["contactId"] == CONTACT.id and created.data["dueDate"] == "2025-03-01T10:00:00+00:00"
    assert (updated.type, updated.changes) == ("task.updated", ("completed", "completedAt"))

    state = PipelineState(workspace_id="ws-1", id="5b000000-0000-4000-8000-000000000005", number=1,
                          name="New Lead", color="#3B82F6", position=0, type=StateType.LEAD)
    [state_created] = events_from_record(_record("INSERT", new=_image(state_to_item(state))))
    assert state_created.to_json()["resource"] == {"type": "pipeline_state", "id": state.id, "number": 1}
    assert state_created.data == {"id": state.id, "number": 1, "name": "New Lead", "color": "#3B82F6",
                                  "position": 0, "type": "lead"}
    # A contact joining the state moves its counter only: no pipeline_state.updated
    counted = state.with_changes(contact_count=3)
    assert events_from_record(_record("MODIFY", _image(state_to_item(state)), _image(state_to_item(counted)))) == []


def test_items_without_events_are_ignored():
    index_entry = {"pk": {"S": "WS#ws-1"}, "sk": {"S": "IDX#name#marie#" + CONTACT.id}, "contactId": {"S": CONTACT.id}}
    own_event = {"pk": {"S": "WS#ws-1"}, "sk": {"S": "EVT#0001"}, "type": {"S": "contact.created"}}
    assert events_from_record(_record("INSERT", new=index_entry)) == []
    assert events_from_record(_record("REMOVE", old=own_event)) == []  # the log's own TTL expiry

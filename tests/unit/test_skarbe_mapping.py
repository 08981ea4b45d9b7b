"""Golden tests of the skarbe mapping, built from the vendor documentation's own examples (seed 002)."""
from datetime import datetime, timedelta, timezone

import pytest

from contacthub.api.common import Problem
from contacthub.api.skarbe import mapping
from contacthub.api.skarbe.errors import SKARBE
from contacthub.api.skarbe.schemas import ContactCreate
from contacthub.domain.contact import Contact, Phone
from contacthub.domain.errors import NotFound, ValidationFailed, Violation
from contacthub.domain.pipeline import DEFAULT_PIPELINE, PipelineState
from contacthub.domain.workspace import User, Workspace

WS = "ws-1"
STATES = [PipelineState(WS, f"00000000-0000-0000-0000-00000000000{i + 1}", i + 1, label, color, i, kind)
          for i, (label, color, kind) in enumerate(DEFAULT_PIPELINE)]
DOCUMENTED_ATTRIBUTES = ["id", "email", "photo", "firstName", "lastName", "fullName", "jobTitle", "companyName",
                         "phoneNumbers", "facebookUrl", "instagramUrl", "linkedinUrl", "note", "lastActivityAt",
                         "createdAt", "leadStatus"]

# The doc's examples, verbatim except the emails its web page obfuscated.
LIST_EXAMPLE = [{"id": 1, "email": "john.doe@example.com", "firstName": "John", "lastName": "Doe",
                 "fullName": "John Doe", "jobTitle": "Developer", "companyName": "Acme Corp",
                 "createdAt": "2023-01-15T10:00:00Z", "leadStatus": {"id": 1, "label": "New Lead", "color": "#3B82F6"}}]
CREATE_REQUEST = {"email": "jane.smith@example.com", "firstName": "Jane", "lastName": "Smith",
                  "jobTitle": "Marketing Manager", "companyName": "Tech Solutions Inc", "leadStatus": 1}
CREATE_RESPONSE = {"id": 2, "email": "jane.smith@example.com", "firstName": "Jane", "lastName": "Smith",
                   "jobTitle": "Marketing Manager", "companyName": "Tech Solutions Inc",
                   "createdAt": "2023-01-15T10:30:00Z"}
LEAD_STATUSES_EXAMPLE = [{"id": 1, "type": "lead", "label": "New Lead", "color": "#3B82F6", "order": 1},
                         {"id": 2, "type": "qualified", "label": "Qualified Lead", "color": "#10B981", "order": 2}]
ME_EXAMPLE = {"details": {"name": "John Admin", "email": "admin@acme.example"},
              "workspace": {"name": "Acme Corporation"}}


def _contact(**fields) -> Contact:
    defaults = {"workspace_id": WS, "id": "c0ffee00-0000-0000-0000-000000000001", "number": 1, "name": "x"}
    return Contact(**{**defaults, **fields})


def _error(error: Exception) -> tuple[int, dict]:
    problem = SKARBE.problem_for(error)
    return problem.status, SKARBE.render(problem)


def test_list_example():
    # Given John Doe as the doc shows him, in the default "New Lead" status
    john = _contact(number=1, name="John Doe", first_name="John", last_name="Doe", emails=("john.doe@example.com",),
                    position="Developer", company="Acme Corp", pipeline_state_id=STATES[0].id,
                    created_at=datetime(2023, 1, 15, 10, 0, tzinfo=timezone.utc))
    # When mapped
    wire = mapping.contact_to_wire(john, STATES[0])
    # Then exactly the documented attributes, the example's values, and null (or []) for what he lacks
    assert list(wire) == DOCUMENTED_ATTRIBUTES
    assert {k: wire[k] for k in LIST_EXAMPLE[0]} == LIST_EXAMPLE[0]
    assert all(wire[k] in (None, []) for k in set(wire) - set(LIST_EXAMPLE[0]))
    assert wire["phoneNumbers"] == []


def test_create_example_request():
    # Given the doc's create request, validated by the wire model
    sent = ContactCreate.model_validate(CREATE_REQUEST).model_dump(exclude_unset=True)
    # When mapped
    fields = mapping.create_fields(sent, STATES)
    # Then the canonical fields, the lead status resolved to the workspace's state uuid
    assert fields == {"emails": ["jane.smith@example.com"], "first_name": "Jane", "last_name": "Smith",
                      "position": "Marketing Manager", "company": "Tech Solutions Inc",
                      "pipeline_state_id": STATES[0].id}


def test_create_example_response():
    jane = _contact(number=2, name="Jane Smith", first_name="Jane", last_name="Smith",
                    emails=("jane.smith@example.com",), position="Marketing Manager", company="Tech Solutions Inc",
                    pipeline_state_id=STATES[0].id, created_at=datetime(2023, 1, 15, 10, 30, tzinfo=timezone.utc),
                    last_activity_at=datetime(2023, 1, 15, 10, 30, tzinfo=timezone.utc))
    wire = mapping.contact_to_wire(jane, STATES[0])
    assert {k: wire[k] for k in CREATE_RESPONSE} == CREATE_RESPONSE
    # the doc's response is the bare row; ours is the same contact shape the list answers
    assert wire["leadStatus"] == {"id": 1, "label": "New Lead", "color": "#3B82F6"}
    assert wire["fullName"] == "Jane Smith" and wire["lastActivityAt"] == "2023-01-15T10:30:00Z"


def test_lead_statuses_example():
    assert [mapping.lead_status_to_wire(s) for s in STATES[:2]] == LEAD_STATUSES_EXAMPLE
    assert [mapping.lead_status_to_wire(s)["order"] for s in STATES] == [1, 2, 3, 4]


def test_me_example():
    user = User(WS, "u-1", "John Admin", "admin@acme.example")
    assert mapping.me_to_wire(user, Workspace(WS, "Acme Corporation")) == ME_EXAMPLE


@pytest.mark.parametrize("sent, message", [
    ({}, "At least email or firstName is required"),
    ({"lastName": "Smith", "jobTitle": "CEO"}, "At least email or firstName is required"),
    ({"email": "   ", "firstName": ""}, "At least email or firstName is required"),
    ({"email": "not-an-email"}, "Invalid email"),
    ({"email": "jane@", "firstName": "Jane"}, "Invalid email"),
    ({"firstName": "Jane", "leadStatus": 99}, "Invalid lead status"),
    ({"firstName": "Jane", "leadStatus": 0}, "Invalid lead status"),
])
def test_documented_error_messages(sent, message):
    with pytest.raises(ValidationFailed) as caught:
        mapping.create_fields(sent, STATES)
    assert _error(caught.value) == (400, {"error": message})


def test_identity_is_checked_before_email_and_email_before_lead_status():
    with pytest.raises(ValidationFailed) as caught:
        mapping.create_fields({"lastName": "x", "leadStatus": 99}, STATES)
    assert _error(caught.value)[1]["error"] == "At least email or firstName is required"
    with pytest.raises(ValidationFailed) as caught:
        mapping.create_fields({"email": "bad", "leadStatus": 99}, STATES)
    assert _error(caught.value)[1]["error"] == "Invalid email"


def test_blank_email_is_absent_when_first_name_is_given():
    assert mapping.create_fields({"email": " ", "firstName": "Jane"}, STATES) == {"first_name": "Jane"}


def test_email_only_contact_has_no_full_name():
    only_email = _contact(name="jane@example.com", emails=("jane@example.com",))
    assert mapping.contact_to_wire(only_email, None)["fullName"] is None
    assert mapping.contact_to_wire(only_email, None)["firstName"] is None


def test_phone_numbers_are_strings_as_typed():
    contact = _contact(phones=(Phone("+33 6 12 34 56 78", "+33612345678"), Phone("0612", None)))
    assert mapping.contact_to_wire(contact, None)["phoneNumbers"] == ["+33 6 12 34 56 78", "0612"]
    # a lone string is one number
    assert ContactCreate.model_validate({"phoneNumbers": "+33 6 12"}).phoneNumbers == ["+33 6 12"]


def test_timestamps_are_utc_with_z():
    paris = timezone(timedelta(hours=2))
    assert mapping.iso(datetime(2023, 1, 15, 12, 0, 5, 123456, tzinfo=paris)) == "2023-01-15T10:00:05Z"
    assert mapping.iso(None) is None


@pytest.mark.parametrize("text, number", [
    ("1", 1), ("42", 42), (" 7 ", 7), ("999999999999", 999_999_999_999),
    ("0", 0), ("-1", 0), ("1.0", 0), ("abc", 0), ("", 0), ("1e3", 0), ("٣", 0), ("1000000000000", 0),
])
def test_contact_number_from_path(text, number):
    assert mapping.contact_number(text) == number


def test_other_validation_failures_name_the_wire_field():
    error = ValidationFailed([Violation("position", "This value is too long."),
                              Violation("phones[1]", "This value is not a valid phone number.")])
    assert _error(error) == (400, {"error": "jobTitle: This value is too long.; "
                                            "phoneNumbers[1]: This value is not a valid phone number."})


def test_any_failure_on_a_documented_field_reads_like_the_doc():
    assert _error(ValidationFailed(Violation("emails[0]", "whatever")))[1] == {"error": "Invalid email"}
    assert _error(ValidationFailed(Violation("leadStatus", "Input should be a valid integer")))[1] == {
        "error": "Invalid lead status"}


def test_not_found_and_other_errors_keep_the_error_shape():
    assert _error(NotFound("Contact", 3)) == (404, {"error": "Contact not found"})
    assert _error(NotFound("PipelineState", 3)) == (404, {"error": "Lead status not found"})
    assert SKARBE.render(Problem(500, "Internal Server Error")) == {"error": "Internal Server Error"}

"""Golden tests of the pure whautomate mapping, built from the vendor doc's request/response examples."""
from datetime import UTC, datetime

import pytest
from contacthub.api.common import Problem
from contacthub.api.whautomate import mapping
from contacthub.api.whautomate.errors import WHAUTOMATE
from contacthub.api.whautomate.schemas import ContactBody, ContactOut, TagsOut
from contacthub.domain.contact import Contact, Location, Phone, Stage, validate_changes
from contacthub.domain.errors import ValidationFailed, Violation
from contacthub.ports import ContactQuery

# The doc's POST/PUT request body and its 200 response, with "text" placeholders made concrete.
DOC_BODY = {
    "id": "text",
    "name": "Amira Haddad",
    "phoneNumber": "+971 50 123 4567",
    "location": {"id": "loc-dubai", "title": "Dubai Marina"},
    "stage": "Subscriber",
    "notes": "Asked about the spa package",
    "customFields": {"membership": "gold", "visits": 3, "vip": True},
    "tags": ["spa", "newsletter"],
}
CONTACT_ID = "6f1c2a8e-5b7d-4c3e-9a1f-2d4b6c8e0a12"


def stored(**changes) -> Contact:
    base = Contact(
        workspace_id="ws", id=CONTACT_ID, number=7, name="Amira Haddad", first_name="Amira", last_name="Haddad",
        emails=("amira@example.com",), phones=(Phone("+971 50 123 4567", "+971501234567"),),
        company="Haddad Trading", stage=Stage.SUBSCRIBER, notes="Asked about the spa package",
        tags=("spa", "newsletter"), custom_fields={"membership": "gold", "visits": 3, "vip": True},
        location=Location("loc-dubai", "Dubai Marina"), channel="whatsapp",
        created_at=datetime(2025, 1, 2, tzinfo=UTC), version=1)
    return base.with_changes(**changes)


def body(**changes) -> dict:
    """A request body as the route hands it to the mapping: validated, then dumped."""
    return ContactBody.model_validate({**DOC_BODY, **changes}).model_dump(exclude_unset=True)


def test_contact_to_wire_is_the_doc_response_plus_channel():
    assert mapping.contact_to_wire(stored()) == {
        "id": CONTACT_ID,
        "name": "Amira Haddad",
        "phoneNumber": "+971 50 123 4567",
        "location": {"id": "loc-dubai", "title": "Dubai Marina"},
        "stage": "Subscriber",
        "notes": "Asked about the spa package",
        "customFields": {"membership": "gold", "visits": 3, "vip": True},
        "tags": ["spa", "newsletter"],
        "channel": "whatsapp",
    }


def test_empty_contact_has_every_key_with_empty_values():
    wire = mapping.contact_to_wire(Contact(workspace_id="ws", id=CONTACT_ID, number=1, name="Bare"))
    assert wire == {"id": CONTACT_ID, "name": "Bare", "phoneNumber": None, "location": None, "stage": None,
                    "notes": None, "customFields": {}, "tags": [], "channel": None}


def test_response_model_documents_exactly_what_mapping_emits():
    # The OpenAPI models forbid extra keys, so a drift between mapping and documentation fails here.
    ContactOut.model_validate(mapping.contact_to_wire(stored()))
    ContactOut.model_validate(mapping.contact_to_wire(Contact(workspace_id="ws", id=CONTACT_ID, number=1, name="B")))
    TagsOut.model_validate(mapping.tags_to_wire(stored()))


def test_tags_response_is_the_doc_shape():
    assert mapping.tags_to_wire(stored()) == {"id": CONTACT_ID, "tags": ["spa", "newsletter"]}


def test_create_fields_from_the_doc_request_ignore_the_client_id():
    fields = mapping.fields_for_create(body())
    assert fields == {
        "name": "Amira Haddad",
        "phones": ["+971 50 123 4567"],
        "location": {"id": "loc-dubai", "title": "Dubai Marina"},
        "stage": "Subscriber",
        "notes": "Asked about the spa package",
        "custom_fields": {"membership": "gold", "visits": 3, "vip": True},
        "tags": ["spa", "newsletter"],
    }
    # and they are valid canonical fields
    valid = validate_changes(fields)
    assert valid["stage"] is Stage.SUBSCRIBER and valid["location"] == Location("loc-dubai", "Dubai Marina")


def test_create_with_only_required_fields():
    minimal = ContactBody.model_validate({"name": "Sam", "phoneNumber": "0612345678"})
    assert mapping.fields_for_create(minimal.model_dump(mode="json", exclude_unset=True)) == {
        "name": "Sam", "phones": ["0612345678"]}


def test_put_replaces_what_whautomate_shows_and_keeps_the_rest():
    current = stored(phones=(Phone("+971 50 123 4567", "+971501234567"), Phone("+44 20 7946 0000", "+442079460000")),
                     first_name="Amira", last_name="Haddad")
    sent = {"name": "Amira Haddad", "phoneNumber": "+971 55 000 1111"}
    changes = mapping.changes_for_put(sent, current)
    assert changes == {
        "name": "Amira Haddad",  # (the service keeps first/last name when the display name is unchanged)
        "phones": ["+971 55 000 1111", "+44 20 7946 0000"],  # primary replaced, second phone kept
        "stage": None, "notes": None, "custom_fields": {}, "tags": [], "location": None,  # omitted: cleared
    }
    assert "emails" not in changes and "company" not in changes and "channel" not in changes


def test_put_with_the_full_doc_body():
    changes = mapping.changes_for_put(body(id=CONTACT_ID, name="Amira H.", stage="Customer", channel="telegram"),
                                      stored())
    assert changes == {
        "name": "Amira H.", "phones": ["+971 50 123 4567"],
        "location": {"id": "loc-dubai", "title": "Dubai Marina"}, "stage": "Customer",
        "notes": "Asked about the spa package", "custom_fields": {"membership": "gold", "visits": 3, "vip": True},
        "tags": ["spa", "newsletter"], "channel": "telegram",
    }


def test_put_explicit_nulls_clear():
    changes = mapping.changes_for_put(body(id=CONTACT_ID, customFields=None, tags=None, stage=None, channel=None),
                                      stored())
    assert changes["custom_fields"] == {} and changes["tags"] == [] and changes["stage"] is None
    assert changes["channel"] is None


def test_put_new_primary_that_was_a_secondary_is_not_duplicated():
    current = stored(phones=(Phone("+33 1 00 00 00 00", "+33100000000"), Phone("06 12 34 56 78", None),
                             Phone("+33 6 99 99 99 99", "+33699999999")))
    changes = mapping.changes_for_put({"name": "Amira Haddad", "phoneNumber": "+33699999999"}, current)
    assert changes["phones"] == ["+33699999999", "06 12 34 56 78"]


def test_put_id_must_match_the_url():
    assert "phones" in mapping.changes_for_put({**body(), "id": CONTACT_ID}, stored())
    with pytest.raises(ValidationFailed) as error:
        mapping.changes_for_put(body(id="another-id"), stored())
    assert error.value.violations[0].path == "id"


def test_put_invalid_phone_is_reported_on_the_wire_name():
    with pytest.raises(ValidationFailed) as error:
        mapping.changes_for_put({"name": "X", "phoneNumber": "no digits"}, stored())
    assert WHAUTOMATE.wire_path(error.value.violations[0].path) == "phoneNumber"


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ContactQuery()),
    ({"search_text": "  Élodie ", "channel": " WhatsApp "}, ContactQuery(text="Élodie", channel="whatsapp")),
    ({"tags": "vip, paid,,VIP ,  "}, ContactQuery(tags=("vip", "paid", "VIP"))),
    ({"location_id": " loc-1 "}, ContactQuery(location_id="loc-1")),
    ({"search_text": "   ", "tags": " , "}, ContactQuery()),
])
def test_query_from_the_doc_parameters(params, expected):
    args = {"search_text": None, "tags": None, "location_id": None, "channel": None, **params}
    assert mapping.query_from_wire(**args) == expected


def test_tag_filter_is_bounded():
    with pytest.raises(ValidationFailed):
        mapping.split_tags_param(",".join(f"t{i}" for i in range(11)))
    with pytest.raises(ValidationFailed):
        mapping.split_tags_param("x" * 51)


@pytest.mark.parametrize(("canonical", "wire"), [
    ("phones", "phoneNumber"), ("phones[0]", "phoneNumber"), ("custom_fields.a", "customFields.a"),
    ("first_name", "name"), ("tags[2]", "tags[2]"), ("location.id", "location.id"), ("stage", "stage"),
])
def test_violation_paths_read_as_wire_names(canonical, wire):
    assert WHAUTOMATE.wire_path(canonical) == wire


def test_error_shapes():
    validation = WHAUTOMATE.problem_for(ValidationFailed([Violation("phones[0]", "Bad phone."),
                                                          Violation("custom_fields.x", "Too long.")]))
    assert validation.status == 400
    assert WHAUTOMATE.render(validation) == {
        "error": "ValidationError", "message": "phoneNumber: Bad phone.\ncustomFields.x: Too long.",
        "field": "phoneNumber",
        "details": [{"field": "phoneNumber", "message": "Bad phone."},
                    {"field": "customFields.x", "message": "Too long."}],
    }
    assert WHAUTOMATE.render(Problem(404, "Not Found")) == {"error": "NotFound", "message": "Not Found"}
    assert WHAUTOMATE.render(Problem(413, "Too big")) == {"error": "PayloadTooLarge", "message": "Too big"}


@pytest.mark.parametrize("bad", [
    {"email": "x@example.com"},  # unknown property: refused, never silently dropped
    {"stage": "Prospect"},
    {"phoneNumber": 612345678},  # numbers are not strings
])
def test_body_model_refuses_what_is_not_the_wire_syntax(bad):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        ContactBody.model_validate({**DOC_BODY, **bad})


@pytest.mark.parametrize("bad, path", [
    ({"customFields": {"x": float("nan")}}, "custom_fields"),
    ({"customFields": {"x": float("inf")}}, "custom_fields"),
    ({"name": "bad \ud800 text"}, "name"),
    ({"tags": ["ok", "\udfff"]}, "tags"),
    ({"customFields": {"k\ud800": 1}}, "custom_fields"),
])
def test_what_could_not_be_stored_or_read_back_passes_the_wire_and_is_refused_by_the_domain(bad, path):
    # The wire model checks syntax only; the domain rule is the one every dialect and GraphQL share.
    fields = mapping.fields_for_create(body(**bad))
    with pytest.raises(ValidationFailed) as error:
        validate_changes(fields)
    assert [v.path for v in error.value.violations] == [path]

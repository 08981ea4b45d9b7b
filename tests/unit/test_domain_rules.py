"""The one validation home (contacthub.domain.rules): every rule about what may be stored, shared by contacts,
tasks, pipeline states, emails and search terms, with its messages in contacthub.domain.messages."""
from __future__ import annotations

import pytest

from contacthub.domain import messages, rules
from contacthub.domain.contact import check_search_terms, validate_changes
from contacthub.domain.email import EmailDraft, validate_draft
from contacthub.domain.errors import ValidationFailed
from contacthub.domain.pipeline import validate_state_fields
from contacthub.domain.task import validate_task_fields
from contacthub.ports import ContactQuery
from contacthub.services.contacts import ContactService


def nested(levels: int) -> dict:
    value: object = "leaf"
    for _ in range(levels):
        value = {"a": value}
    return value  # type: ignore[return-value]


def paths(error: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {v.path: v.code for v in error.value.violations}


@pytest.mark.parametrize("value, code", [
    (float("nan"), "not_finite"),
    ({"a": [1, float("-inf")]}, "not_finite"),
    ("x\ud800", "encoding"),
    ({"k\udfff": 1}, "encoding"),
    ([["\ud800"]], "encoding"),
    (nested(rules.MAX_JSON_DEPTH + 1), "too_deep"),
    (nested(50_000), "too_deep"),  # far past Python's recursion limit: still an answer, not a RecursionError
])
def test_values_that_no_store_or_client_could_read_back_are_named(value, code):
    assert rules.json_problem(value)[1] == code


@pytest.mark.parametrize("value", [nested(rules.MAX_JSON_DEPTH), {"a": [1, 2.5, None, True, "é"]}, "", 0.0])
def test_storable_values_pass(value):
    assert rules.json_problem(value) is None


def test_every_entity_refuses_unstorable_values_the_same_way():
    # Given one unstorable value per entity's JSON or text field
    cases = [
        (validate_changes, {"custom_fields": {"x": float("nan")}, "notes": "\ud800"}),
        (lambda c: validate_task_fields(c), {"payload": {"deep": nested(40)}, "title": "x\udfff"}),
        (validate_state_fields, {"name": "\ud800"}),
    ]
    for validate, changes in cases:
        # Then every field is reported, each with the shared rule's code
        with pytest.raises(ValidationFailed) as error:
            validate(changes)
        assert set(paths(error)) == set(changes), changes
        assert set(paths(error).values()) <= {"not_finite", "encoding", "too_deep"}


def test_validate_reports_every_bad_field_unknown_and_missing_ones_included():
    with pytest.raises(ValidationFailed) as error:
        validate_task_fields({"title": "  ", "colour": "red", "completed": "yes"}, creating=True)
    assert paths(error) == {"title": "blank", "colour": "read_only", "completed": "type",
                            "contact_id": "blank", "due_date": "blank"}


def test_text_rule_bounds_trims_and_refuses_blank_when_required():
    rule = rules.Text(5, required=True, single_line=True)
    assert rule("  ab  ", "p") == "ab"
    for value, code in [(None, "null"), ("   ", "blank"), (3, "type"), ("abcdef", "too_long"),
                        ("a\nb", "line_break"), ("\ud800", "encoding")]:
        with pytest.raises(ValidationFailed) as error:
            rule(value, "p")
        assert paths(error) == {"p": code}, value
    assert rules.Text(5)("   ", "p") is None
    assert rules.Text(4, unit="bytes")("éé", "p") == "éé"
    with pytest.raises(ValidationFailed, match="5 bytes or less"):
        rules.Text(5, unit="bytes")("ééé", "p")


def test_email_drafts_use_the_same_rules_with_paths_under_their_property():
    with pytest.raises(ValidationFailed) as error:
        validate_draft({"subject": "Hi\r\nBcc: x@evil.example", "body": "b\x00", "to": "nope"}, "emailData")
    assert paths(error) == {"emailData.subject": "line_break", "emailData.body": "invalid",
                            "emailData.to": "invalid_email"}
    assert validate_draft(EmailDraft(" Hi ", "\r\nBody\r\n"), "x") == EmailDraft("Hi", "Body")


def test_pipeline_state_fields():
    assert validate_state_fields({"name": " Won ", "color": "#10b981", "type": "qualified"}) == {
        "name": "Won", "color": "#10B981", "type": validate_state_fields({"type": "qualified"})["type"]}
    with pytest.raises(ValidationFailed) as error:
        validate_state_fields({"name": "x" * 101, "color": "green", "type": "other"})
    assert paths(error) == {"name": "too_long", "color": "invalid", "type": "choice"}


def test_search_terms_go_through_the_text_rule():
    check_search_terms({"text": "anna", "tags": ("vip",)})
    with pytest.raises(ValidationFailed) as error:
        check_search_terms({"text": "an\ud800", "tags": ("ok", "\udfff")})
    assert paths(error) == {"text": "encoding", "tags": "encoding"}


class NoReads:
    """A contact repository that must never be reached."""

    def __getattr__(self, name):
        raise AssertionError(f"the repository was called: {name}")


def test_the_contact_service_refuses_a_bad_search_term_before_reading():
    service = ContactService(NoReads(), NoReads())
    with pytest.raises(ValidationFailed) as error:
        service.search("ws", ContactQuery(name="x\ud800"))
    assert paths(error) == {"name": "encoding"}


def test_messages_live_in_one_module():
    assert messages.too_long(255) == "This value is too long. It should have 255 characters or less."
    assert messages.BLANK == "This value should not be blank."

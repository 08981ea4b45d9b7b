"""Pure pieces of the GraphQL layer: content negotiation, cursors, error paths, request-error detection."""
from __future__ import annotations

import pytest
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from contacthub.domain.errors import Conflict, NotFound, ValidationFailed, Violation
from contacthub_graphql.errors import BadUserInput, error_type_for, graphql_path, is_unexpected
from contacthub_graphql.pagination import (
    Window,
    connection,
    decode_cursor,
    encode_cursor,
    window,
)
from contacthub_graphql.view import GRAPHQL_RESPONSE, JSON, is_request_error, negotiate


@pytest.mark.parametrize("accept, expected", [
    (None, JSON), ("", JSON), ("*/*", JSON), ("application/json", JSON), ("text/html", JSON),
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE), (f"{GRAPHQL_RESPONSE};charset=utf-8", GRAPHQL_RESPONSE),
    (f"application/json;q=0.9, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE};q=0.1, application/*", JSON), (f"{GRAPHQL_RESPONSE};q=0", JSON),
    (f"{GRAPHQL_RESPONSE};q=bogus, application/json", JSON),
])
def test_negotiate(accept, expected):
    assert negotiate(accept) == expected


def test_cursors_round_trip_and_are_typed():
    assert decode_cursor("contacts", encode_cursor("contacts", 41)) == 41
    for bad in ("", "%%%", encode_cursor("tasks", 1), encode_cursor("contacts", -1)):
        with pytest.raises(BadUserInput):
            decode_cursor("contacts", bad)
    assert window("contacts", 20, encode_cursor("contacts", 19)) == Window(20, 20)
    with pytest.raises(BadUserInput):
        window("contacts", 101, None)


def test_connection_page_info():
    page = connection("contacts", ["a", "b"], Window(2, 2), 5, str.upper)
    assert [e.node for e in page.edges] == ["A", "B"] and page.total_count == 5
    assert page.page_info.has_next_page and page.page_info.has_previous_page
    assert decode_cursor("contacts", page.page_info.end_cursor) == 3
    empty = connection("contacts", [], Window(0, 0), 0, str)
    assert empty.page_info.start_cursor is None and not empty.page_info.has_next_page


def test_domain_errors_become_payload_members_with_input_paths():
    validation = error_type_for(ValidationFailed([Violation("first_name", "Too long", "too_long"),
                                                  Violation("custom_fields.shoe_size", "Bad"),
                                                  Violation("emails[1]", "Bad email")]))
    assert [v.path for v in validation.violations] == ["firstName", "customFields.shoe_size", "emails[1]"]
    assert error_type_for(NotFound("Contact", "x")).id == "x"
    assert error_type_for(Conflict("later")).message == "later"
    assert graphql_path("pipeline_state_id") == "pipelineStateId"


def test_what_gets_masked():
    assert not is_unexpected(GraphQLError("Cannot query field"))  # validation
    assert not is_unexpected(GraphQLError("x", original_error=BadUserInput("first")))
    assert is_unexpected(GraphQLError("x", original_error=RuntimeError("db"), path=["contacts"]))
    assert not is_unexpected(GraphQLError("Variable $d got invalid value", original_error=ValueError("iso")))


def test_request_errors_have_no_path():
    assert is_request_error(ExecutionResult(data=None, errors=[GraphQLError("Syntax Error")]))
    assert not is_request_error(ExecutionResult(data=None, errors=[GraphQLError("x", path=["contacts"])]))
    assert not is_request_error(ExecutionResult(data={"a": 1}, errors=None))

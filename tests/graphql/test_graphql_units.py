"""Pure pieces of the GraphQL layer: content negotiation, cursors, error paths, request-error detection."""
from __future__ import annotations

import pytest
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from contacthub.domain.errors import Conflict, NotFound, ValidationFailed, Violation
from contacthub_graphql.errors import BadUserInput, error_type_for, graphql_path, is_unexpected
from contacthub.ports import ContactPage
from contacthub_graphql.pagination import check_first, keyset_connection
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


def test_first_is_bounded():
    assert check_first(0) == 0 and check_first(100) == 100
    for bad in (-1, 101):
        with pytest.raises(BadUserInput):
            check_first(bad)


def test_keyset_connection_page_info():
    page = keyset_connection(ContactPage(["a", "b"], 5, "k2", ["c1", "c2"]), "c0", str.upper)  # type: ignore[list-item]
    assert [e.node for e in page.edges] == ["A", "B"] and [e.cursor for e in page.edges] == ["c1", "c2"]
    assert page.total_count == 5 and page.page_info.end_cursor == "c2"
    assert page.page_info.has_next_page and page.page_info.has_previous_page
    empty = keyset_connection(ContactPage([], 0), None, str)
    assert empty.page_info.start_cursor is None and not empty.page_info.has_next_page
    count_only = keyset_connection(ContactPage([], 3), None, str)  # `first: 0`: items still follow
    assert count_only.page_info.has_next_page


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

"""The one map from domain errors to GraphQL: payload error types for mutations, masking for the rest."""
from __future__ import annotations

import re

import strawberry
from graphql import GraphQLError

from contacthub.domain.errors import (
    Conflict,
    DomainError,
    EmailTaken,
    Gone,
    IdempotencyKeyReused,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    ValidationFailed,
)

from .types.errors import (
    ConflictError,
    DuplicateEmailError,
    Error,
    NotFoundError,
    ServiceUnavailableError,
    TokenGoneError,
    ValidationError,
    VersionConflict,
    Violation,
)

_SNAKE_PART = re.compile(r"_([a-z0-9])")


class BadUserInput(GraphQLError):
    """A query argument out of bounds (page size, cursor, filter): shown to the client, never masked."""

    def __init__(self, message: str):
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})


def graphql_path(path: str) -> str:
    """Canonical property path -> the input's camelCase path: `custom_fields.x` -> `customFields.x`."""
    head, sep, rest = path.partition(".")
    return _SNAKE_PART.sub(lambda m: m.group(1).upper(), head) + sep + rest


def error_type_for(error: DomainError) -> Error | None:
    """The payload member for an expected failure, or None when the error is not an expected one."""
    if isinstance(error, ValidationFailed):
        violations = [Violation(path=graphql_path(v.path), message=v.message, code=v.code)
                      for v in error.violations]
        return ValidationError(message="; ".join(f"{v.path}: {v.message}" if v.path else v.message
                                                 for v in violations), violations=violations)
    if isinstance(error, NotFound):
        identifier = None if error.identifier is None else str(error.identifier)
        return NotFoundError(message=f"{error.entity} not found", entity=error.entity, id=identifier)
    if isinstance(error, IdempotencyKeyReused):
        message = str(error)
        return ValidationError(message=message, violations=[Violation(path="idempotencyKey", message=message,
                                                                      code="idempotency_key_reused")])
    if isinstance(error, PreconditionFailed):
        return VersionConflict(message=str(error), current_version=error.current_version)
    if isinstance(error, EmailTaken):
        return DuplicateEmailError(message=str(error), email=error.email,
                                   existing_contact_id=strawberry.ID(error.contact_id))
    if isinstance(error, Conflict):
        return ConflictError(message=str(error))
    if isinstance(error, Gone):
        return TokenGoneError(message=str(error))
    if isinstance(error, ServiceUnavailable):
        return ServiceUnavailableError(message=str(error), retry_after=error.retry_after)
    return None


# Input coercion (a bad variable value for a scalar) reports the scalar's ValueError/TypeError: client-made.
_COERCION_ERRORS = (ValueError, TypeError)


def is_unexpected(error: GraphQLError) -> bool:
    """True for failures the client must not see the details of (they are logged, then masked).

    Parse and validation errors carry no original error; errors we raise on purpose are GraphQLErrors;
    anything else raised inside a resolver is a bug or an outage.
    """
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return not (error.path is None and isinstance(original, _COERCION_ERRORS))

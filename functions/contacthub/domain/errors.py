"""Domain exceptions. Each REST dialect and the GraphQL layer map these in exactly one place."""
from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base class of every expected failure."""


class NotFound(DomainError):
    def __init__(self, entity: str, identifier: object = None):
        self.entity = entity
        self.identifier = identifier
        super().__init__(f"{entity} not found")


@dataclass(frozen=True)
class Violation:
    """One invalid field: a property path (dotted, e.g. ``emails[1]``) and a human message."""

    path: str
    message: str
    code: str = "invalid"


class ValidationFailed(DomainError):
    def __init__(self, violations: list[Violation] | Violation):
        self.violations = [violations] if isinstance(violations, Violation) else list(violations)
        super().__init__("; ".join(f"{v.path}: {v.message}" if v.path else v.message for v in self.violations))

    @classmethod
    def one(cls, path: str, message: str, code: str = "invalid") -> "ValidationFailed":
        return cls(Violation(path, message, code))


class InvalidCursor(ValidationFailed):
    """A paging cursor this list did not issue (another workspace, another query, or garbled): a bad request,
    400 in every dialect, rather than an invalid resource."""


class Conflict(DomainError):
    """A concurrent update won the race, or a uniqueness rule was broken; the client may retry."""


class Unauthorized(DomainError):
    def __init__(self, message: str = "Invalid or missing API key"):
        super().__init__(message)


class Gone(DomainError):
    """A one-time token was already used or has expired."""


class ServiceUnavailable(DomainError):
    """A downstream service (mail, model) failed; the client may retry after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = 5):
        self.retry_after = retry_after
        super().__init__(message)

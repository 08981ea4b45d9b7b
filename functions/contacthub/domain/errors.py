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


class MergedAway(NotFound):
    """A write named a contact merged into another: its id only reads the survivor (services.contacts). Answered
    as a 404 in every dialect (/hub/v1 also names the survivor), never applied to the survivor."""

    def __init__(self, entity: str, identifier: object, survivor_id: str):
        super().__init__(entity, identifier)
        self.survivor_id = survivor_id


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


class PreconditionFailed(Conflict):
    """The client's expected version (If-Match, expectedVersion) is not the stored one: nothing was written."""

    def __init__(self, entity: str, current_version: int | None):
        self.entity = entity
        self.current_version = current_version
        super().__init__(f"The {entity.lower()} was modified since you read it (now at version {current_version})")


class EmailTaken(Conflict):
    """The workspace keeps emails unique and another contact has this address: nothing was written."""

    def __init__(self, email: str, contact_id: str, contact_number: int):
        self.email = email
        self.contact_id = contact_id
        self.contact_number = contact_number  # the skarbe id
        super().__init__("A contact with this email address already exists in the workspace")


class IdempotencyKeyReused(DomainError):
    """An idempotency key already used for a different request (another body or input)."""

    def __init__(self, message: str = "This idempotency key was already used for a different request"):
        super().__init__(message)


class IdempotencyKeyInUse(Conflict):
    """The first request with this idempotency key is still running; retry later to get its result."""

    def __init__(self, message: str = "A request with this idempotency key is still in progress; retry later"):
        super().__init__(message)


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


class TooManyRequests(DomainError):
    """The workspace sent more requests than its rate limit allows; retry after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = 1):
        self.retry_after = retry_after
        super().__init__(message)

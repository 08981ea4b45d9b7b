"""Expected mutation failures, returned as typed members of each payload's `error` union.

They share the `Error` interface, so a client can always read `... on Error { message }`.
"""
from __future__ import annotations

import strawberry


@strawberry.interface(description="An expected failure of a mutation: nothing was changed.")
class Error:
    message: str


@strawberry.type(description="The object named in the input does not exist in this workspace.")
class NotFoundError(Error):
    entity: str = strawberry.field(description="Kind of object: Contact, Task or PipelineState.")
    id: str | None = strawberry.field(description="The identifier that was looked up.")


@strawberry.type(description="One invalid input field.")
class Violation:
    path: str = strawberry.field(description="Input field path, relative to the mutation input: `emails[1]`, "
                                             "`customFields.size`, `firstName`.")
    message: str
    code: str = strawberry.field(description="Machine-readable reason: invalid, too_long, too_many, blank...")


@strawberry.type(description="The input broke one or more rules; every offending field is listed.")
class ValidationError(Error):
    violations: list[Violation]


@strawberry.type(description="A concurrent change won the race, or the object is still in use.")
class ConflictError(Error):
    pass

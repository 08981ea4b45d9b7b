"""Expected mutation failures, returned as typed members of each payload's `error` union.

They share the `Error` interface, so a client can always read `... on Error { message }`.
"""

import strawberry


@strawberry.interface(description="An expected failure of a mutation: nothing was changed.")
class Error:
    message: str = strawberry.field(description="What went wrong, in plain English.")


@strawberry.type(description="The object named in the input does not exist in this workspace.")
class NotFoundError(Error):
    entity: str = strawberry.field(description="Kind of object: Contact, Task, PipelineState, EmailSession "
                                                "or Confirmation token.")
    id: str | None = strawberry.field(description="The identifier that was looked up.")


@strawberry.type(description="One invalid input field.")
class Violation:
    path: str = strawberry.field(description="Input field path, relative to the mutation input: `emails[1]`, "
                                             "`customFields.size`, `firstName`.")
    message: str = strawberry.field(description="What is wrong with the field, in plain English.")
    code: str = strawberry.field(description="Machine-readable reason: invalid, too_long, too_many, blank...")


@strawberry.type(description="The input broke one or more rules; every offending field is listed.")
class ValidationError(Error):
    violations: list[Violation] = strawberry.field(description="Every offending field, at least one.")


@strawberry.type(description="A concurrent change won the race, or the object is still in use.")
class ConflictError(Error):
    pass


@strawberry.type(description="The workspace keeps contacts' emails unique, and another contact already has this "
                             "address (ignoring case). Nothing was changed.")
class DuplicateEmailError(Error):
    email: str = strawberry.field(description="The address that is taken.")
    existing_contact_id: strawberry.ID = strawberry.field(description="The contact that has it.")


@strawberry.type(description="The object is not at the version the mutation expected (`expectedVersion`): "
                             "someone changed it since it was read. Nothing was changed; read it again.")
class VersionConflict(Error):
    current_version: int | None = strawberry.field(description="The version stored now.")


@strawberry.type(description="A one-time token was already used, or has expired: start over (prepare again).")
class TokenGoneError(Error):
    pass


@strawberry.type(description="A service the mutation depends on (the writing model, the mail service) failed "
                             "or is not configured. The session keeps its draft; retry after `retryAfter` "
                             "seconds (a send retried with the same session never sends twice).")
class ServiceUnavailableError(Error):
    retry_after: int = strawberry.field(description="Seconds to wait before retrying.")

"""Contact capture (services.capture): prepareContact extracts a contact from pasted text, confirmContact
creates it."""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from contacthub.domain.errors import ValidationFailed, Violation

from ..errors import graphql_path
from ..inputs import ConfirmContactInput, ContactFieldsInput, PrepareContactInput, changes
from ..payloads import ConfirmContactPayload, PrepareContactPayload
from ..types.capture import ContactDraft, PossibleDuplicate
from ..types.contact import Contact
from .idempotent import KEY_DESCRIPTION, once
from .outcome import outcome

P = TypeVar("P")
OVERRIDES = "overrides."


def _overrides(fields: ContactFieldsInput | None) -> dict[str, Any]:
    return changes(fields) if fields is not None else {}


def _input_paths(write: Callable[[], P]) -> Callable[[], P]:
    """The service reports `overrides.first_name`; the input field is `overrides.firstName`.

    The error map converts only a path's first segment (what follows may be a custom field's own name), so
    the segment after `overrides.` is converted here.
    """
    def run() -> P:
        try:
            return write()
        except ValidationFailed as error:
            raise ValidationFailed([
                Violation(OVERRIDES + graphql_path(v.path.removeprefix(OVERRIDES))
                          if v.path.startswith(OVERRIDES) else v.path, v.message, v.code)
                for v in error.violations]) from None
    return run


@strawberry.type
class CaptureMutations:
    @strawberry.mutation(description="Extract a contact from an email signature or a vCard. Creates nothing: "
                                     "answers the draft, the workspace's likely duplicates and a one-time "
                                     "confirmation token for confirmContact.")
    def prepare_contact(self, info: Info, input: PrepareContactInput) -> PrepareContactPayload:
        ctx = info.context

        def prepare() -> PrepareContactPayload:
            prepared = ctx.services.capture.prepare(ctx.workspace_id, input.text, _overrides(input.overrides))
            return PrepareContactPayload(
                confirmation_token=prepared.token, expires_at=prepared.expires_at, source=prepared.source,
                cards_found=prepared.cards_found, draft=ContactDraft.from_fields(prepared.fields),
                duplicates=[PossibleDuplicate.from_domain(d) for d in prepared.duplicates])

        return outcome(info, PrepareContactPayload, _input_paths(prepare))

    @strawberry.mutation(description="Create the contact prepareContact prepared (status pending). An "
                                     "unknown token (or another workspace's) is NotFoundError; a used or "
                                     "expired one TokenGoneError. Invalid overrides leave the token usable.")
    def confirm_contact(self, info: Info, input: ConfirmContactInput,
                        idempotency_key: Annotated[str | None, strawberry.argument(description=KEY_DESCRIPTION)]
                        = None) -> ConfirmContactPayload:
        ctx = info.context
        return outcome(info, ConfirmContactPayload, _input_paths(lambda: ConfirmContactPayload(
            contact=Contact.from_domain(once(
                info, "confirmContact", idempotency_key, input,
                lambda: ctx.services.capture.confirm(ctx.workspace_id, input.confirmation_token,
                                                     _overrides(input.overrides)),
                lambda made: made.id, lambda made_id: ctx.services.contacts.get(ctx.workspace_id, made_id))))))

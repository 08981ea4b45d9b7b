"""The AI email flow: draft an email to a contact, refine it, send it exactly once (services.emails).

Sessions, versions, the composer and the send-once guard are the service's; this only maps in and out.
"""

from collections.abc import Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from contacthub.domain.email import DraftResult, Sender
from contacthub.domain.errors import ValidationFailed, Violation

from ..inputs import (
    EmailContentInput,
    PrepareContactEmailInput,
    RefineContactEmailInput,
    SendContactEmailInput,
    plain,
)
from ..payloads import (
    ContactEmailDraftFields,
    PrepareContactEmailPayload,
    RefineContactEmailPayload,
    SendContactEmailPayload,
)
from ..types.email import EmailContent, SentEmail
from .outcome import outcome

D = TypeVar("D", bound=ContactEmailDraftFields)


def _sender(info: Info) -> Sender:
    """The calling user signs the email and receives the replies (as in the REST flow)."""
    ctx = info.context
    user, workspace = ctx.services.workspaces.me(ctx.principal)
    return Sender(name=user.name if user else None, reply_to=user.email if user else None,
                  organisation=workspace.name if workspace else None)


def _content(email: EmailContentInput | None) -> dict | None:
    return plain(email) if email is not None else None


def _optional_id(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None


def _draft_payload(payload: type[D], result: DraftResult) -> D:
    return payload(session_id=strawberry.ID(result.session.id), version=result.version.number,
                   draft=EmailContent.from_domain(result.draft), notes=list(result.notes),
                   composer=result.version.source, expires_at=result.session.expires_at)


def _recipient_under_email_data(send: Callable[[], SendContactEmailPayload]) -> SendContactEmailPayload:
    """"No recipient" is reported on `to`, which this input has only as `emailData.to`: point there."""
    try:
        return send()
    except ValidationFailed as error:
        raise ValidationFailed([Violation("emailData.to" if v.path == "to" else v.path, v.message, v.code)
                                for v in error.violations]) from None


@strawberry.type
class EmailMutations:
    @strawberry.mutation(description="Write an email to a contact from an instruction (nothing is sent). "
                                     "Starts a session unless `sessionId` continues one.")
    def prepare_contact_email(self, info: Info, input: PrepareContactEmailInput
                              ) -> PrepareContactEmailPayload:
        ctx = info.context
        return outcome(info, PrepareContactEmailPayload, lambda: _draft_payload(
            PrepareContactEmailPayload, ctx.services.emails.prepare(
                ctx.workspace_id, str(input.contact_id), input.message, _optional_id(input.session_id),
                _content(input.current_email), sender=_sender(info))))

    @strawberry.mutation(description="A new version of the session's draft (or of `currentEmail`) with the "
                                     "instruction applied.")
    def refine_contact_email(self, info: Info, input: RefineContactEmailInput) -> RefineContactEmailPayload:
        ctx = info.context
        return outcome(info, RefineContactEmailPayload, lambda: _draft_payload(
            RefineContactEmailPayload, ctx.services.emails.refine(
                ctx.workspace_id, str(input.contact_id), input.instruction, str(input.session_id),
                _content(input.current_email), sender=_sender(info))))

    @strawberry.mutation(description="Send the session's latest draft (or `emailData`) to the contact, "
                                     "exactly once: a retry answers the first result and sends nothing. The "
                                     "contact's last activity is bumped and a pending contact becomes "
                                     "contacted.")
    def send_contact_email(self, info: Info, input: SendContactEmailInput) -> SendContactEmailPayload:
        ctx = info.context
        return outcome(info, SendContactEmailPayload, lambda: _recipient_under_email_data(
            lambda: SendContactEmailPayload(sent_email=SentEmail.from_domain(ctx.services.emails.send(
                ctx.workspace_id, str(input.contact_id), _optional_id(input.session_id),
                _content(input.email_data), sender=_sender(info))))))

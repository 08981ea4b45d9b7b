"""The AI email flow (prepareContactEmail, refineContactEmail, sendContactEmail): drafts and sent emails."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from contacthub.domain.email import EmailDraft
from contacthub.domain.email import SentEmail as DomainSentEmail

if TYPE_CHECKING:
    from .contact import Contact


@strawberry.type(description="An email draft: what sendContactEmail would send.")
class EmailContent:
    subject: str = strawberry.field(description="One line.")
    body: str = strawberry.field(description="Plain text.")
    to: str | None = strawberry.field(description="Recipient: the contact's first email unless another was "
                                                  "named; null when the contact has none.")

    @classmethod
    def from_domain(cls, draft: EmailDraft) -> "EmailContent":
        return cls(subject=draft.subject, body=draft.body, to=draft.to)


@strawberry.type(description="An email handed to the mail service for a contact. Sending again answers this "
                             "same record and sends nothing.")
class SentEmail:
    message_id: str = strawberry.field(description="The mail service's message id.")
    session_id: strawberry.ID | None = strawberry.field(
        description="The session it was drafted in; null when sent from `emailData` alone.")
    to: str = strawberry.field(description="Recipient address.")
    subject: str = strawberry.field(description="Subject line as sent.")
    sent_at: datetime = strawberry.field(description="When the mail service accepted it.")
    contact_id: strawberry.ID = strawberry.field(description="The contact it was sent to.")

    @classmethod
    def from_domain(cls, sent: DomainSentEmail) -> "SentEmail":
        return cls(message_id=sent.message_id,
                   session_id=strawberry.ID(sent.session_id) if sent.session_id else None, to=sent.to,
                   subject=sent.subject, sent_at=sent.sent_at, contact_id=strawberry.ID(sent.contact_id))

    @strawberry.field(description="The contact it was sent to, as it is now (status, last activity).")
    async def contact(
        self, info: Info,
    ) -> Annotated["Contact", strawberry.lazy("contacthub_graphql.types.contact")] | None:  # noqa: UP037
        from .contact import Contact

        found = await info.context.loaders.contact.load(str(self.contact_id))
        return Contact.from_domain(found) if found else None

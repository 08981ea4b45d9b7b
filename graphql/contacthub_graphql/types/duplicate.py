"""Likely duplicate contacts (services/duplicates.py), as /hub/v1/duplicates serves them."""

import strawberry
from strawberry.relay import PageInfo

from contacthub.domain.duplicates import Reason
from contacthub.services.duplicates import DuplicateGroup as DomainGroup
from contacthub.services.duplicates import DuplicateMatch

from .contact import Contact
from .enums import mirror

DuplicateReason = mirror(Reason, "DuplicateReason", "Why two contacts are likely one person.", {
    "EMAIL": "An email address in common (case-insensitive).",
    "PHONE": "A phone number in common, in E.164.",
    "NAME_COMPANY": "Similar names and the same company.",
    "NAME_EMAIL_DOMAIN": "Similar names and an email domain in common (public mailbox providers aside).",
})


@strawberry.type(description="A likely duplicate of a group's contact.")
class DuplicateCandidate:
    contact: Contact = strawberry.field(description="The likely duplicate.")
    score: float = strawberry.field(description="How likely the two are one person, 0 to 1.")
    reasons: list[DuplicateReason] = strawberry.field(description="Why.")  # type: ignore[valid-type]

    @classmethod
    def from_domain(cls, match: DuplicateMatch) -> "DuplicateCandidate":
        return cls(contact=Contact.from_domain(match.contact), score=match.score,
                   reasons=[DuplicateReason(r.value) for r in match.reasons])


@strawberry.type(description="A contact (the group's oldest) and its newer likely duplicates.")
class DuplicateGroup:
    contact: Contact = strawberry.field(description="The group's oldest contact.")
    duplicates: list[DuplicateCandidate] = strawberry.field(description="Its likely duplicates, surest first.")
    score: float = strawberry.field(description="The highest score among `duplicates`.")
    reasons: list[DuplicateReason] = strawberry.field(  # type: ignore[valid-type]
        description="Every reason found in the group.")

    @classmethod
    def from_domain(cls, group: DomainGroup) -> "DuplicateGroup":
        return cls(contact=Contact.from_domain(group.contact),
                   duplicates=[DuplicateCandidate.from_domain(m) for m in group.duplicates],
                   score=group.score, reasons=[DuplicateReason(r.value) for r in group.reasons])


@strawberry.type(description="A page of duplicate groups, walking the contacts oldest first.")
class DuplicateGroupPage:
    nodes: list[DuplicateGroup] = strawberry.field(
        description="The groups anchored at the contacts this page examined (maybe fewer than `first`, even none).")
    page_info: PageInfo = strawberry.field(
        description="`endCursor` is the `after` of the next page; `hasNextPage` stays true until every contact "
                    "was examined.")

"""Contact capture (prepareContact): the contact a confirmation would create, and the contacts it may
duplicate."""

from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.scalars import JSON

from .contact import Contact
from .duplicate import DuplicateReason
from .enums import ContactStage
from .location import Location
from .phone import Phone

if TYPE_CHECKING:
    from contacthub.services.capture import Duplicate


def _same() -> Any:
    return strawberry.field(description="As on Contact; null (lists and customFields: empty) when not found or given.")


@strawberry.type(description="The contact confirmContact would create: the fields extracted from the text "
                             "with the overrides applied. Empty fields are null (lists: empty).")
class ContactDraft:
    name: str | None = strawberry.field(description="Display name; confirmContact needs one (give it in "
                                                    "`overrides` when the text had none).")
    first_name: str | None = _same()
    last_name: str | None = _same()
    emails: list[str] = _same()
    phones: list[Phone] = _same()
    company: str | None = _same()
    position: str | None = _same()
    address: str | None = _same()
    website: str | None = _same()
    linkedin_url: str | None = _same()
    facebook_url: str | None = _same()
    instagram_url: str | None = _same()
    twitter_url: str | None = _same()
    photo: str | None = _same()
    notes: str | None = _same()
    meeting_context: str | None = _same()
    stage: ContactStage | None = _same()
    pipeline_state_id: strawberry.ID | None = _same()
    tags: list[str] = _same()
    custom_fields: JSON = _same()
    location: Location | None = _same()
    channel: str | None = _same()

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> "ContactDraft":
        """Validated canonical create fields (services.capture.Prepared.fields) -> the draft."""
        stage, location = fields.get("stage"), fields.get("location")
        state = fields.get("pipeline_state_id")
        return cls(
            name=fields.get("name"), first_name=fields.get("first_name"), last_name=fields.get("last_name"),
            emails=list(fields.get("emails") or ()),
            phones=[Phone(raw=p.raw, e164=p.e164) for p in fields.get("phones") or ()],
            company=fields.get("company"), position=fields.get("position"), address=fields.get("address"),
            website=fields.get("website"), linkedin_url=fields.get("linkedin_url"),
            facebook_url=fields.get("facebook_url"), instagram_url=fields.get("instagram_url"),
            twitter_url=fields.get("twitter_url"), photo=fields.get("photo"), notes=fields.get("notes"),
            meeting_context=fields.get("meeting_context"),
            stage=ContactStage(stage.value) if stage else None,
            pipeline_state_id=strawberry.ID(state) if state else None,
            tags=list(fields.get("tags") or ()), custom_fields=dict(fields.get("custom_fields") or {}),
            location=Location(id=location.id, title=location.title) if location else None,
            channel=fields.get("channel"),
        )


@strawberry.type(description="An existing contact of the workspace that the draft would likely duplicate.")
class PossibleDuplicate:
    contact: Contact = strawberry.field(description="The existing contact.")
    matched_on: list[str] = strawberry.field(
        description="Fields behind the reasons: `emails` (same address, any case, or an email domain in common "
                    "with similar names), `phones` (same E.164 number), `name` (similar), `company` (the same).")
    reasons: list[DuplicateReason] = strawberry.field(  # type: ignore[valid-type]
        description="Why, as duplicateCandidates tells it.")
    score: float = strawberry.field(description="How likely the two are one person, 0 to 1.")

    @classmethod
    def from_domain(cls, duplicate: "Duplicate") -> "PossibleDuplicate":
        from ..errors import graphql_path

        return cls(contact=Contact.from_domain(duplicate.contact),
                   matched_on=[graphql_path(field) for field in duplicate.matched_on],
                   reasons=[DuplicateReason(r.value) for r in duplicate.reasons], score=duplicate.score)

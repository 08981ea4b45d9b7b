"""The canonical contact: one meaning behind three vendor wire shapes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from collections.abc import Callable
from typing import Any

from . import messages, rules
from .text import canonical_uuid, clean, fold


class Status(str, Enum):
    """System-driven lifecycle status."""

    PENDING = "pending"
    ENRICHED = "enriched"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    LOST = "lost"


class Stage(str, Enum):
    """Marketing lifecycle stage (the whautomate enum)."""

    SUBSCRIBER = "Subscriber"
    LEAD = "Lead"
    MQL = "MQL"
    SQL = "SQL"
    OPPORTUNITY = "Opportunity"
    CUSTOMER = "Customer"
    EVANGELIST = "Evangelist"
    OTHER = "Other"


# Bounds. The list bounds also keep the largest update inside one 100-item DynamoDB transaction
# (see store.repositories.contact_write_operations and tests/unit/test_transaction_bounds.py).
MAX_SHORT_TEXT = 255
MAX_URL = 2048
MAX_LONG_TEXT = 10_000
MAX_EMAILS = 5
MAX_PHONES = 5
MAX_TAGS = 10
MAX_TAG_LENGTH = 50
MAX_CUSTOM_FIELDS = 50
MAX_CUSTOM_FIELD_KEY = 64
MAX_CUSTOM_FIELD_VALUE = 1000
MAX_CHANNEL = 32

_CHANNEL = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Phone:
    raw: str  # as the user typed it
    e164: str | None = None  # when phonenumbers could parse it


@dataclass(frozen=True)
class Location:
    id: str
    title: str | None = None


@dataclass(frozen=True)
class Contact:
    workspace_id: str
    id: str  # UUID, the letsligo/whautomate id
    number: int  # per-workspace integer, the skarbe id
    name: str
    first_name: str | None = None
    last_name: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()
    company: str | None = None
    position: str | None = None
    address: str | None = None
    website: str | None = None
    linkedin_url: str | None = None
    facebook_url: str | None = None
    instagram_url: str | None = None
    twitter_url: str | None = None
    photo: str | None = None
    notes: str | None = None
    meeting_context: str | None = None
    status: Status = Status.PENDING
    stage: Stage | None = None
    pipeline_state_id: str | None = None
    tags: tuple[str, ...] = ()
    custom_fields: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    channel: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_activity_at: datetime | None = None
    version: int | None = None

    @property
    def primary_email(self) -> str | None:
        return self.emails[0] if self.emails else None

    @property
    def primary_phone(self) -> Phone | None:
        return self.phones[0] if self.phones else None

    def with_changes(self, **changes: Any) -> "Contact":
        return replace(self, **changes)


# --- field validation: one rule per field, used by create and update alike ------------------------

def normalize_email(value: str, path: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except (EmailNotValidError, AttributeError):
        raise rules.fail(path, messages.INVALID_EMAIL, "invalid_email") from None


def normalize_phone(value: str, path: str, default_region: str | None = None) -> Phone:
    import phonenumbers

    raw = (value or "").strip()
    if not raw or len(raw) > 40 or not any(c.isdigit() for c in raw):
        raise rules.fail(path, messages.INVALID_PHONE, "invalid_phone")
    try:
        parsed = phonenumbers.parse(raw, default_region)
        e164 = (
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if phonenumbers.is_possible_number(parsed)
            else None
        )
    except phonenumbers.NumberParseException:
        e164 = None
    return Phone(raw=raw, e164=e164)


def normalize_tag(value: str) -> str:
    return " ".join(value.split())


def tag_key(value: str) -> str:
    """Identity of a tag: trimmed and case-insensitive."""
    return fold(normalize_tag(value))


def _as_string(format: Callable[[str, str], Any]) -> rules.Rule:
    """A format rule (email, phone) over text that is UTF-8 and a string first."""
    text = rules.Text()

    def check(value: Any, path: str) -> Any:
        if value is None:
            raise rules.fail(path, messages.of_type("string"), "type")
        return format(text(value, path) or "", path)
    return check


_TAG = rules.RequiredText(MAX_TAG_LENGTH, normalize=normalize_tag)
TAGS = rules.Many(_TAG, MAX_TAGS, key=tag_key, count_distinct=True)


def normalize_tags(values: list[str], path: str = "tags") -> tuple[str, ...]:
    return TAGS(values, path)


def _location(value: Any, path: str) -> Location | None:
    if isinstance(value, Location):
        return value
    fields = _LOCATION(value, path)
    return Location(id=fields["id"], title=fields["title"]) if fields else None


_LOCATION = rules.Record({"id": rules.RequiredText(MAX_SHORT_TEXT), "title": rules.Text(MAX_SHORT_TEXT)},
                         required=("id",))


def _pipeline_state_id(value: Any, path: str) -> str | None:
    return canonical_uuid(value) or value  # a non-UUID is refused when the state is looked up


CONTACT_RULES: dict[str, rules.Rule] = {
    **{name: rules.Text(MAX_SHORT_TEXT) for name in
       ("company", "position", "address", "first_name", "last_name", "name")},
    **{name: rules.Text(MAX_URL) for name in
       ("website", "linkedin_url", "facebook_url", "instagram_url", "twitter_url", "photo")},
    **{name: rules.Text(MAX_LONG_TEXT) for name in ("notes", "meeting_context")},
    "emails": rules.Many(_as_string(normalize_email), MAX_EMAILS, key=fold),
    "phones": rules.Many(_as_string(normalize_phone), MAX_PHONES, key=lambda phone: phone),
    "tags": TAGS,
    "stage": rules.Choice(Stage),
    "custom_fields": rules.JsonObject(max_keys=MAX_CUSTOM_FIELDS, max_key_length=MAX_CUSTOM_FIELD_KEY,
                                      scalars_only=True, max_value_length=MAX_CUSTOM_FIELD_VALUE),
    "location": _location,
    "channel": rules.Pattern(_CHANNEL, messages.CHANNEL, MAX_CHANNEL, normalize=lambda v: v.strip().lower()),
    "pipeline_state_id": _pipeline_state_id,
}
EDITABLE_FIELDS = frozenset(CONTACT_RULES)
# Text appended to notes or meeting context (the field's own rule then bounds the result).
EXTENSION_TEXT = rules.RequiredText()
# Text pasted for contact capture: a signature or a handful of vCards; the bound limits the heuristics' work.
MAX_CAPTURE_TEXT_BYTES = 20 * 1024
_CAPTURE_TEXT = rules.RequiredText(MAX_CAPTURE_TEXT_BYTES, unit="bytes", normalize=lambda text: text)


def capture_text(value: Any, path: str) -> str:
    """Text to extract a contact from; anything but text holds nothing to capture (blank)."""
    return _CAPTURE_TEXT(value if isinstance(value, str) else "", path)  # anything else holds nothing to capture


# Search terms are not stored, but they are written into index keys: the same text rule applies.
SEARCH_TERM = rules.Text(MAX_SHORT_TEXT)
_SEARCH_TAGS = rules.Many(SEARCH_TERM, MAX_TAGS)


def check_search_terms(terms: dict[str, Any]) -> None:
    """Refuse search terms no index key could hold (lone surrogates, over-long text); ValidationFailed."""
    rules.validate({name: _SEARCH_TAGS if isinstance(value, (list, tuple)) else SEARCH_TERM
                    for name, value in terms.items()}, terms)


def split_name(name: str) -> tuple[str | None, str | None]:
    parts = name.split(None, 1)
    return (parts[0] if parts else None, parts[1] if len(parts) > 1 else None)


def join_name(first: str | None, last: str | None) -> str | None:
    return clean(" ".join(p for p in (first, last) if p))


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise canonical field values; raises ValidationFailed listing every bad field."""
    values = rules.validate(CONTACT_RULES, changes)
    if values.get("custom_fields") is None and "custom_fields" in values:
        values["custom_fields"] = {}
    return values

"""The canonical contact: one meaning behind three vendor wire shapes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from collections.abc import Callable
from typing import Any

from .errors import ValidationFailed, Violation
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


# --- field validation: one function per kind of value, used by create and update alike ---------

SHORT_TEXT_FIELDS = ("company", "position", "address", "first_name", "last_name", "name")
URL_FIELDS = ("website", "linkedin_url", "facebook_url", "instagram_url", "twitter_url", "photo")
LONG_TEXT_FIELDS = ("notes", "meeting_context")
EDITABLE_FIELDS = frozenset(
    SHORT_TEXT_FIELDS + URL_FIELDS + LONG_TEXT_FIELDS
    + ("emails", "phones", "stage", "tags", "custom_fields", "location", "channel", "pipeline_state_id")
)


def normalize_email(value: str, path: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except (EmailNotValidError, AttributeError):
        raise ValidationFailed.one(path, "This value is not a valid email address.", "invalid_email") from None


def normalize_phone(value: str, path: str, default_region: str | None = None) -> Phone:
    import phonenumbers

    raw = (value or "").strip()
    if not raw or len(raw) > 40 or not any(c.isdigit() for c in raw):
        raise ValidationFailed.one(path, "This value is not a valid phone number.", "invalid_phone")
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


def normalize_tags(values: list[str], path: str = "tags") -> tuple[str, ...]:
    result: dict[str, str] = {}
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ValidationFailed.one(f"{path}[{i}]", "A tag must be a string.")
        tag = normalize_tag(value)
        if not tag:
            raise ValidationFailed.one(f"{path}[{i}]", "A tag must not be blank.")
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationFailed.one(f"{path}[{i}]", f"A tag has at most {MAX_TAG_LENGTH} characters.")
        result.setdefault(tag_key(tag), tag)
    if len(result) > MAX_TAGS:
        raise ValidationFailed.one(path, f"A contact has at most {MAX_TAGS} tags.", "too_many")
    return tuple(result.values())


def split_name(name: str) -> tuple[str | None, str | None]:
    parts = name.split(None, 1)
    return (parts[0] if parts else None, parts[1] if len(parts) > 1 else None)


def join_name(first: str | None, last: str | None) -> str | None:
    return clean(" ".join(p for p in (first, last) if p))


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise canonical field values; raises ValidationFailed listing every bad field."""
    out: dict[str, Any] = {}
    violations: list[Violation] = []

    def check(path: str, fn: Callable[..., Any]) -> None:
        try:
            out[path] = fn()
        except ValidationFailed as e:
            violations.extend(e.violations)

    for key, value in changes.items():
        if _has_lone_surrogate(value):
            violations.append(Violation(key, "This value is not valid UTF-8 text.", "encoding"))
        elif key not in EDITABLE_FIELDS:
            violations.append(Violation(key, "This field is read-only or unknown.", "read_only"))
        elif key in SHORT_TEXT_FIELDS:
            check(key, lambda v=value, k=key: _text(v, k, MAX_SHORT_TEXT))
        elif key in URL_FIELDS:
            check(key, lambda v=value, k=key: _text(v, k, MAX_URL))
        elif key in LONG_TEXT_FIELDS:
            check(key, lambda v=value, k=key: _text(v, k, MAX_LONG_TEXT))
        elif key == "emails":
            check(key, lambda v=value: _bounded_list(v, "emails", MAX_EMAILS, normalize_email, dedupe=fold))
        elif key == "phones":
            check(key, lambda v=value: _bounded_list(v, "phones", MAX_PHONES, normalize_phone, dedupe=None))
        elif key == "tags":
            check(key, lambda v=value: normalize_tags(v or []))
        elif key == "stage":
            check(key, lambda v=value: _stage(v))
        elif key == "custom_fields":
            check(key, lambda v=value: _custom_fields(v))
        elif key == "location":
            check(key, lambda v=value: _location(v))
        elif key == "channel":
            check(key, lambda v=value: _channel(v))
        elif key == "pipeline_state_id":
            out[key] = canonical_uuid(value) or value  # a non-UUID is refused when the state is looked up
    if violations:
        raise ValidationFailed(violations)
    return out


def _has_lone_surrogate(value: Any) -> bool:
    """JSON can carry "\\ud800", which no UTF-8 store or client accepts."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _text(value: Any, path: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed.one(path, "This value should be of type string.", "type")
    if len(value) > limit:
        raise ValidationFailed.one(path, f"This value is too long. It should have {limit} characters or less.",
                                   "too_long")
    return clean(value)


def _bounded_list(values: Any, path: str, limit: int, normalize: Callable[[str, str], Any],
                  dedupe: Callable[[Any], Any] | None) -> tuple[Any, ...]:
    if values is None:
        return ()
    if not isinstance(values, (list, tuple)):
        raise ValidationFailed.one(path, "This value should be of type array.", "type")
    if len(values) > limit:
        raise ValidationFailed.one(path, f"This collection should contain {limit} elements or less.", "too_many")
    result, seen, violations = [], set(), []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            violations.append(Violation(f"{path}[{i}]", "This value should be of type string.", "type"))
            continue
        try:
            item = normalize(value, f"{path}[{i}]")
        except ValidationFailed as e:
            violations.extend(e.violations)
            continue
        key = dedupe(item) if dedupe else item
        if key not in seen:
            seen.add(key)
            result.append(item)
    if violations:
        raise ValidationFailed(violations)
    return tuple(result)


def _stage(value: Any) -> Stage | None:
    if value is None:
        return None
    try:
        return Stage(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Stage)
        raise ValidationFailed.one(
            "stage", f"The value you selected is not a valid choice ({allowed}).", "choice") from None


def _custom_fields(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed.one("custom_fields", "This value should be a JSON object.", "type")
    if len(value) > MAX_CUSTOM_FIELDS:
        raise ValidationFailed.one("custom_fields", f"At most {MAX_CUSTOM_FIELDS} custom fields.", "too_many")
    for key, item in value.items():
        path = f"custom_fields.{key}"
        if not key or len(key) > MAX_CUSTOM_FIELD_KEY:
            raise ValidationFailed.one(path, f"A custom field name has 1 to {MAX_CUSTOM_FIELD_KEY} characters.")
        if isinstance(item, bool) or item is None or isinstance(item, (int, float)):
            continue
        if not isinstance(item, str):
            raise ValidationFailed.one(path, "A custom field value must be a string, number, boolean or null.")
        if len(item) > MAX_CUSTOM_FIELD_VALUE:
            raise ValidationFailed.one(path, f"A custom field value has at most {MAX_CUSTOM_FIELD_VALUE} characters.")
    return dict(value)


def _location(value: Any) -> Location | None:
    if value is None:
        return None
    if isinstance(value, Location):
        return value
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not value["id"].strip():
        raise ValidationFailed.one("location.id", "A location needs a non-empty string id.")
    if len(value["id"]) > MAX_SHORT_TEXT:
        raise ValidationFailed.one("location.id", "This value is too long.", "too_long")
    title = _text(value.get("title"), "location.title", MAX_SHORT_TEXT)
    return Location(id=value["id"].strip(), title=title)


def _channel(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_CHANNEL or not _CHANNEL.match(value.strip().lower()):
        raise ValidationFailed.one("channel", "A channel is a short lowercase name such as whatsapp or telegram.")
    return value.strip().lower()

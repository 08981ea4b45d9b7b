"""Webhook subscriptions and their deliveries (Standard Webhooks)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from .errors import ValidationFailed, Violation
from .events import EVENT_TYPES

ALL_EVENTS = "*"
MAX_URL = 2048
MAX_DESCRIPTION = 500
MAX_SUBSCRIPTIONS = 20  # per workspace: each event is fanned out to every matching one
SECRET_PREFIX = "whsec_"
ROTATION_OVERLAP = timedelta(hours=24)  # a rotated-out secret keeps signing this long
DISABLE_AFTER = timedelta(days=5)  # a subscription failing without a success for this long is disabled
DELIVERY_TIMEOUT_SECONDS = 5
# Seconds to wait after each failed attempt (Standard Webhooks' suggestion): the last retry is ~27 h after
# the first attempt, so a receiver down for a day still gets its events.
RETRY_SCHEDULE: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)


@dataclass(frozen=True)
class SigningSecret:
    value: str  # whsec_<base64>
    expires_at: datetime | None = None  # set when rotated out


@dataclass(frozen=True)
class Subscription:
    workspace_id: str
    id: str
    url: str
    events: tuple[str, ...]  # event types, or ("*",)
    description: str | None
    enabled: bool
    secrets: tuple[SigningSecret, ...]  # newest first
    created_at: datetime
    updated_at: datetime
    failing_since: datetime | None = None
    disabled_reason: str | None = None

    def wants(self, event_type: str) -> bool:
        return self.enabled and (ALL_EVENTS in self.events or event_type in self.events)

    def signing_secrets(self, now: datetime) -> list[str]:
        return [s.value for s in self.secrets if s.expires_at is None or s.expires_at > now]

    def with_changes(self, **changes: Any) -> "Subscription":
        return replace(self, **changes)


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status_code: int | None  # None when no answer came (timeout, refused, unreachable)
    error: str | None = None


PENDING, SUCCEEDED, FAILED, CANCELLED = "pending", "succeeded", "failed", "cancelled"


@dataclass(frozen=True)
class Delivery:
    workspace_id: str
    webhook_id: str
    id: str  # time-ordered, so the log lists oldest first
    event: dict[str, Any]  # the body sent: the event as the feed shows it
    status: str
    attempts: tuple[Attempt, ...]
    created_at: datetime
    next_attempt_at: datetime | None

    @property
    def event_id(self) -> str:
        return str(self.event["id"])

    @property
    def event_type(self) -> str:
        return str(self.event["type"])

    def with_changes(self, **changes: Any) -> "Delivery":
        return replace(self, **changes)


def next_retry(failed_attempts: int, schedule: tuple[int, ...]) -> int | None:
    """Seconds before the next attempt after this many failed ones, or None when retries are exhausted."""
    return schedule[failed_attempts - 1] if 0 < failed_attempts <= len(schedule) else None


def check_url(value: Any, path: str = "url") -> str:
    """Shape of a target URL (the network policy, https and addresses, is the target guard's)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed.one(path, "This value should not be blank.", "blank")
    url = value.strip()
    if len(url) > MAX_URL:
        raise ValidationFailed.one(path, f"A URL has at most {MAX_URL} characters.", "too_long")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValidationFailed.one(path, "This value is not a valid URL.", "invalid_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed.one(path, "This value is not a valid http(s) URL.", "invalid_url")
    if parts.username or parts.password:
        raise ValidationFailed.one(path, "A webhook URL carries no credentials.", "invalid_url")
    return url


def check_events(value: Any, path: str = "events") -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ValidationFailed.one(path, "List at least one event type, or \"*\".", "blank")
    violations = [Violation(f"{path}[{i}]", f"Unknown event type; known: *, {', '.join(EVENT_TYPES)}.",
                            "unknown_type")
                  for i, t in enumerate(value) if t != ALL_EVENTS and t not in EVENT_TYPES]
    if violations:
        raise ValidationFailed(violations)
    events = tuple(dict.fromkeys(str(t) for t in value))
    return (ALL_EVENTS,) if ALL_EVENTS in events else events


def check_description(value: Any, path: str = "description") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise ValidationFailed.one(path, f"A description is text of at most {MAX_DESCRIPTION} characters.",
                                   "too_long")
    return value.strip() or None

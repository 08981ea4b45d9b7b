"""What the email service needs from a mail transport. Pure Python; adapters live beside it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str  # plain text
    from_name: str | None = None  # display name shown before the workspace's sender address
    reply_to: str | None = None
    tags: tuple[tuple[str, str], ...] = ()  # (name, value) for delivery events, e.g. ("workspace", id)


def has_control_character(value: str | None) -> bool:
    """A control character other than a tab (NUL, ESC, DEL...): not allowed in a header value either."""
    return value is not None and any((ord(c) < 32 and c != "\t") or 127 <= ord(c) < 160 for c in value)


def has_line_break(value: str | None) -> bool:
    """CR, LF or any other line separator: never allowed in a header value (header injection)."""
    return value is not None and any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

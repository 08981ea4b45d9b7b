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

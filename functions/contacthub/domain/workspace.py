"""Workspaces, their users and the API keys that identify a user in a workspace."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import rules
from .secrets import new_secret

KEY_PREFIX = "chk_"
# Custom keys (`serve --api-key`) must be at least this long and URL-safe.
MIN_KEY_LENGTH = 24
DISPLAY_PREFIX_LENGTH = 12
MAX_WORKSPACE_NAME = 100
MAX_USER_NAME = 255

WORKSPACE_NAME = rules.RequiredText(MAX_WORKSPACE_NAME)
USER_NAME = rules.Text(MAX_USER_NAME)


@dataclass(frozen=True)
class Workspace:
    id: str
    name: str
    created_at: datetime | None = None
    contact_count: int = 0
    unique_emails: bool = False  # no two contacts share an address (case-insensitive), checked on every write


@dataclass(frozen=True)
class User:
    workspace_id: str
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from an API key on every request."""

    workspace_id: str
    user_id: str
    key_prefix: str


def generate_api_key() -> str:
    """A long random secret with a recognisable prefix (``chk_`` + 43 URL-safe characters)."""
    return KEY_PREFIX + new_secret()


def display_prefix(key: str) -> str:
    """The non-secret head of a key, shown in listings and used to revoke it."""
    return key[:DISPLAY_PREFIX_LENGTH]

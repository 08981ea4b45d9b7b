"""Secrets the server hands out once (API keys, confirmation tokens) and keeps only as a hash."""
from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    """A 256-bit random secret, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # The secrets are 256-bit random values, so a fast unsalted hash is safe and lets us look one up by key.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()

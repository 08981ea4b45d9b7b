"""Field-level helpers shared by the vCard reader and the signature heuristics."""
from __future__ import annotations

import re

from ..domain.contact import normalize_email
from ..domain.errors import ValidationFailed

_LINKEDIN_PROFILE = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?:in|pub)/[^\s/?#]+", re.I)
_SOCIAL_HOSTS = re.compile(
    r"^(?:https?://)?(?:[\w-]+\.)*(?:linkedin\.com|facebook\.com|fb\.com|twitter\.com|x\.com|instagram\.com|"
    r"youtube\.com|youtu\.be|tiktok\.com|wa\.me|calendly\.com|t\.me)(?:[/:?#]|$)", re.I)
_TRAILING_PUNCTUATION = ".,;:!?)]}>'\"»"


def clean_url(url: str) -> str:
    """An absolute URL as typed, without the punctuation a sentence or a bracket put after it."""
    url = url.strip().strip("<>").rstrip(_TRAILING_PUNCTUATION)
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        url = "https://" + url  # people write www.acme.fr; stored links should be clickable
    return url


def linkedin_profile(url: str) -> str | None:
    """A person's LinkedIn profile URL (company pages and posts are not a person's profile)."""
    match = _LINKEDIN_PROFILE.match(url.strip())
    return clean_url(match.group(0)) if match else None


def is_social(url: str) -> bool:
    """Social and booking links: not a company website, and not a field of the letsligo contact."""
    return bool(_SOCIAL_HOSTS.match(url.strip()))


def valid_email(value: str) -> str | None:
    """The normalised address when it is one (the same rule as a contact create), else None."""
    try:
        return normalize_email(value, "emails")
    except ValidationFailed:
        return None

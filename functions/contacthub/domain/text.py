"""Text normalisation shared by search indexing and querying (so both sides always agree)."""
from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``"Élodie"`` -> ``"elodie"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str | None) -> list[str]:
    """Folded words of a text, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text or "")):
        seen.setdefault(word, None)
    return list(seen)


def digits(text: str | None) -> str:
    return "".join(c for c in (text or "") if c.isdigit())


def canonical_uuid(value: object) -> str | None:
    """The canonical (lower-case, hyphenated) form of a UUID string, or None when it is not one."""
    import uuid

    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def clean(text: str | None) -> str | None:
    """Trimmed text, or None when nothing is left."""
    if text is None:
        return None
    text = text.strip()
    return text or None

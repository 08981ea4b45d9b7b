"""Text normalisation shared by search indexing and querying (so both sides always agree)."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from typing import Any

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


def is_encodable(text: str) -> bool:
    """False for text holding lone surrogates ("\\ud800", which JSON escapes can carry): no UTF-8 store takes it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def has_control_character(value: str | None) -> bool:
    """A control character other than a tab (NUL, ESC, DEL...): not allowed in a header value either."""
    return value is not None and any((ord(c) < 32 and c != "\t") or 127 <= ord(c) < 160 for c in value)


def has_line_break(value: str | None) -> bool:
    """CR, LF or any other line separator: never allowed in a header value (header injection)."""
    return value is not None and any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def clean(text: str | None) -> str | None:
    """Trimmed text, or None when nothing is left."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time (``Z``, an offset, or none for UTC) as an aware UTC datetime, or None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and 0 < len(value.strip()) <= 64:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None

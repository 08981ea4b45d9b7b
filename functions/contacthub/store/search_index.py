"""Which index entries a contact owns, and which entry prefixes answer a query. Pure functions.

An entry's sort key is ``IDX#<kind>#<value>#<contact uuid>``; a Query with ``begins_with`` on
``IDX#<kind>#<prefix>`` reads only matching entries, so search cost grows with the matches, never with
the workspace.
"""
from __future__ import annotations

import hashlib

from ..domain.contact import Contact, tag_key
from ..domain.text import digits, fold, words
from .tables import escape

MAX_NAME_WORDS = 4
MAX_COMPANY_WORDS = 3
MIN_PHONE_DIGITS = 3

# Kinds answered by prefix (free text) and by exact value (facets).
PREFIX_KINDS = ("name", "email", "phone", "company")
FACET_KINDS = ("status", "stage", "pipeline", "location", "channel", "tag")


# DynamoDB refuses sort keys over 1,024 bytes. Text fields are bounded in characters, yet 255 four-byte
# characters (or a 50-character tag that accent folding expands 18-fold) pass that in bytes: a value keeps at
# most this many bytes in a key, leaving room for the kind, the digest and the contact id around it.
MAX_KEY_VALUE_BYTES = 900


def _head(text: str, limit: int = MAX_KEY_VALUE_BYTES) -> str:
    """The longest prefix of text that fits in ``limit`` UTF-8 bytes (never half a character)."""
    encoded = text.encode("utf-8")
    return encoded[:limit].decode("utf-8", "ignore") if len(encoded) > limit else text


def prefix_part(value: str) -> str:
    """A free-text word (or query prefix) in a key, cut to the bound. Both sides cut alike, so a query still
    finds every word it begins; past the bound it matches words sharing the first MAX_KEY_VALUE_BYTES."""
    return _head(escape(value))


def exact_part(value: str) -> str:
    """A facet value (tag, location...) in a key. A value past the bound keeps its head plus a digest of the
    whole, so two long values never share a key; being longer than any short value, it never meets one."""
    escaped = escape(value)
    if len(escaped.encode("utf-8")) <= MAX_KEY_VALUE_BYTES:
        return escaped
    return f"{_head(escaped)}~{hashlib.sha256(value.encode('utf-8')).hexdigest()[:32]}"


def entry_key(kind: str, value: str, contact_id: str) -> str:
    part = prefix_part(value) if kind in PREFIX_KINDS else exact_part(value)
    return f"IDX#{kind}#{part}#{contact_id}"


def prefix_key(kind: str, prefix: str) -> str:
    return f"IDX#{kind}#{prefix_part(prefix)}"


def exact_key(kind: str, value: str) -> str:
    return f"IDX#{kind}#{exact_part(value)}#"


def phone_index_value(raw: str, e164: str | None) -> str:
    """National significant number when known (what people type after the trunk 0), else bare digits."""
    if e164:
        import phonenumbers

        try:
            return str(phonenumbers.parse(e164).national_number)
        except phonenumbers.NumberParseException:
            pass
    return digits(raw).lstrip("0")


def phone_query_prefixes(text: str) -> list[str]:
    """Digit prefixes to try for a phone query, whatever its formatting: ``+33 6 12``, ``0612``, ``0033612``."""
    import phonenumbers

    number = digits(text)
    international = text.strip().startswith("+") or number.startswith("00")
    national = number.startswith("0") and not international  # trunk prefix: no country code follows
    number = number.lstrip("0")
    if len(number) < MIN_PHONE_DIGITS:
        return []
    candidates = [] if international else [number]
    # Country calling codes are prefix-free: at most one of the first 1-3 digits is a code.
    for size in (() if national else (1, 2, 3)):
        if int(number[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE and len(number) > size:
            candidates.append(number[size:].lstrip("0"))
            break
    if international and not candidates:
        candidates.append(number)
    return [c for c in dict.fromkeys(candidates) if c]


def facet_values(contact: Contact) -> dict[str, str | None]:
    return {
        "status": contact.status.value if contact.status else None,
        "stage": contact.stage.value if contact.stage else None,
        "pipeline": contact.pipeline_state_id,
        "location": contact.location.id if contact.location else None,
        "channel": contact.channel,
    }


def index_entries(contact: Contact) -> set[str]:
    """Every index sort key the contact should have, given its current fields."""
    cid = contact.id
    keys: set[str] = set()
    # A contact created from an email alone shows that address as its name; it is indexed as an email only.
    display = None if contact.name in contact.emails else contact.name
    name_words = words(" ".join(filter(None, (contact.first_name, contact.last_name, display))))
    keys.update(entry_key("name", w, cid) for w in name_words[:MAX_NAME_WORDS])
    keys.update(entry_key("email", fold(e), cid) for e in contact.emails)
    for phone in contact.phones:
        value = phone_index_value(phone.raw, phone.e164)
        if value:
            keys.add(entry_key("phone", value, cid))
    keys.update(entry_key("company", w, cid) for w in words(contact.company)[:MAX_COMPANY_WORDS])
    for kind, facet in facet_values(contact).items():
        if facet:
            keys.add(entry_key(kind, facet, cid))
    keys.update(entry_key("tag", tag_key(t), cid) for t in contact.tags)
    return keys

"""Which entries a contact owns, and which entry prefixes answer a query. Pure functions.

Free-text entries are ``IDX#<kind>#<value>#<contact uuid>`` (ordered by the matched value); facet entries are
``IDX#<facet>#<value>#<created key>`` and ordering entries ``ORD#created#<created key>`` and
``ORD#activity#<activity key>``, ``ORD#updated#<change key>`` and ``ORD#name#<folded name>\\x01<contact id>`` (the
keys end with the contact id). A Query with
``begins_with`` on one prefix (an "atom") reads only matching entries, in key order, so a page of one atom costs
about a page. A query is an AND of terms, a term an OR of atoms (``query_terms``); ``matches`` checks a contact
against them from its own fields, which is how readers drop entries a write has not cleaned up yet.
"""
from __future__ import annotations

import hashlib

from typing import TYPE_CHECKING

from ..domain.contact import Contact, tag_key
from ..domain.duplicates import blocking_keys, person_name
from ..domain.text import digits, fold, words
from .mappers import time_key
from .tables import escape

if TYPE_CHECKING:
    from ..ports import ContactQuery

MAX_NAME_WORDS = 4
MAX_COMPANY_WORDS = 3
MIN_PHONE_DIGITS = 3
MIN_PHONE_SUFFIX_DIGITS = 4

# Kinds answered by prefix (free text) and by exact value (facets).
PREFIX_KINDS = ("name", "email", "domain", "phone", "phonerev", "company")
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


def exact_part(value: str, limit: int = MAX_KEY_VALUE_BYTES) -> str:
    """A facet value (tag, location...) in a key. A value past the bound keeps its head plus a digest of the
    whole, so two long values never share a key; being longer than any short value, it never meets one."""
    escaped = escape(value)
    if len(escaped.encode("utf-8")) <= limit:
        return escaped
    return f"{_head(escaped, limit)}~{hashlib.sha256(value.encode('utf-8')).hexdigest()[:32]}"


CREATED = "ORD#created#"  # every contact, by creation time
ACTIVITY = "ORD#activity#"  # every contact, by last activity
UPDATED = "ORD#updated#"  # every contact, by last change
NAME_ORDER = "ORD#name#"  # every contact, by folded display name


def entry_key(kind: str, value: str, tail: str) -> str:
    """``tail`` is the contact id for free-text kinds, the contact's creation key for facets."""
    part = prefix_part(value) if kind in PREFIX_KINDS else exact_part(value)
    return f"IDX#{kind}#{part}#{tail}"


def kind_of(atom: str) -> str:
    return atom.split("#", 2)[1]


def by_creation(atom: str) -> bool:
    """Whether an atom's entries sort by time (the creation and activity families, facets) rather than by
    value."""
    return atom.startswith((CREATED, ACTIVITY)) or (atom.startswith("IDX#") and kind_of(atom) in FACET_KINDS)


def updated_key(contact: Contact) -> str:
    return time_key(contact.updated_at or contact.created_at, contact.id)


NAME_END = "\x01"  # ends the name in its ordering key: below every character a name holds, so "Ann" < "Ann Lee"


def name_key(contact: Contact) -> str:
    """Where a contact sorts by name: folded, so case and accents do not split the alphabet."""
    return f"{prefix_part(fold(contact.name or '').strip())}{NAME_END}{contact.id}"


# An entry keeps its organisation and name within these bounds, the rest of 1,024 bytes for the prefix and the
# created key.
MAX_ALIKE_ORGANISATION_BYTES, MAX_ALIKE_NAME_BYTES = 500, 250
ALIKE = "IDX#alike#"  # duplicate detection: similar names in one organisation (domain.duplicates.blocking_keys)


def alike_key(organisation: str, name_prefix: str) -> str:
    """The family of the contacts under one blocking key. Its entries are
    ``<family><folded person name>#<created key>``: the name in the key lets a reader keep the similar names
    without reading the contacts, and changes the key (so the entry is rewritten) whenever the name changes."""
    return f"{ALIKE}{exact_part(organisation, MAX_ALIKE_ORGANISATION_BYTES)}#{exact_part(name_prefix)}#"


def alike_entry(family: str, contact: Contact, created: str) -> str:
    return f"{family}{exact_part(person_name(contact), MAX_ALIKE_NAME_BYTES)}#{created}"


def alike_name(family: str, entry: str) -> str:
    """The folded person name an entry of the family was written with (cut to its bound)."""
    return entry[len(family):].split("#", 1)[0].replace("%23", "#").replace("%25", "%")


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
        # isdigit() lets "²" through, which int() refuses: such a prefix is no country code
        if number[:size].isdecimal() and int(number[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE \
                and len(number) > size:
            candidates.append(number[size:].lstrip("0"))
            break
    if international and not candidates:
        candidates.append(number)
    return [c for c in dict.fromkeys(candidates) if c]


def phone_query_suffix(text: str) -> str | None:
    """The reversed-digits prefix that finds numbers ending with the query's digits (4 or more)."""
    number = digits(text)
    return number[::-1] if len(number) >= MIN_PHONE_SUFFIX_DIGITS else None


def email_domain(email: str) -> str | None:
    _, at, domain = fold(email).rpartition("@")
    return domain if at and domain else None


def phone_atoms(text: str) -> list[str]:
    atoms = [prefix_key("phone", p) for p in phone_query_prefixes(text)]
    if suffix := phone_query_suffix(text):
        atoms.append(prefix_key("phonerev", suffix))
    return atoms


def email_atoms(text: str) -> list[str]:
    """An address prefix, or a domain (``acme.example``, ``@acme.example``, also a domain's prefix)."""
    value = fold(text.strip())
    if not value:
        return []
    if value.startswith("@"):
        return [prefix_key("domain", value[1:])] if value[1:] else []
    if "@" in value:
        return [prefix_key("email", value)]
    return [prefix_key("email", value), prefix_key("domain", value)]


def _word_terms(text: str, kind: str) -> list[tuple[str, ...]]:
    return [(prefix_key(kind, w),) for w in words(text)]


def _words_or(text: str, others: list[str]) -> list[tuple[str, ...]]:
    """(every word a name word) OR any of ``others``, as terms: (w1 | o) & (w2 | o) & ..."""
    found = words(text)
    if not found:
        return [tuple(others)]
    return [(prefix_key("name", w), *others) for w in found]


def query_terms(q: ContactQuery) -> list[tuple[str, ...]]:
    """The query as an AND of terms, each an OR of atoms. An empty term matches nothing."""
    terms: list[tuple[str, ...]] = []
    if q.name:
        terms += _word_terms(q.name, "name") or [()]
    if q.company:
        terms += _word_terms(q.company, "company") or [()]
    if q.email:
        terms.append(tuple(email_atoms(q.email)))
    if q.phone:
        terms.append(tuple(phone_atoms(q.phone)))
    if q.person:
        terms += _words_or(q.person, email_atoms(q.person))
    if q.text:
        terms += _words_or(q.text, email_atoms(q.text) + phone_atoms(q.text))
    facets = {"status": q.status, "stage": q.stage, "pipeline": q.pipeline_state_id,
              "location": q.location_id, "channel": q.channel}
    terms += [(exact_key(kind, value),) for kind, value in facets.items() if value]
    terms += [(exact_key("tag", tag_key(t)),) for t in q.tags]
    return [tuple(dict.fromkeys(t)) for t in terms]


def first_match(entries: set[str], atom: str) -> str | None:
    """The contact's smallest entry in an atom's family: where a contact found by several words is served."""
    return min((e for e in entries if e.startswith(atom)), default=None)


def matches(entries: set[str], terms: list[tuple[str, ...]]) -> bool:
    return all(any(first_match(entries, atom) for atom in term) for term in terms)


def facet_values(contact: Contact) -> dict[str, str | None]:
    return {
        "status": contact.status.value if contact.status else None,
        "stage": contact.stage.value if contact.stage else None,
        "pipeline": contact.pipeline_state_id,
        "location": contact.location.id if contact.location else None,
        "channel": contact.channel,
    }


def index_entries(contact: Contact) -> set[str]:
    """Every entry sort key the contact should have, given its current fields."""
    cid = contact.id
    created = time_key(contact.created_at, cid)
    keys: set[str] = {CREATED + created, ACTIVITY + time_key(contact.last_activity_at or contact.created_at, cid),
                      UPDATED + updated_key(contact), NAME_ORDER + name_key(contact)}
    # A contact created from an email alone shows that address as its name; it is indexed as an email only.
    display = None if contact.name in contact.emails else contact.name
    name_words = words(" ".join(filter(None, (contact.first_name, contact.last_name, display))))
    keys.update(entry_key("name", w, cid) for w in name_words[:MAX_NAME_WORDS])
    keys.update(entry_key("email", fold(e), cid) for e in contact.emails)
    keys.update(entry_key("domain", d, cid) for e in contact.emails if (d := email_domain(e)))
    for phone in contact.phones:
        value = phone_index_value(phone.raw, phone.e164)
        if value:
            keys.add(entry_key("phone", value, cid))
            keys.add(entry_key("phonerev", value[::-1], cid))
    keys.update(entry_key("company", w, cid) for w in words(contact.company)[:MAX_COMPANY_WORDS])
    for kind, facet in facet_values(contact).items():
        if facet:
            keys.add(entry_key(kind, facet, created))
    keys.update(entry_key("tag", tag_key(t), created) for t in contact.tags)
    keys.update(alike_entry(alike_key(org, prefix), contact, created) for org, prefix in blocking_keys(contact))
    return keys

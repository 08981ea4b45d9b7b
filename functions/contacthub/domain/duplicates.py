"""Likely duplicates: which two contacts look like one person, why, and how sure. Pure functions.

A pair is a likely duplicate when it has at least one reason:
- ``email``: an address in common (case- and accent-insensitive);
- ``phone``: a number in common in E.164 (numbers without a country are not compared);
- ``name+company``: similar names (``NAME_THRESHOLD``) and the same company, legal suffixes aside;
- ``name+emailDomain``: similar names and an email domain in common that is not a public mailbox provider.

The score (0..1) combines the evidence: each reason, and the names' similarity, add to it; two contacts
sharing an inbox but not a name score lower than two sharing both. ``score`` is symmetric.

``blocking_keys`` are what the store indexes so that the contacts with similar names in the same organisation
are found by exact keys (no Scan, no reading a whole company): an organisation (company key or ``@domain``)
with the first letters of one name word. Two names similar enough almost always share one word's first letters.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum

from .contact import Contact
from .text import fold, words


class Reason(str, Enum):
    EMAIL = "email"
    PHONE = "phone"
    NAME_COMPANY = "name+company"
    NAME_EMAIL_DOMAIN = "name+emailDomain"


REASON_ORDER = tuple(Reason)
NAME_THRESHOLD = 0.85  # names this similar (rapidfuzz token_sort_ratio / 100) count as the same person's
WORD_COUNTERPART = 0.6  # a word this similar to one of the other name's (rapidfuzz ratio / 100) has a counterpart
NAME_PREFIX = 3  # letters of a name word in a blocking key
MAX_BLOCK_WORDS = 4  # name words with a blocking key
MAX_BLOCK_DOMAINS = 2  # email domains (the first ones, public providers aside) with blocking keys

# Public mailbox providers: two people at gmail.com are no more alike than two people in one city.
PUBLIC_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.co.uk", "yahoo.de", "ymail.com",
    "hotmail.com", "hotmail.fr", "hotmail.co.uk", "outlook.com", "outlook.fr", "live.com", "live.fr", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de",
    "gmx.net", "web.de", "t-online.de", "yandex.ru", "yandex.com", "mail.ru", "orange.fr", "wanadoo.fr",
    "free.fr", "sfr.fr", "laposte.net", "qq.com", "163.com", "126.com", "zoho.com", "fastmail.com", "hey.com",
    "tutanota.com",
})
# Words that say what kind of company it is, not which: "Acme Inc." and "ACME" are one company.
LEGAL_WORDS = frozenset({
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "corp", "corporation", "co", "company",
    "gmbh", "ag", "kg", "sa", "sas", "sarl", "sasu", "eurl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "pty",
    "the",
})


@dataclass(frozen=True)
class Likeness:
    """How alike two contacts are. ``reasons`` empty: not a likely duplicate, and ``score`` is 0."""

    reasons: tuple[Reason, ...]
    score: float

    @property
    def likely(self) -> bool:
        return bool(self.reasons)


def person_name(contact: Contact) -> str:
    """The folded name to compare: first and last name, else the display name unless it is just an email."""
    parts = " ".join(filter(None, (contact.first_name, contact.last_name)))
    if not parts and contact.name and contact.name not in contact.emails and "@" not in contact.name:
        parts = contact.name
    return " ".join(words(parts))


def company_key(company: str | None) -> str:
    """The company as compared: folded words, legal forms left out ("" when nothing else is left)."""
    found = words(company)
    kept = [w for w in found if w not in LEGAL_WORDS]
    return " ".join(kept or found)


def email_domains(contact: Contact) -> list[str]:
    """The contact's email domains that say where they work (public mailbox providers left out), in order."""
    domains: dict[str, None] = {}
    for email in contact.emails:
        _, at, domain = fold(email).rpartition("@")
        if at and domain and domain not in PUBLIC_DOMAINS:
            domains.setdefault(domain, None)
    return list(domains)


def name_similarity(a: str, b: str) -> float:
    """0..1, symmetric; 0 when a name is missing. The names' similarity with their words in any order (rapidfuzz
    token_sort_ratio), times the share of the shorter name's words that have a counterpart in the other (a
    similar word, or the initial of one): "Person 1" and "Person 2" are not alike, "John A. Smith" and "Jon
    Smith" are. rapidfuzz is imported here: only scoring pays for it."""
    if not a or not b:
        return 0.0
    from rapidfuzz.fuzz import ratio, token_sort_ratio

    def counterparts(these: list[str], those: list[str]) -> float:
        def has_one(word: str) -> bool:
            return any(ratio(word, other) >= WORD_COUNTERPART * 100
                       or (min(len(word), len(other)) == 1 and word[0] == other[0]) for other in those)
        return sum(map(has_one, these)) / len(these)

    x, y = a.split(), b.split()
    shorter = min(counterparts(x, y) if len(x) <= len(y) else 1.0, counterparts(y, x) if len(y) <= len(x) else 1.0)
    return token_sort_ratio(a, b) / 100.0 * shorter


def _emails(contact: Contact) -> set[str]:
    return {fold(e) for e in contact.emails}


def _e164s(contact: Contact) -> set[str]:
    return {p.e164 for p in contact.phones if p.e164}


# How much each piece of evidence adds: score = 1 - product of (1 - weight) over the evidence found.
EMAIL_WEIGHT, PHONE_WEIGHT = 0.8, 0.7
NAME_WEIGHT_IN_ORGANISATION, NAME_WEIGHT = 0.75, 0.4


def likeness(a: Contact, b: Contact) -> Likeness:
    """Why ``a`` and ``b`` may be one person, and how sure (rounded to 3 decimals). Symmetric."""
    reasons: list[Reason] = []
    doubt = 1.0
    if _emails(a) & _emails(b):
        reasons.append(Reason.EMAIL)
        doubt *= 1 - EMAIL_WEIGHT
    if _e164s(a) & _e164s(b):
        reasons.append(Reason.PHONE)
        doubt *= 1 - PHONE_WEIGHT
    similarity = name_similarity(person_name(a), person_name(b))
    company = company_key(a.company)
    same_company = bool(company) and company == company_key(b.company)
    same_domain = bool(set(email_domains(a)) & set(email_domains(b)))
    if similarity >= NAME_THRESHOLD:
        if same_company:
            reasons.append(Reason.NAME_COMPANY)
        if same_domain:
            reasons.append(Reason.NAME_EMAIL_DOMAIN)
    weight = NAME_WEIGHT_IN_ORGANISATION if same_company or same_domain else NAME_WEIGHT
    doubt *= 1 - weight * similarity * similarity
    return Likeness(tuple(reasons), round(1 - doubt, 3) if reasons else 0.0)


def blocking_keys(contact: Contact) -> list[tuple[str, str]]:
    """(organisation, name-word prefix) pairs under which the contact is indexed and looked up: a company key,
    or ``@`` and an email domain, with the first NAME_PREFIX letters of each of its first name words."""
    prefixes = list(dict.fromkeys(w[:NAME_PREFIX] for w in person_name(contact).split()[:MAX_BLOCK_WORDS]))
    if not prefixes:
        return []
    organisations = [company_key(contact.company)] if company_key(contact.company) else []
    organisations += ["@" + d for d in email_domains(contact)[:MAX_BLOCK_DOMAINS]]
    return [(org, prefix) for org in organisations for prefix in prefixes]


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def creation_order(contact: Contact) -> tuple[datetime, str]:
    """Older first; the id breaks ties the way the creation listing does."""
    return contact.created_at or _EPOCH, contact.id


def reasons_in_order(reasons: set[Reason]) -> tuple[Reason, ...]:
    return tuple(r for r in REASON_ORDER if r in reasons)

"""vCard files of contacts: any number of cards, versions 2.1 to 4.0, read one card at a time; and the
vCard 4.0 export (RFC 6350), written one card at a time.

Reading reuses capture's card reader (names, emails, phones made international, organisation, title,
address, URLs), adding NOTE and CATEGORIES; writing is plain RFC 6350 text: vobject writes version 3.0 only.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..capture.vcard import UnreadableVCard, card_contact, card_properties, parse_card
from ..domain.contact import Contact
from .csv_format import Row

_BEGIN = re.compile(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
_END = re.compile(r"^[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*$", re.I)
MAX_CARD_LINES = 10_000  # a card without its END line must not swallow the rest of a large file


def _cards(lines: Iterable[str]) -> Iterator[tuple[int, str | None]]:
    """(line of BEGIN, the card's text) per card; text None for a card that never ends."""
    start, card = 0, list[str]()
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n").removeprefix("\ufeff")
        if not card:
            if _BEGIN.match(line):
                start, card = number, [line]
            continue
        card.append(line)
        if _END.match(line):
            yield start, "\r\n".join(card) + "\r\n"
            card = []
        elif _BEGIN.match(line) or len(card) > MAX_CARD_LINES:
            yield start, None
            start, card = number, [line] if _BEGIN.match(line) else []
    if card:
        yield start, None


def card_fields(card: Any) -> dict[str, Any]:
    fields = card_contact(card).as_fields()
    props = card_properties(card)
    notes = [text for p in props.get("NOTE", ()) if (text := str(p.value).strip())]  # kept as written
    if notes:
        fields["notes"] = "\n".join(notes)
    tags: list[str] = []
    for p in props.get("CATEGORIES", ()):
        values = p.value if isinstance(p.value, list) else str(p.value).split(",")
        tags.extend(t for v in values if (t := " ".join(str(v).split())) and t not in tags)
    if tags:
        fields["tags"] = tags
    if "name" not in fields:
        fallback = fields.get("company") or next(iter(fields.get("emails", ())), None) \
            or next(iter(fields.get("phones", ())), None)
        if fallback:
            fields["name"] = fallback
    return fields


def read_vcards(lines: Iterable[str]) -> Iterator[Row]:
    """One Row per card, its line the card's BEGIN line; a card that cannot be read is a Row with a problem."""
    for line, text in _cards(lines):
        if text is None:
            yield Row(line, {}, "this card has no END:VCARD line")
            continue
        try:
            fields = card_fields(parse_card(text))
        except UnreadableVCard as error:
            yield Row(line, {}, f"unreadable vCard: {error}")
            continue
        yield Row(line, fields, None if fields.get("name") else "no name, email or phone in this card")


# ------------------------------------------------------------------------------------------------ export
def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 6350 3.2), never inside a
    UTF-8 character."""
    out, current, size = list[str](), list[str](), 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def _card(contact: Contact) -> str:
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:urn:uuid:{contact.id}", f"FN:{_escape(contact.name)}",
             f"N:{_escape(contact.last_name or '')};{_escape(contact.first_name or '')};;;"]
    lines += [f"EMAIL;PREF={rank}:{_escape(email)}" for rank, email in enumerate(contact.emails, 1)]
    lines += [f"TEL;VALUE=uri;PREF={rank}:tel:{phone.e164}" if phone.e164 else
              f"TEL;VALUE=text;PREF={rank}:{_escape(phone.raw)}" for rank, phone in enumerate(contact.phones, 1)]
    if contact.company:
        lines.append(f"ORG:{_escape(contact.company)}")
    if contact.position:
        lines.append(f"TITLE:{_escape(contact.position)}")
    if contact.address:
        lines.append(f"ADR:;;{_escape(contact.address)};;;;")  # one line, kept whole as the street
    lines += [f"URL:{_escape(url)}" for url in (contact.website, contact.linkedin_url) if url]
    if contact.notes:
        lines.append(f"NOTE:{_escape(contact.notes)}")
    if contact.tags:
        lines.append("CATEGORIES:" + ",".join(_escape(t) for t in contact.tags))
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def write_vcards(contacts: Iterable[Contact]) -> Iterator[str]:
    """The export, one card at a time."""
    for contact in contacts:
        yield _card(contact)

"""vCard 2.1 / 3.0 / 4.0 through vobject. A text may hold several cards: they are counted, the first is read.

vobject unfolds continuation lines and decodes quoted-printable (with its CHARSET); it is imported only
when a card is actually read.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from .fields import clean_url, is_social, linkedin_profile, valid_email
from .model import ExtractedContact
from .regions import international, region_evidence

_BEGIN = re.compile(r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*\r?$", re.I | re.M)
_NOT_PREFERRED = 101  # vCard 4.0 PREF runs 1 (most preferred) to 100


class UnreadableVCard(ValueError):
    """The text announces a vCard that vobject cannot read."""


def count_cards(text: str) -> int:
    return len(_BEGIN.findall(text))


def read_first_card(text: str) -> ExtractedContact:
    import vobject

    # vobject logs every skipped line verbatim at ERROR level: that is personal data, and not our error.
    logging.getLogger("vobject.base").setLevel(logging.CRITICAL)

    begin = _BEGIN.search(text)
    if begin is None:
        raise UnreadableVCard("no BEGIN:VCARD line")
    try:
        # Text before the card (a mail body, a greeting) is not vCard syntax: start at the card.
        card = next(vobject.readComponents(_join_soft_breaks(text[begin.start():]), validate=False,
                                           ignoreUnreadable=True), None)
    except Exception as error:  # vobject raises ParseError, ValueError, binascii.Error... on bad input
        raise UnreadableVCard(str(error).strip() or type(error).__name__) from error
    if card is None or card.name.upper() != "VCARD":
        raise UnreadableVCard("no complete vCard (BEGIN:VCARD ... END:VCARD)")
    return card_contact(card)


def parse_card(text: str) -> Any:
    """One card's text (BEGIN:VCARD ... END:VCARD) -> vobject's component; UnreadableVCard if it is not one."""
    import vobject

    logging.getLogger("vobject.base").setLevel(logging.CRITICAL)  # see read_first_card
    try:
        card = vobject.readOne(_join_soft_breaks(text), validate=False, ignoreUnreadable=True)
    except Exception as error:  # noqa: BLE001 - vobject raises many kinds on bad input
        raise UnreadableVCard(str(error).strip() or type(error).__name__) from error
    if card is None or card.name.upper() != "VCARD":
        raise UnreadableVCard("not a vCard (BEGIN:VCARD ... END:VCARD)")
    return card


def card_contact(card: Any) -> ExtractedContact:
    """The fields of a parsed card, phones made international from the card's own clues."""
    contact = _contact(card)
    # National numbers get their country from the card's own clues (address, domains, wording).
    clues = " ".join(str(v) for v in (contact.address, contact.company, contact.position, contact.website,
                                      *contact.emails, *contact.phones) if v)
    region = region_evidence(clues)
    return replace(contact, phones=_unique(international(p, region) for p in contact.phones))


_QP_PROPERTY = re.compile(r"^[^:]*;(?:ENCODING=)?QUOTED-PRINTABLE[;:]", re.I)


def _join_soft_breaks(text: str) -> str:
    """Quoted-printable values (vCard 2.1, Outlook's 3.0) continue on the next line after a final "=".

    vobject unfolds RFC 2425 continuation lines (leading space) but not these soft line breaks.
    """
    lines = text.splitlines()
    out: list[str] = []
    continuing = False
    for line in lines:
        if continuing:
            out[-1] = out[-1][:-1] + line.lstrip()
        else:
            out.append(line)
        continuing = (continuing or bool(_QP_PROPERTY.match(line))) and out[-1].endswith("=")
    return "\r\n".join(out) + "\r\n"


def _contact(card) -> ExtractedContact:
    props = _by_name(card)
    first, last = _structured_name(_first(props, "N"))
    name = _text(_first(props, "FN")) or " ".join(p for p in (first, last) if p) or None
    emails = _unique(valid_email(_text(p.value) or "") for p in _preferred(props.get("EMAIL", ())))
    phones = _unique(_tel(p.value) for p in _preferred(props.get("TEL", ())) if "fax" not in _types(p))
    urls = [_unescape_uri(u) for p in props.get("URL", []) + props.get("X-SOCIALPROFILE", [])
            if (u := _text(p.value))]
    linkedin = next((lk for u in urls if (lk := linkedin_profile(u))), None)
    website = next((clean_url(u) for u in urls if not is_social(u)), None)
    return ExtractedContact(
        name=name,
        first_name=first,
        last_name=last,
        emails=emails,
        phones=phones,
        company=_organisation(_first(props, "ORG")),
        position=_text(_first(props, "TITLE")) or _text(_first(props, "ROLE")),
        address=_address(_first_preferred(props.get("ADR", ()))),
        website=website,
        linkedin_url=linkedin,
    )


def card_properties(card: Any) -> dict[str, list]:
    """The card's properties by upper-case name, in the card's order."""
    return _by_name(card)


def _by_name(card) -> dict[str, list]:
    props: dict[str, list] = {}
    for child in card.getChildren():
        props.setdefault(child.name.upper(), []).append(child)
    return props


def _first(props: dict[str, list], name: str) -> Any:
    found = props.get(name)
    return found[0].value if found else None


def _types(prop) -> set[str]:
    """TYPE values however written: TYPE=WORK,FAX / TYPE="voice,cell" / TYPE=a;TYPE=b / 2.1 bare ;FAX."""
    types = {t.lower() for t in getattr(prop, "singletonparams", ())}  # vCard 2.1: TEL;WORK;FAX:
    for key, values in prop.params.items():
        if key.upper() == "TYPE":
            for value in values:
                types.update(t.strip().strip('"').lower() for t in value.split(","))
    return types


def _rank(prop) -> int:
    pref = next((v for k, vs in prop.params.items() if k.upper() == "PREF" for v in vs), None)
    if pref is not None and str(pref).isdigit():
        return int(pref)
    return 1 if "pref" in _types(prop) else _NOT_PREFERRED


def _preferred(props) -> list:
    return sorted(props, key=_rank)  # stable: equal preference keeps the card's order


def _first_preferred(props) -> Any:
    ordered = _preferred(props)
    return ordered[0].value if ordered else None


def _text(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value if v)
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _unescape_uri(value: str) -> str:
    """URL values are not unescaped by the vCard reader, but Google Contacts writes `http\\://...`."""
    return re.sub(r"\\([\\:,;])", r"\1", value)


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _tel(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if text.lower().startswith("tel:"):  # vCard 4.0 VALUE=uri, e.g. tel:+1-650-253-0000;ext=12
        text = text[4:].split(";", 1)[0]
    return text if any(c.isdigit() for c in text) else None


def _structured_name(value: Any) -> tuple[str | None, str | None]:
    if value is None or isinstance(value, str):
        return None, None
    return _text(getattr(value, "given", None)), _text(getattr(value, "family", None))


def _organisation(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):  # ORG:Company;Department;Unit -> the company
        return next((_text(v) for v in value if _text(v)), None)
    return _text(value)


def _address(value: Any) -> str | None:
    """One line: street, then "code city" (or "city, region code" where a region is given), then country."""
    if value is None:
        return None
    if isinstance(value, str):
        return _text(value)

    def part(name: str) -> str:
        raw = getattr(value, name, "") or ""
        raw = ", ".join(raw) if isinstance(raw, (list, tuple)) else str(raw)
        return ", ".join(line.strip() for line in raw.splitlines() if line.strip())

    city, region, code = part("city"), part("region"), part("code")
    locality = f"{city}, {region} {code}".strip(" ,") if region else f"{code} {city}".strip()
    parts = [part("box"), part("extended"), part("street"), locality, part("country")]
    return ", ".join(p for p in parts if p) or None

"""CSV files of contacts: the exports of Google Contacts, Outlook and HubSpot (recognised by their header), a
generic header, or a mapping given by the caller; and the CSV contacthub exports, which it reads back.

A row becomes canonical create fields (`name`, `emails`, `phones`, ...); the domain validates them when the
contact is written, so a bad value is reported for its row by the same rules as every API.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.contact import Contact

# Multi-valued cells: Google writes "a@x.example ::: b@y.example"; contacthub's export does the same.
VALUE_SEPARATOR = " ::: "
FIELDS = ("name", "first_name", "last_name", "emails", "phones", "company", "position", "address", "website",
          "linkedin_url", "notes", "tags")
MULTI_VALUED = frozenset({"emails", "phones", "tags"})
ADDRESS_PARTS = ("street", "city", "region", "code", "country")

EXPORT_HEADER = ("Name", "First Name", "Last Name", "Emails", "Phones", "Company", "Job Title", "Address",
                 "Website", "LinkedIn URL", "Notes", "Tags")


def _key(header: str) -> str:
    """`E-mail 1 - Value` -> `email1value`: case, spaces and punctuation differ between exporters."""
    return re.sub(r"[^a-z0-9]", "", header.lower())


# Normalised header -> canonical field (or `address.<part>`). Patterns cover the numbered columns
# (`E-mail 2 Address`, `Phone 3 - Value`, `Website 1 - Value`) and the labelled variants.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), f) for p, f in (
    (r"(full|display)?name", "name"),
    (r"(first|given)name", "first_name"),
    (r"(last|family)name|surname", "last_name"),
    (r"e?mails?(\d+)?(address|value)?|emailaddress\d*|e?mail\d+address", "emails"),
    (r"(?!.*(fax|pager|label|type))(\w*)phone(number)?s?\d*(value)?", "phones"),
    (r"company(name)?|organi[sz]ation(\d+)?(name)?", "company"),
    (r"jobtitle|organi[sz]ation\d*title|position", "position"),
    (r"(address|address\d+formatted|(business|home|other)address)", "address"),
    (r"(\w*)street(address)?|address\d+street", "address.street"),
    (r"(business|home|other)?city|address\d+city", "address.city"),
    (r"(business|home|other)?(state|region|stateregion|province)|address\d+region", "address.region"),
    (r"(business|home|other)?(postalcode|zip|zipcode|postcode)|address\d+postalcode", "address.code"),
    (r"(business|home|other)?(country|countryregion)|address\d+country", "address.country"),
    (r"website(url)?\d*(value)?|webpage|url", "website"),
    (r"linkedin(url|profile)?", "linkedin_url"),
    (r"notes?", "notes"),
    (r"tags|labels|categories|groupmembership", "tags"),
))

# Which exporter wrote the file, from columns only it writes (for the import report).
_SIGNATURES = (
    ("google", {"email1value", "phone1value"}),
    ("google", {"givenname", "familyname", "groupmembership"}),
    ("outlook", {"emailaddress", "businessphone"}),
    ("outlook", {"emailaddress", "mobilephone", "jobtitle"}),
    ("hubspot", {"recordid", "email"}),
    ("hubspot", {"contactowner"}),
    ("contacthub", {"emails", "phones", "tags"}),
)


def recognise(header: str) -> str | None:
    key = _key(header)
    for pattern, target in _PATTERNS:
        if pattern.fullmatch(key):
            return target
    return None


def detect_format(headers: Iterable[str]) -> str:
    keys = {_key(h) for h in headers}
    return next((name for name, needed in _SIGNATURES if needed <= keys), "generic")


@dataclass(frozen=True)
class ColumnMapping:
    """Column index -> target, and the headers nothing reads (reported, never silently dropped)."""

    targets: dict[int, str]
    ignored: tuple[str, ...]
    format: str


def column_mapping(headers: list[str], explicit: Mapping[str, str] | None = None) -> ColumnMapping:
    """Recognised headers, or the caller's mapping {header: field} (field one of FIELDS or address.<part>)."""
    targets: dict[int, str] = {}
    ignored = []
    allowed = set(FIELDS) | {f"address.{p}" for p in ADDRESS_PARTS}
    for index, header in enumerate(headers):
        target = explicit.get(header) if explicit is not None else recognise(header)
        if explicit is not None and target is not None and target not in allowed:
            raise ValueError(f"column {header!r}: unknown field {target!r}; known: {', '.join(sorted(allowed))}")
        if target is None:
            if header.strip():
                ignored.append(header)
            continue
        targets[index] = target
    return ColumnMapping(targets, tuple(ignored), "explicit" if explicit is not None else detect_format(headers))


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based line in the file (the header is line 1) and the create fields it holds."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # a row nothing can be made of (no name, email or phone)


def _split(value: str, target: str) -> list[str]:
    if target == "tags" and VALUE_SEPARATOR not in value and ";" in value:
        parts = value.split(";")  # Outlook's Categories
    else:
        parts = value.split(VALUE_SEPARATOR)
    # Google adds its system groups ("* myContacts", "* starred") to every contact: they are not tags.
    return [p.strip() for p in parts if p.strip() and not (target == "tags" and p.strip().startswith("* "))]


def _address(parts: dict[str, str]) -> str | None:
    """One line, as a vCard's address reads: street, "code city" or "city, region code", country."""
    city, region, code = parts.get("city", ""), parts.get("region", ""), parts.get("code", "")
    locality = f"{city}, {region} {code}".strip(" ,") if region else f"{code} {city}".strip()
    line = ", ".join(p for p in (parts.get("street", ""), locality, parts.get("country", "")) if p)
    return line or None


def row_fields(cells: list[str], mapping: ColumnMapping) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    address: dict[str, str] = {}
    for index, target in mapping.targets.items():
        value = cells[index].strip() if index < len(cells) else ""
        if not value:
            continue
        if target.startswith("address."):
            address.setdefault(target.partition(".")[2], " ".join(value.split()))
        elif target in MULTI_VALUED:
            values = fields.setdefault(target, [])
            values.extend(v for v in _split(value, target) if v not in values)
        else:
            fields.setdefault(target, value)  # the first column of a kind wins (Business before Home)
    fields = {k: v for k, v in fields.items() if v != []}  # e.g. only Google's system groups as labels
    if "address" not in fields and (line := _address(address)):
        fields["address"] = line
    if "name" not in fields:
        named = " ".join(fields[f] for f in ("first_name", "last_name") if fields.get(f))
        fallback = named or fields.get("company") or next(iter(fields.get("emails", ())), None) \
            or next(iter(fields.get("phones", ())), None)
        if fallback:
            fields["name"] = fallback
    return fields


def read_csv(lines: Iterable[str], explicit: Mapping[str, str] | None = None) -> tuple[ColumnMapping, Iterator[Row]]:
    """The header's mapping, and the data rows one at a time (blank rows skipped, their lines still counted)."""
    reader = csv.reader(_without_bom(lines))
    headers = next(reader, None)
    if headers is None:
        raise ValueError("the file is empty: a CSV import needs a header row")
    mapping = column_mapping(headers, explicit)
    if not mapping.targets:
        raise ValueError("no column is recognised: give a column mapping")

    def rows() -> Iterator[Row]:
        ended = reader.line_num  # a quoted cell may span lines: a row starts after the previous one ended
        for cells in reader:
            line, ended = ended + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            fields = row_fields(cells, mapping)
            yield Row(line, fields, None if fields.get("name") else "no name, email or phone in this row")

    return mapping, rows()


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        yield line.removeprefix("\ufeff") if first else line
        first = False


# ------------------------------------------------------------------------------------------------ export
def _cells(contact: Contact) -> list[str]:
    return [contact.name, contact.first_name or "", contact.last_name or "", VALUE_SEPARATOR.join(contact.emails),
            VALUE_SEPARATOR.join(p.e164 or p.raw for p in contact.phones), contact.company or "",
            contact.position or "", contact.address or "", contact.website or "", contact.linkedin_url or "",
            contact.notes or "", VALUE_SEPARATOR.join(contact.tags)]


def write_csv(contacts: Iterable[Contact], header: bool = True) -> Iterator[str]:
    """The export, a header then one line per contact, yielded line by line (UTF-8 text, CRLF as RFC 4180);
    ``header=False`` for the lines of a file's later parts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(EXPORT_HEADER)
        yield buffer.getvalue()
    for contact in contacts:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_cells(contact))
        yield buffer.getvalue()

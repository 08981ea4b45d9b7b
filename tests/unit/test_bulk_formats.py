"""CSV and vCard files read into create fields (the exports of Google Contacts, Outlook, HubSpot; vCard 2.1 to
4.0), and contacthub's own exports read back to the same contacts."""
from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacthub.bulk.csv_format import read_csv, write_csv
from contacthub.bulk.vcard_format import read_vcards, write_vcards
from contacthub.domain.contact import Contact, validate_changes

GOOGLE = (
    "First Name,Middle Name,Last Name,Nickname,File As,Organization Name,Organization Title,Organization Department,"
    "Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,"
    "Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
    "Website 1 - Label,Website 1 - Value\n"
    "Marie,,Dubois,Mimi,,Acme,CTO,R&D,,\"Met at the fair,\nfollow up\",* myContacts ::: VIP ::: Paris,Work,"
    "marie@acme.example,Home,marie@home.example,Mobile,+33 6 12 34 56 78,Work,\"1 Rue de Rivoli, 75001 Paris\","
    "1 Rue de Rivoli,Paris,Work,https://acme.example\n"
    ",,,,,,,,,,,,,,,,,,,,,,\n"
    "Jean,,Martin,,,,,,,,* myContacts,,jean@martin.example,,,,,,,,,,\n"
)
OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,Business City,"
    "Business State,Business Postal Code,Business Country/Region,Home Street,Business Fax,Business Phone,"
    "Mobile Phone,Categories,E-mail Address,E-mail Type,E-mail 2 Address,Notes,Web Page\n"
    "Mr.,John,,Smith,,Globex,Sales,Account Manager,350 Fifth Avenue,New York,NY,10118,United States,"
    "1 Elm St,+1 212 555 0100,+1 212 555 0199,+1 917 555 0123,VIP;Partner,john@globex.example,SMTP,"
    "j.smith@globex.example,,globex.example\n"
)
HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,Job Title,Street Address,"
    "City,State/Region,Postal Code,Country/Region,Lifecycle Stage,Contact owner,LinkedIn URL\n"
    "1001,Ana,Silva,ana@initech.example,+351 21 123 4567,,Initech,Buyer,Rua Augusta 1,Lisboa,,1100-048,Portugal,"
    "lead,Sam Owner,https://www.linkedin.com/in/anasilva\n"
    "1002,,,,,,,,,,,,,,,\n"
)


def _read(text, mapping=None):
    found, rows = read_csv(text.splitlines(keepends=True), mapping)
    return found, list(rows)


def test_google_contacts_export():
    mapping, rows = _read(GOOGLE)
    assert mapping.format == "google"
    assert "Nickname" in mapping.ignored and "E-mail 1 - Label" in mapping.ignored
    marie, jean = rows
    assert marie.line == 2 and marie.problem is None
    assert marie.fields == {
        "first_name": "Marie", "last_name": "Dubois", "name": "Marie Dubois", "company": "Acme", "position": "CTO",
        "notes": "Met at the fair,\nfollow up", "tags": ["VIP", "Paris"],
        "emails": ["marie@acme.example", "marie@home.example"], "phones": ["+33 6 12 34 56 78"],
        "address": "1 Rue de Rivoli, 75001 Paris", "website": "https://acme.example"}
    assert jean.line == 5  # the quoted cell spans two lines and the blank row counts: lines are the file's
    assert jean.fields == {"first_name": "Jean", "last_name": "Martin", "name": "Jean Martin",
                           "emails": ["jean@martin.example"]}


def test_outlook_export():
    mapping, [john] = _read(OUTLOOK)
    assert mapping.format == "outlook" and "Title" in mapping.ignored and "Business Fax" in mapping.ignored
    assert john.fields == {
        "first_name": "John", "last_name": "Smith", "name": "John Smith", "company": "Globex",
        "position": "Account Manager", "address": "350 Fifth Avenue, New York, NY 10118, United States",
        "phones": ["+1 212 555 0199", "+1 917 555 0123"], "tags": ["VIP", "Partner"],
        "emails": ["john@globex.example", "j.smith@globex.example"], "website": "globex.example"}


def test_hubspot_export_and_a_row_without_anyone():
    mapping, [ana, empty_named] = _read(HUBSPOT)
    assert mapping.format == "hubspot" and set(mapping.ignored) >= {"Record ID", "Lifecycle Stage", "Contact owner"}
    assert ana.fields == {
        "first_name": "Ana", "last_name": "Silva", "name": "Ana Silva", "emails": ["ana@initech.example"],
        "phones": ["+351 21 123 4567"], "company": "Initech", "position": "Buyer",
        "address": "Rua Augusta 1, 1100-048 Lisboa, Portugal", "linkedin_url": "https://www.linkedin.com/in/anasilva"}
    assert empty_named.problem == "no name, email or phone in this row" and empty_named.line == 3


def test_an_explicit_mapping_replaces_recognition():
    text = "Full,Mail,Ignored\nMarie Dubois,marie@acme.example,x\n"
    mapping, [row] = _read(text, {"Full": "name", "Mail": "emails"})
    assert mapping.format == "explicit" and mapping.ignored == ("Ignored",)
    assert row.fields == {"name": "Marie Dubois", "emails": ["marie@acme.example"]}
    with pytest.raises(ValueError, match="unknown field 'nom'"):
        _read(text, {"Full": "nom"})


def test_a_file_without_header_or_known_column_is_refused():
    with pytest.raises(ValueError, match="empty"):
        _read("")
    with pytest.raises(ValueError, match="no column is recognised"):
        _read("Foo,Bar\n1,2\n")


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Dubois;Marie\r\nFN:Marie Dubois\r\n"
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Soci=C3=A9t=C3=A9 G=C3=A9n=C3=A9rale\r\n"
    "TEL;CELL:+33 6 12 34 56 78\r\nEMAIL;INTERNET:marie@acme.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith\r\nN:Smith;John;;;\r\nTITLE:Account Manager\r\n"
    "EMAIL;TYPE=INTERNET,WORK:john@globex.example\r\nCATEGORIES:VIP,Partner\r\nNOTE:Line one\\nline two\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Broken\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana Silva\r\nTEL;VALUE=uri;TYPE=cell:tel:+351-21-123-4567\r\n"
    "URL:https://www.linkedin.com/in/anasilva\r\nEND:VCARD\r\n"
)


def test_vcards_of_every_version_one_at_a_time_with_a_broken_card_reported():
    marie, john, broken, ana = read_vcards(VCARDS.splitlines(keepends=True))
    assert marie.fields == {"name": "Marie Dubois", "first_name": "Marie", "last_name": "Dubois",
                            "emails": ["marie@acme.example"], "phones": ["+33 6 12 34 56 78"],
                            "company": "Société Générale"}
    assert john.line == 9 and john.fields["tags"] == ["VIP", "Partner"]
    assert john.fields["notes"] == "Line one\nline two" and john.fields["position"] == "Account Manager"
    assert broken.line == 18 and broken.problem == "this card has no END:VCARD line"
    assert ana.line == 21 and validate_changes(ana.fields)["phones"][0].e164 == "+351211234567"
    assert ana.fields["linkedin_url"] == "https://www.linkedin.com/in/anasilva"


# ------------------------------------------------------------------------------------------------ round trips
_words = st.text(alphabet=string.ascii_letters + "éèüß漢 -'", min_size=1, max_size=20).map(str.strip).filter(bool)
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60).map(str.strip)


@st.composite
def contacts(draw):
    first, last = draw(_words), draw(_words)
    fields = {
        "name": f"{first} {last}", "first_name": first, "last_name": last,
        "emails": draw(st.lists(st.from_regex(r"[a-z0-9]{1,10}@[a-z]{1,10}\.example", fullmatch=True),
                                max_size=3, unique=True)),
        "phones": draw(st.lists(st.sampled_from(["+33 6 12 34 56 78", "+1 212 555 0199", "+351 21 123 4567",
                                                 "+44 20 7946 0958"]), max_size=2, unique=True)),
        "company": draw(_text) or None, "position": draw(_text) or None,
        "address": draw(_text) or None, "notes": draw(_text) or None,
        "website": draw(st.sampled_from([None, "https://acme.example", "https://acme.example/a,b;c"])),
        "tags": draw(st.lists(_words, max_size=3, unique_by=str.casefold)),
    }
    values = validate_changes({k: v for k, v in fields.items() if v not in (None, [])})
    return Contact(workspace_id="w", id=f"00000000-0000-4000-8000-{draw(st.integers(0, 10**6)):012d}", number=1, **values)


def _comparable(contact_or_fields, one_line_spacing: bool = False) -> dict:
    """What an import must reproduce: every exported field, phones by their E.164 form; with
    `one_line_spacing`, runs of whitespace inside names, company, title and URL as one space (the vCard
    reader's rule)."""
    if isinstance(contact_or_fields, Contact):
        values = {k: getattr(contact_or_fields, k) for k in ("name", "first_name", "last_name", "emails", "phones",
                                                              "company", "position", "address", "website", "notes",
                                                              "tags")}
    else:
        values = validate_changes(contact_or_fields)
    values["phones"] = tuple(p.e164 for p in values.get("phones") or ())
    if one_line_spacing:
        values.update({k: " ".join(v.split()) for k, v in values.items() if isinstance(v, str) and k not in ("notes", "address")})
    return {k: v for k, v in values.items() if v not in (None, (), [])}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(contacts(), max_size=5))
def test_the_csv_export_reads_back_to_the_same_contacts(made):
    text = "".join(write_csv(made))
    _, rows = read_csv(text.splitlines(keepends=True))
    assert [_comparable(r.fields) for r in rows] == [_comparable(c) for c in made]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(contacts(), max_size=5))
def test_the_vcard_export_reads_back_to_the_same_contacts(made):
    text = "".join(write_vcards(made))
    rows = list(read_vcards(text.splitlines(keepends=True)))
    assert all(r.problem is None for r in rows)
    assert [_comparable(r.fields) for r in rows] == [_comparable(c, one_line_spacing=True) for c in made]

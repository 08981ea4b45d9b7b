"""Properties of the pure dialect mappers over generated values: what a client sends in a dialect's wire shape
comes back unchanged after wire -> domain -> wire, and every invalid value is refused with a violation naming
the wire field the client sent (in that dialect's own names)."""
from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contacthub.api.letsligo.contacts import mapping as letsligo
from contacthub.api.letsligo.errors import LETSLIGO
from contacthub.api.skarbe import mapping as skarbe
from contacthub.api.skarbe.errors import SKARBE
from contacthub.api.whautomate import mapping as whautomate
from contacthub.api.whautomate.errors import WHAUTOMATE
from contacthub.domain.contact import MAX_CUSTOM_FIELD_KEY, MAX_SHORT_TEXT, MAX_TAG_LENGTH, MAX_TAGS, Contact, Stage, tag_key
from contacthub.domain.errors import ValidationFailed
from contacthub.services.contacts import ContactService
from fakes import InMemoryContacts, InMemoryStates

PROPERTIES = settings(max_examples=60, deadline=None, derandomize=True, database=None)

# Text a client may store: printable, no surrounding space (the domain trims), never blank.
_CHARS = st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"])
text = st.text(_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)
words = st.lists(st.text(string.ascii_letters, min_size=1, max_size=8), min_size=1, max_size=3).map(" ".join)
phones = st.from_regex(r"\+?[0-9][0-9 ]{3,15}[0-9]", fullmatch=True)
emails = st.builds(lambda user, host: f"{user}@{host}.example.com",
                   st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10),
                   st.text(string.ascii_lowercase, min_size=1, max_size=10))
tags = st.lists(words.map(lambda t: t[:MAX_TAG_LENGTH].strip()).filter(bool), max_size=MAX_TAGS,
                unique_by=tag_key)
scalars = st.none() | st.booleans() | st.integers(-10 ** 12, 10 ** 12) | text
custom_fields = st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=MAX_CUSTOM_FIELD_KEY), scalars,
                                max_size=5)


def service() -> ContactService:
    return ContactService(InMemoryContacts(), InMemoryStates(), cleanups=(), open_task_contacts=lambda ws: set())


def stored(fields: dict[str, Any]) -> Contact:
    """The contact the create use case stores from these canonical fields (on in-memory repositories)."""
    return service().create("ws", fields)


def refused(fields: dict[str, Any]) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        service().create("ws", fields)
    return caught.value


def roots(error: ValidationFailed, dialect) -> set[str]:
    return {dialect.wire_path(v.path).split(".")[0].split("[")[0] for v in error.violations}


# ------------------------------------------------------------------ whautomate
whautomate_bodies = st.fixed_dictionaries(
    {"name": text, "phoneNumber": phones},
    optional={"stage": st.sampled_from([s.value for s in Stage]), "notes": text, "tags": tags,
              "customFields": custom_fields, "location": st.fixed_dictionaries({"id": text, "title": text}),
              "channel": st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)})


@PROPERTIES
@given(sent=whautomate_bodies)
def test_whautomate_round_trip(sent):
    wire = whautomate.contact_to_wire(stored(whautomate.fields_for_create(sent)))
    assert {k: wire[k] for k in sent} == sent


@PROPERTIES
@given(field=st.sampled_from(["name", "phoneNumber", "stage", "tags", "customFields", "channel", "location"]),
       data=st.data())
def test_whautomate_invalid_values_name_the_field(field, data):
    invalid = {
        "name": st.sampled_from(["", "   ", "x" * (MAX_SHORT_TEXT + 1), "a\ud800"]),
        "phoneNumber": st.sampled_from(["", "phone", "+", "1" * 41]),
        "stage": text.filter(lambda v: v not in {s.value for s in Stage}),
        "tags": st.sampled_from([[""], ["x" * (MAX_TAG_LENGTH + 1)], [f"t{i}" for i in range(MAX_TAGS + 1)]]),
        "customFields": st.sampled_from([{"a": {"b": 1}}, {"a": [1]}, {"": 1}, {"a": float("nan")}]),
        "channel": st.sampled_from(["-x", "x y", "é", "x" * 40]),
        "location": st.sampled_from([{"title": "no id"}, {"id": ""}, {"id": "x", "other": 1}]),
    }[field]
    sent = {"name": "Valid Name", "phoneNumber": "+33 6 12 34 56 78", field: data.draw(invalid)}
    try:
        fields = whautomate.fields_for_create(sent)
    except ValidationFailed as error:
        assert roots(error, WHAUTOMATE) == {field}
        return
    assert roots(refused(fields), WHAUTOMATE) == {field}


# ------------------------------------------------------------------ skarbe
skarbe_bodies = st.fixed_dictionaries(
    {"firstName": words, "email": emails},
    optional={"lastName": words, "jobTitle": text, "companyName": text, "note": text,
              "phoneNumbers": st.lists(phones, min_size=1, max_size=3, unique=True),
              "linkedinUrl": st.just("https://www.linkedin.com/in/someone")})


@PROPERTIES
@given(sent=skarbe_bodies)
def test_skarbe_round_trip(sent):
    wire = skarbe.contact_to_wire(stored(skarbe.create_fields(sent, [])), None)
    assert {k: wire[k] for k in sent} == sent


@PROPERTIES
@given(field=st.sampled_from(["email", "phoneNumbers", "jobTitle", "companyName"]), data=st.data())
def test_skarbe_invalid_values_name_the_field(field, data):
    invalid = {
        "email": st.sampled_from(["not an email", "a@", "@b.example", "a@b@c.example"]),
        "phoneNumbers": st.sampled_from([["no digits"], [""], ["1" * 41]]),
        "jobTitle": st.sampled_from(["x" * (MAX_SHORT_TEXT + 1), "a\ud800"]),
        "companyName": st.sampled_from(["x" * (MAX_SHORT_TEXT + 1), "a\udfff"]),
    }[field]
    sent = {"firstName": "Valid", field: data.draw(invalid)}
    try:
        fields = skarbe.create_fields(sent, [])
    except ValidationFailed as error:
        assert roots(error, SKARBE) == {field}
        return
    assert roots(refused(fields), SKARBE) == {field}


# ------------------------------------------------------------------ letsligo
letsligo_bodies = st.fixed_dictionaries(
    {"name": text},
    optional={"emails": st.lists(emails, min_size=1, max_size=3, unique=True), "company": text,
              "position": text, "address": text, "additionalInfo": text, "meetingContext": text,
              "phones": st.lists(phones, min_size=1, max_size=3, unique=True),
              "website": st.just("https://acme.example"), "linkedinUrl": st.just("https://www.linkedin.com/in/x")})


@PROPERTIES
@given(sent=letsligo_bodies)
def test_letsligo_round_trip(sent):
    wire = letsligo.contact_to_wire(stored(letsligo.fields_from_wire(sent)), None)
    assert {k: wire[k] for k in sent} == sent


@PROPERTIES
@given(field=st.sampled_from(["emails", "phones", "company", "additionalInfo"]), data=st.data())
def test_letsligo_invalid_values_name_the_field(field, data):
    invalid = {
        "emails": st.sampled_from([["nope"], [""], [f"a{i}@b.example" for i in range(6)], "a@b.example"]),
        "phones": st.sampled_from([["none"], [""], [str(i) * 5 for i in range(6)]]),
        "company": st.sampled_from(["x" * (MAX_SHORT_TEXT + 1), 5, ["list"]]),
        "additionalInfo": st.sampled_from(["x" * 10_001, "\ud800", {"a": 1}]),
    }[field]
    error = refused(letsligo.fields_from_wire({"name": "Valid", field: data.draw(invalid)}))
    assert roots(error, LETSLIGO) == {field}

"""Canonical field validation and normalisation."""
import pytest

from contacthub.domain.contact import Stage, normalize_tags, validate_changes
from contacthub.domain.errors import ValidationFailed
from contacthub.domain.text import fold, words
from contacthub.store.search_index import phone_query_prefixes


def test_emails_are_normalised_and_deduplicated_case_insensitively():
    assert validate_changes({"emails": ["Marie@Acme.example", "marie@acme.example"]})["emails"] == (
        "Marie@acme.example",)


def test_phones_keep_raw_and_gain_e164():
    phone = validate_changes({"phones": ["+33 6 12 34 56 78"]})["phones"][0]
    assert phone.raw == "+33 6 12 34 56 78" and phone.e164 == "+33612345678"
    local = validate_changes({"phones": ["06 12 34 56 78"]})["phones"][0]
    assert local.raw == "06 12 34 56 78" and local.e164 is None  # no region to guess from: kept as typed


def test_all_bad_fields_reported_at_once():
    with pytest.raises(ValidationFailed) as error:
        validate_changes({"emails": ["nope"], "phones": ["abc"], "stage": "Boss", "status": "lost"})
    assert {v.path for v in error.value.violations} == {"emails[0]", "phones[0]", "stage", "status"}


def test_tags_trimmed_deduplicated_and_bounded():
    assert normalize_tags(["  VIP ", "vip", "Hot  lead"]) == ("VIP", "Hot lead")
    with pytest.raises(ValidationFailed):
        normalize_tags([f"t{i}" for i in range(11)])
    with pytest.raises(ValidationFailed):
        normalize_tags(["x" * 51])


def test_custom_fields_are_scalar_and_bounded():
    assert validate_changes({"custom_fields": {"plan": "pro", "seats": 3, "vip": True}})["custom_fields"]["seats"] == 3
    with pytest.raises(ValidationFailed):
        validate_changes({"custom_fields": {"nested": {"a": 1}}})
    with pytest.raises(ValidationFailed):
        validate_changes({"custom_fields": {f"k{i}": 1 for i in range(51)}})


def test_stage_enum():
    assert validate_changes({"stage": "MQL"})["stage"] is Stage.MQL


def test_fold_and_words_are_accent_and_case_insensitive():
    assert fold("Élodie ÇA") == "elodie ca"
    assert words("Jean-Pierre  d'Arc") == ["jean", "pierre", "d", "arc"]


@pytest.mark.parametrize("typed,expected", [
    ("+33 6 12 34", ["61234"]), ("0612 34", ["61234"]), ("0033 6 12", ["612"]), ("612345", ["612345", "2345"]), ("33612", ["33612", "612"]),
    ("12", []),
])
def test_phone_query_prefixes(typed, expected):
    assert phone_query_prefixes(typed) == expected


def test_broken_unicode_is_refused_not_stored():
    with pytest.raises(ValidationFailed) as error:
        validate_changes({"name": "Bad \ud800", "tags": ["ok", "x\udfff"], "custom_fields": {"k": "\ud800"}})
    assert {v.path for v in error.value.violations} == {"name", "tags", "custom_fields"}

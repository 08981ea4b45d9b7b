"""Extraction golden tests: every sample under tests/fixtures/capture, compared field by field.

Each sample (``*.txt`` signature or ``*.vcf`` vCard) has a ``*.json`` beside it with the expected source,
number of cards and fields; a field not listed must stay empty. The summary test prints the field-level
accuracy and holds the line that matters most: a value is never put in the wrong field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contacthub.capture.extract import extract
from contacthub.capture.model import EXTRACTED_FIELDS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "capture"
SAMPLES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".vcf"))
FIELDS_RIGHT_TODAY = 168  # non-empty fields extracted right over all samples; raise it as samples are added


def _expected(sample: Path) -> dict:
    return json.loads(sample.with_suffix(".json").read_text(encoding="utf-8"))


def _compare(sample: Path) -> dict[str, tuple[str, object, object]]:
    """field -> (verdict, expected, actual); verdict is ok, missed (left empty) or wrong (another value)."""
    expected = _expected(sample)["fields"]
    actual = extract(sample.read_text(encoding="utf-8")).contact.as_fields()
    verdicts = {}
    for name in EXTRACTED_FIELDS:
        want, got = expected.get(name), actual.get(name)
        if want == got:
            verdicts[name] = ("ok", want, got)
        elif got in (None, [], "") or (
            isinstance(want, list) and isinstance(got, list) and set(got) < set(want)
        ):
            verdicts[name] = ("missed", want, got)
        else:
            verdicts[name] = ("wrong", want, got)
    return verdicts


def test_fixture_set_covers_the_required_shapes():
    names = {p.name for p in SAMPLES}
    assert len(SAMPLES) >= 15
    assert sum(n.startswith("en_") for n in names) >= 5 and sum(n.startswith("fr_") for n in names) >= 5
    assert {"vcard30_outlook_qp.vcf", "vcard40_uris.vcf", "vcard_multi.vcf", "vcard30_folded.vcf"} <= names


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_sample_extracts_as_expected(sample):
    # Given a realistic sample and its expected fields
    expected = _expected(sample)
    # When it is extracted
    extraction = extract(sample.read_text(encoding="utf-8"))
    # Then source, card count and every field match
    assert extraction.source == expected["source"]
    assert extraction.cards_found == expected["cardsFound"]
    assert extraction.contact.as_fields() == expected["fields"]


def test_accuracy_summary(capsys):
    verdicts = {sample.name: _compare(sample) for sample in SAMPLES}
    judged = [v for per_sample in verdicts.values() for v in per_sample.values() if v[1] or v[2]]
    ok = sum(1 for v in judged if v[0] == "ok")
    wrong = [(s, f, v) for s, per in verdicts.items() for f, v in per.items() if v[0] == "wrong"]
    with capsys.disabled():
        print(
            f"\ncapture extraction: {ok}/{len(judged)} non-empty fields right "
            f"({100 * ok / len(judged):.1f}%) over {len(SAMPLES)} samples; {len(wrong)} wrong"
        )
    assert not wrong, wrong  # an unrecognised value may stay empty, never land in the wrong field
    assert ok == len(judged)  # every field the samples pin is right today
    # Extracting less and rewriting the expectations to match would pass every sample test: not this floor.
    assert ok >= FIELDS_RIGHT_TODAY, f"{ok} fields right, {FIELDS_RIGHT_TODAY} before"

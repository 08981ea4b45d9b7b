"""Extractor edges: HTML signatures, hostile input within a time bound, lazy imports, phone countries."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contacthub.capture.extract import UnreadableVCard, extract
from contacthub.capture.regions import international, region_evidence

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def test_html_signature_is_read_as_text_and_icon_links_keep_their_target():
    html = (
        '<div dir="ltr"><b>Jane Doe</b><br>CEO at Acme<br><a href="mailto:jane@acme.example">Email me</a>'
        ' | <a href="https://www.linkedin.com/in/janedoe"><img src="cid:li.png"></a><br>'
        '<span style="color:#999">+1&nbsp;415&nbsp;555&nbsp;0132</span><style>p{color:red}</style></div>'
    )
    assert extract(html).contact.as_fields() == {
        "name": "Jane Doe",
        "position": "CEO",
        "company": "Acme",
        "emails": ["jane@acme.example"],
        "phones": ["+1 415 555 0132"],
        "linkedin_url": "https://www.linkedin.com/in/janedoe",
    }


def test_markup_and_noise_never_become_fields():
    assert extract("<<Jane Doe>> {CEO} [Acme SAS]").contact.as_fields() == {}
    assert extract("x7#Qz9!kL2@@ 1bQe5ou.RkeVl ;;; sa as ab").contact.as_fields() == {}


@pytest.mark.parametrize(
    "text",
    [
        " ".join(str(i % 97) for i in range(6500)),  # digits everywhere: the phone matcher's worst case
        ("Tél : 01 42 68 53 00 | " * 900),
        "a." * 10_000,
        ("x" * 60 + "@") * 300,
        ("12 rue " + "de la " * 10 + "\n") * 150,
        ("A" * 50 + ", ") * 380,
        "BEGIN:VCARD\nVERSION:3.0\nFN:Jane\n" + "NOTE:" + "x" * 19_000 + "\nEND:VCARD\n",
    ],
    ids=["digits", "labels", "dots", "at-signs", "streets", "commas", "big-vcard"],
)
def test_hostile_text_of_the_maximum_size_is_handled_quickly(text):
    text = text[: 20 * 1024]
    started = time.perf_counter()
    extract(text)
    assert time.perf_counter() - started < 3.0  # measured 0.02-0.5 s; generous for shared CI cores


def test_broken_vcards_are_reported_not_guessed():
    for text in ("BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\n", "BEGIN:VCARD\n\x00::;;\n"):
        with pytest.raises(UnreadableVCard):
            extract(text)


def test_vobject_does_not_log_card_lines(capsys, caplog):
    with pytest.raises(UnreadableVCard):
        extract("BEGIN:VCARD\nsecret-line-without-colon\nEND:VCARD-NOT\n")
    assert "secret-line" not in capsys.readouterr().err + caplog.text


def test_national_numbers_get_the_country_the_text_gives():
    assert region_evidence("Portable : 06 12 34 56 78\n12 rue de la Paix, 75002 Paris") == "FR"
    assert region_evidence("1600 Amphitheatre Pkwy, Mountain View, CA 94043") == "US"
    assert region_evidence("jane@acme.co.uk") == "GB"
    assert region_evidence("Call me: 0612345678") is None
    assert international("06 12 34 56 78", "FR") == "+33 6 12 34 56 78"
    assert international("+33 (0)6 12 34 56 78", "GB") == "+33 (0)6 12 34 56 78"  # already international
    assert international("06 12 34 56 78", None) == "06 12 34 56 78"  # no evidence: as written
    assert extract("Pierre Durand\nCall me: 0612345678").contact.phones == ()  # no country, no guess


def test_only_the_first_of_several_cards_is_extracted_and_all_are_counted():
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Person {i}\r\nEND:VCARD\r\n" for i in range(1, 4))
    extraction = extract("Here are the cards:\n" + cards)
    assert (extraction.source, extraction.cards_found, extraction.contact.name) == ("vcard", 3, "Person 1")


def test_the_rest_handler_does_not_load_the_extractors():
    """vobject and the heuristics are imported on the first capture, not on every cold start."""
    code = (
        "import contacthub.api.letsligo.handler, sys; "
        "print(sorted(m for m in sys.modules if m.startswith(('vobject', 'contacthub.capture'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=FUNCTIONS,
        env=dict(os.environ),
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

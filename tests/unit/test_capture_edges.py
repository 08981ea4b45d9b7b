"""Extractor edges: HTML signatures, hostile input in linear work, lazy imports, phone countries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from contacthub.capture import fields, regions, signature, vcard
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


class _Work:
    """Deterministic work of a call: Python lines executed (the extractor and the libraries it calls) plus
    characters handed to the extractor's regular expressions (a rescan of the whole text per line shows here)."""

    _SCANS = ("search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split")

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.units = 0
        for module in (signature, regions, vcard, fields):
            for name, value in list(vars(module).items()):
                if isinstance(value, re.Pattern):
                    monkeypatch.setattr(module, name, self._pattern(value))
            if getattr(module, "re", None) is re:
                monkeypatch.setattr(module, "re", self._re_module())

    def _scanned(self, text: object) -> None:
        if isinstance(text, str):
            self.units += len(text)

    def _pattern(self, pattern: re.Pattern[str]) -> object:
        work = self

        class Metered:
            def __getattr__(self, name: str) -> object:
                found = getattr(pattern, name)
                if name not in _Work._SCANS:
                    return found

                def scan(*args: object, **kwargs: object) -> object:
                    text = args[1] if name in ("sub", "subn") and len(args) > 1 else args[0] if args else None
                    work._scanned(text)
                    return found(*args, **kwargs)
                return scan
        return Metered()

    def _re_module(self) -> object:
        work = self

        class MeteredRe:
            def __getattr__(self, name: str) -> object:
                found = getattr(re, name)
                if name not in _Work._SCANS:
                    return found

                def scan(pattern: object, *args: object, **kwargs: object) -> object:
                    work._scanned(args[1] if name in ("sub", "subn") else args[0])
                    return found(pattern, *args, **kwargs)
                return scan
        return MeteredRe()

    def of(self, function: Callable[[str], object], text: str) -> int:
        before, lines = self.units, 0

        def tracer(frame: object, event: str, arg: object) -> object:
            nonlocal lines
            lines += event == "line"
            return tracer

        sys.settrace(tracer)
        try:
            function(text)
        finally:
            sys.settrace(None)
        return lines + self.units - before


def _growth(work: _Work, function: Callable[[str], object], make: Callable[[int], str], repeats: int) -> float:
    """How much the work grows when the input doubles: about 2 when linear, 4 when quadratic."""
    full, half = make(repeats), make(repeats // 2)
    function(full), function(half)  # lazy imports and caches are not the text's work
    return work.of(function, full) / work.of(function, half)


HOSTILE = {  # each at (nearly) the 20 KB maximum; half as many repeats is the comparison point
    "digits": (lambda r: " ".join(str(i % 97) for i in range(r)), 6500),  # the phone matcher's worst case
    "labels": (lambda r: "Tél : 01 42 68 53 00 | " * r, 880),
    "dots": (lambda r: "a." * r, 10_000),
    "at-signs": (lambda r: ("x" * 60 + "@") * r, 300),
    "streets": (lambda r: ("12 rue " + "de la " * 10 + "\n") * r, 300),
    "commas": (lambda r: ("A" * 50 + ", ") * r, 380),
    "big-vcard": (lambda r: "BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nNOTE:" + "x" * r + "\nEND:VCARD\n", 19_000),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_text_of_the_maximum_size_is_handled_quickly(case, monkeypatch):
    make, repeats = HOSTILE[case]
    assert 15 * 1024 < len(make(repeats)) <= 20 * 1024
    # Linear extraction doubles its work when the text doubles (measured 1.98-2.0); quadratic would quadruple it.
    assert _growth(_Work(monkeypatch), extract, make, repeats) < 2.5


def test_the_work_measure_sees_quadratic_extraction(monkeypatch):
    work = _Work(monkeypatch)

    def rescanning(text: str) -> None:  # one full-text regex scan per line: quadratic in the text
        for _ in text.splitlines():
            signature._MARKUP.search(text)

    growth = _growth(work, rescanning, lambda r: "a line\n" * r, 2000)
    assert growth > 3.5


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

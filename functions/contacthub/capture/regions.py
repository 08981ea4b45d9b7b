"""Which country a pasted text's national phone numbers belong to, and writing them with that country.

A national number ("01 42 68 53 00") means nothing without its country: the contact would keep no E.164
form, so neither duplicate detection nor phone search could match it. When the text itself says where it
is from (a +33 number, a .fr domain, a French postcode or wording), extracted national numbers are written
in international form ("+33 1 42 68 53 00"); with no such evidence they are left exactly as written.
"""
from __future__ import annotations

import re
from collections import Counter

from ..domain.text import fold

DEFAULT_REGION = "US"  # to recognise unlabelled numbers in a text with no evidence at all (never to rewrite)

_TLD_REGION = {"fr": "FR", "uk": "GB", "de": "DE", "be": "BE", "ch": "CH", "ca": "CA", "es": "ES", "it": "IT",
               "lu": "LU", "nl": "NL", "ie": "IE", "pt": "PT", "at": "AT", "au": "AU", "mc": "MC", "ma": "MA",
               "tn": "TN", "sn": "SN", "us": "US", "br": "BR", "in": "IN"}
_COUNTRY_REGION = {"france": "FR", "usa": "US", "united states": "US", "united states of america": "US",
                   "united kingdom": "GB", "uk": "GB", "england": "GB", "scotland": "GB", "germany": "DE",
                   "deutschland": "DE", "allemagne": "DE", "belgium": "BE", "belgique": "BE",
                   "switzerland": "CH", "suisse": "CH", "schweiz": "CH", "canada": "CA", "spain": "ES",
                   "espagne": "ES", "italy": "IT", "italie": "IT", "luxembourg": "LU", "netherlands": "NL",
                   "pays-bas": "NL", "ireland": "IE", "portugal": "PT", "monaco": "MC", "maroc": "MA",
                   "morocco": "MA", "brazil": "BR", "brasil": "BR", "india": "IN"}
_COUNTRY = re.compile(r"(?<![\w-])(%s)(?![\w-])" % "|".join(
    re.escape(c) for c in sorted(_COUNTRY_REGION, key=len, reverse=True)))
_US_STATE_ZIP = re.compile(r",\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
_FR_POSTCODE_CITY = re.compile(r"\b(?:F-)?\d{5}\s+[A-ZÀ-Ý]")
_FRENCH_CUES = re.compile(r"(?<![\w])(?:tel|portable|cordialement|bien a vous|rue|avenue|boulevard|cedex|"
                          r"allee|directeur|directrice|responsable|gerant|gerante|charge|chargee|ingenieur|societe|"
                          r"adresse|siege|telecopie|courriel|bureau|standard|fixe|chez|generale?)(?![\w])")


def region_evidence(text: str) -> str | None:
    """The most likely country from clues in the text, or None when there are none."""
    import phonenumbers

    votes: Counter[str] = Counter()
    for code in re.findall(r"(?:^|[\s(:;])(?:\+|00)(\d{1,3})[\s.(-]*\d", text):
        for size in (1, 2, 3):
            region = phonenumbers.region_code_for_country_code(int(code[:size]))
            if region != "ZZ":
                votes[region] += 2
                break
    for tld in re.findall(r"[\w-]\.([a-z]{2})(?![\w.])", text.lower()):
        if tld in _TLD_REGION:
            votes[_TLD_REGION[tld]] += 2
    folded = fold(text)
    for country in _COUNTRY.findall(folded):
        votes[_COUNTRY_REGION[country]] += 2
    if _US_STATE_ZIP.search(text):
        votes["US"] += 2
    if _UK_POSTCODE.search(text):
        votes["GB"] += 1
    if _FR_POSTCODE_CITY.search(text):
        votes["FR"] += 1
    french = len(_FRENCH_CUES.findall(folded))
    if french:
        votes["FR"] += min(french, 3)
    return votes.most_common(1)[0][0] if votes else None


def international(raw: str, region: str | None) -> str:
    """A national number written with its country ("06 12 34 56 78", FR -> "+33 6 12 34 56 78").

    Numbers already international, unparseable or impossible in that region stay as written.
    """
    import phonenumbers

    stripped = raw.strip()
    if region is None or stripped.startswith("+") or stripped.startswith("00"):
        return raw
    try:
        number = phonenumbers.parse(stripped, region)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_possible_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

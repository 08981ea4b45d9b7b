"""Email signatures and pasted business cards (English and French): heuristics, no model.

The text is cut to its signature block (after the last sign-off or "--", before any quoted reply or
legal disclaimer), split into segments (lines, and parts of lines separated by "|", "•", " - "...), and
each segment gives up, in turn, its emails, URLs and phone numbers. What remains is matched against
shapes: a postal address (street line + postcode/city line), "title at/chez Company", "title, Company",
a title line (known job words), a company line (legal form or sector word), a person's name. A segment
matching no shape is left out: an unrecognised value stays empty rather than landing in the wrong field.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..domain.text import fold
from .fields import clean_url, is_social, linkedin_profile, valid_email
from .model import ExtractedContact
from .regions import DEFAULT_REGION, international, region_evidence

MAX_LINES = 400  # of the signature block; the request text is bounded anyway (see services.capture)
MAX_SEGMENT = 300  # longer lines are prose, not signature fields
MAX_NAME_WORDS = 5
MAX_FIELD_WORDS = 10

# ------------------------------------------------------------------ vocabularies (matched on folded text)
_SIGNOFFS = (
    "best regards", "kind regards", "warm regards", "warmest regards", "regards", "best wishes", "best",
    "all the best", "cheers", "many thanks", "thanks", "thank you", "thanks again", "sincerely",
    "yours sincerely", "yours faithfully", "yours truly", "respectfully", "talk soon", "speak soon",
    "cordialement", "bien cordialement", "tres cordialement", "bien a vous", "bien a toi", "a bientot",
    "salutations", "meilleures salutations", "sinceres salutations", "bonne journee", "bonne soiree",
    "merci", "merci beaucoup", "merci d'avance", "belle journee", "amicalement", "bien amicalement",
    "respectueusement", "avec mes salutations", "sent from my iphone", "envoye de mon iphone",
)
_SIGNOFF = re.compile(r"^(?:%s)\s*[,.!]*$" % "|".join(re.escape(s) for s in _SIGNOFFS))
_DELIMITER = re.compile(r"^(?:--+|__+|==+|—+|–+|\*\*+)\s*$")
_GREETING = re.compile(r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|bonjour|bonsoir|salut|"
                       r"cher|chere|madame|monsieur)\b[^.!?]{0,40}[,!]?$")
# Where the signature ends: a quoted reply, a forwarded message, a legal disclaimer.
_REPLY_HEADER = re.compile(r"^(?:on .{3,120} wrote:?|le .{3,120} a ecrit\s*:?|"
                           r"-{2,}\s*original message\s*-{2,}|-{2,}\s*message d'origine\s*-{2,}|"
                           r"-{2,} ?forwarded message ?-{2,}|"
                           r"(?:from|de)\s*:\s*.+@.+|>.*)$")
_DISCLAIMER = re.compile(r"^(?:this (?:e-?mail|message|communication)|the information (?:contained|in this)|"
                         r"confidential|confidentiality|ce (?:message|courriel|mail|e-mail)|cet e-?mail|"
                         r"les informations contenues|avertissement|disclaimer|"
                         r"please consider the environment|"
                         r"please don't print|pensez a l'environnement|merci de penser|avant d'imprimer|"
                         r"sent from my|envoye de mon|get outlook for)")

_TITLE_WORDS = (
    # English
    "ceo", "cto", "cfo", "coo", "cmo", "cio", "ciso", "cpo", "cro", "vp", "svp", "evp", "avp", "president",
    "vice president", "chairman", "chairwoman", "chair", "director", "head", "manager", "engineer",
    "developer",
    "consultant", "founder", "co-founder", "cofounder", "partner", "owner", "lead", "chief", "officer",
    "executive", "analyst", "specialist", "coordinator", "assistant", "associate", "advisor", "adviser",
    "architect", "designer", "principal", "senior", "junior", "intern", "attorney", "lawyer", "counsel",
    "recruiter", "representative", "administrator", "secretary", "treasurer", "strategist", "scientist",
    "researcher", "professor", "lecturer", "accountant", "controller", "buyer", "agent", "broker",
    "supervisor", "technician", "editor", "writer", "journalist", "producer", "product owner", "scrum master",
    "evangelist", "ambassador", "account", "business development", "sales", "marketing",
    # French (folded: accents removed)
    "directeur", "directrice", "dg", "pdg", "responsable", "chef", "cheffe", "charge", "chargee",
    "ingenieur", "ingenieure", "gerant", "gerante", "fondateur", "fondatrice", "cofondateur", "cofondatrice",
    "co-fondateur", "co-fondatrice", "president", "presidente", "associe", "associee", "commercial",
    "commerciale", "consultante", "developpeur", "developpeuse", "conseiller", "conseillere", "assistante",
    "technicien", "technicienne", "avocat", "avocate", "juriste", "comptable", "expert-comptable",
    "stagiaire", "attache", "attachee", "delegue", "deleguee", "adjoint", "adjointe", "acheteur", "acheteuse",
    "redacteur", "redactrice", "chercheur", "chercheuse", "professeur", "professeure", "administrateur",
    "administratrice", "secretaire", "tresorier", "tresoriere", "notaire", "architecte", "graphiste",
    "animateur", "animatrice", "coordinateur", "coordinatrice", "superviseur", "superviseuse", "gestionnaire",
)
_DEPARTMENT_WORDS = (
    "sales", "marketing", "engineering", "finance", "operations", "human resources", "hr", "it", "legal",
    "product", "support", "procurement", "purchasing", "communications", "research", "development", "r&d",
    "ventes", "achats", "communication", "rh", "ressources humaines", "juridique", "informatique",
    "comptabilite", "production", "logistique", "qualite", "innovation", "partenariats", "export",
)
# Legal forms, matched case-sensitively on the text as written: folded, "SA" or "AS" would be common words.
_LEGAL_FORMS = (
    "Inc", "INC", "Inc.", "LLC", "L.L.C.", "Ltd", "Ltd.", "LTD", "Limited", "LIMITED", "Corp", "Corp.",
    "CORP", "Corporation", "CORPORATION", "Co.", "CO.", "PLC", "plc", "LLP", "LP", "GmbH", "GMBH", "AG",
    "KG", "SA", "S.A.", "SAS", "S.A.S.", "SASU", "SARL", "Sarl", "S.A.R.L.", "EURL", "SCI", "SNC", "SCOP",
    "SCA", "SE", "SPRL", "ASBL", "BV", "B.V.", "NV", "N.V.", "SpA", "S.p.A.", "SRL", "Srl", "S.r.l.", "SL", "S.L.",
    "Oy", "AB", "AS", "A/S", "ApS", "Pty", "Pte", "KK", "& Co", "& Cie", "& Fils", "et Fils", "& Associés",
    "& Associes", "& Associates", "& Partners", "& Sons",
)
# Sector words that name organisations rather than people or jobs (weaker: "Chief Technology Officer").
_SECTOR_WORDS = (
    "group", "groupe", "holding", "holdings", "technologies", "technology", "solutions", "systems",
    "software", "labs", "lab", "consulting", "conseil", "partners", "industries", "services", "media",
    "studio", "studios", "agency", "agence", "capital", "ventures", "bank", "banque", "insurance",
    "assurances", "pharma", "energy", "energies", "logistics", "networks", "robotics", "foundation",
    "fondation", "association", "institute", "institut", "university", "universite", "school", "ecole",
    "hospital", "hopital", "clinic", "clinique", "cabinet", "boulangerie", "restaurant", "hotel", "traders",
    "trading", "international",
)
_HONORIFICS = ("dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "prof", "prof.", "pr", "pr.",
               "m.", "mme", "mme.", "mlle", "mlle.", "me", "me.", "maitre", "sir", "dame")
_CREDENTIALS = re.compile(r",?\s+\(?(?:ph\.?\s?d|mba|cpa|md|m\.d\.|esq|cfa|pe|pmp|msc|m\.sc|dds|jd|j\.d\.|"
                          r"llm|rn|cissp|acca|frm|cma)\.?\)?\s*$", re.I)
_PRONOUNS = re.compile(r"\s*\((?:she|he|they|il|elle|iel)\s*/\s*\w+(?:\s*/\s*\w+)?\)\s*", re.I)
_NAME_PARTICLES = {"de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di", "del", "della",
                   "dos", "das", "bin", "ben", "al", "el", "y", "d'", "ter", "zu", "mc", "st."}
_COUNTRIES = {
    "france", "usa", "u.s.a.", "united states", "united states of america", "us", "uk", "u.k.",
    "united kingdom", "england", "scotland", "wales", "ireland", "germany", "deutschland", "allemagne",
    "belgium", "belgique", "switzerland", "suisse", "schweiz", "canada", "spain", "espagne", "espana",
    "italy", "italie", "italia", "luxembourg", "netherlands", "pays-bas", "nederland", "portugal", "monaco",
    "austria", "autriche", "sweden", "suede", "norway", "norvege", "denmark", "danemark", "australia",
    "australie", "morocco", "maroc", "tunisia", "tunisie", "algeria", "algerie", "senegal", "quebec",
}

_TITLE_RE = re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % "|".join(
    re.escape(w) for w in sorted(_TITLE_WORDS, key=len, reverse=True)))
_DEPARTMENT_RE = re.compile(r"(?<![\w-])(?:%s)(?![\w-])" % "|".join(
    re.escape(w) for w in sorted(_DEPARTMENT_WORDS, key=len, reverse=True)))


def _words_re(words: tuple[str, ...]) -> re.Pattern:
    # "&" starts no word, so "& Fils" needs no boundary before it; "Co-Founder" is not "Co."
    alternatives = (re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?:(?<![\w-])|(?=&))(?:%s)(?![\w-])" % "|".join(alternatives))


_LEGAL_FORM_RE = _words_re(_LEGAL_FORMS)
_SECTOR_RE = _words_re(_SECTOR_WORDS)

# ------------------------------------------------------------------ token patterns
_EMAIL = re.compile(r"(?:mailto:)?([\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'|]+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.)+(?:[a-z]{2,24})(?:/[^\s<>\"'|]*)?(?![\w@-])",
    re.I)
# A schemeless "acme.fr" is a web address only under a real top-level domain (any two-letter country code,
# or one of these), so "logo.png", "S.A." or noise are not taken for a website.
_BARE_TLDS = {"com", "net", "org", "edu", "gov", "int", "info", "biz", "pro", "name", "mobi", "asia", "eu",
              "io", "ai", "app", "dev", "tech", "online", "site", "website", "store", "shop", "cloud",
              "digital",
              "agency", "studio", "design", "consulting", "solutions", "company", "group", "global", "world",
              "email", "media", "news", "blog", "legal", "law", "finance", "capital", "ventures", "partners",
              "paris", "bzh", "alsace", "corsica", "london", "nyc", "berlin", "quebec", "example"}
# Labels people put before values. Single letters count only with ":" or "." ("T: ", "M. "), and "F" also
# right before a number ("T 858.555.0147  F 858.555.0148": a fax is not a phone).
_PHONE_LABEL = re.compile(
    r"(?<![\w])(?:(?P<fax>fax|telefax|telecopie|telecopieur|f(?=\s*[:.]|\s+[+(]?\d))|"
    r"(?P<phone>tel(?:ephone)?|tel\.?\s?/\s?fax|phone|ph|mobile|mob|cell(?:ular|phone)?|portable|port|gsm|"
    r"direct|ligne directe|office|bureau|standard|fixe|work|main|switchboard|whatsapp|"
    r"[tmpodcw](?=\s*[:.])))\s*(?:\([^)]{0,20}\))?\s*[:.]?\s*", re.I)
_OTHER_LABEL = re.compile(r"(?<![\w])(?:e-?mail|mail|courriel|email address|web(?:site)?|"
                          r"site(?: web| internet)?|internet|url|linkedin|adresse|address|addr|siege|"
                          r"head office|e|w|a)\s*[:.]\s*", re.I)
_ADDRESS_LABEL = re.compile(r"^(?:adresse|address|addr|siege(?: social)?|head office|a)\s*[:.]\s*", re.I)
_IMAGE = re.compile(r"^\[(?:image|cid):")  # placeholders of pictures in pasted mail
_MARKUP = re.compile(r"[<>{}\[\]\\=^~`]|&\w+;")
_SEPARATORS = re.compile(r"\s*[|•·▪◦¦‖]\s*|\s+[-–—]\s+|\s{3,}|\t+")

_STREET_TYPES_FR = (r"rue|avenue|av\.?|boulevard|bd\.?|blvd\.?|place|pl\.|all[ée]e|chemin|ch\.|impasse|"
                    r"quai|route|rte|cours|square|passage|voie|faubourg|fbg|rond-point|esplanade|parvis|promenade|sentier|"
                    r"lieu-dit|zone|za|zi|zac|parc|r[ée]sidence|hameau|villa|cit[ée]|domaine|lotissement|"
                    r"mont[ée]e|chauss[ée]e|galerie|rampe|traverse")
_STREET_TYPES_EN = (r"street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|parkway|pkwy\.?|drive|"
                    r"dr\.?|lane|ln\.?|way|court|ct\.?|place|pl\.?|plaza|square|sq\.?|terrace|ter\.?|highway|hwy\.?|"
                    r"circle|cir\.?|broadway|row|close|crescent|gardens|mews|walk|loop|trail|pike|alley|"
                    r"strasse|straße|str\.|weg|platz|allee|gasse|laan|straat")
_STREET = re.compile(
    r"^(?:\d{1,5}(?:\s?(?:bis|ter|quater|[a-z]))?(?:\s?[-–/]\s?\d{1,5})?,?\s+"
    r"(?:(?:%s)\b|(?:[\w'’.-]+\s+){0,6}(?:%s)(?:\s|,|$))"
    r"|(?:[\w'’.-]+\s+){0,4}(?:strasse|straße|str\.|weg|platz|allee|gasse)\s+\d{1,5}\w?\b"
    r"|(?:bp|cs|po box|p\.o\. box|boite postale)\s*\d+)" % (_STREET_TYPES_FR, _STREET_TYPES_EN), re.I)
_EXTENDED = re.compile(r"^(?:suite|ste\.?|floor|fl\.?|unit|building|bldg\.?|b[âa]timent|b[âa]t\.?|[ée]tage|"
                       r"\d{1,2}(?:st|nd|rd|th|e|er|[èe]me) (?:floor|[ée]tage)|escalier|porte|apt\.?|"
                       r"apartment)\b",
                       re.I)
_POSTCODE_CITY = re.compile(
    r"(?:^|,\s*|\s)(?:"
    r"(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-ZÀ-Ý][\w'’ -]*?(?:\s+cedex(?:\s+\d{1,2})?)?"  # 75002 Paris, F-75008 Paris
    r"|[A-Z][\w .'’-]*?,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?"  # Mountain View, CA 94043
    r"|[A-Z][\w .'’-]*?,?\s+[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"  # London SW1A 2AA
    r"|[A-Z][\w .'’-]*?,\s*[A-Z]{2}\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d"  # Toronto, ON M5V 2T6
    r")\s*(?:,\s*[A-Za-zÀ-ÿ .'-]+)?$")


@dataclass
class _Segment:
    line: int  # index of its line in the block, to tell neighbours apart from distant lines
    text: str  # what is left once emails, URLs and phones are taken out
    had_data: bool = False  # something was taken out of it (so it is a contact-data line)


@dataclass
class _Found:
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    phone_keys: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)


def extract_signature(text: str) -> ExtractedContact:
    lines = signature_block(_lines(text))
    evidence = region_evidence("\n".join(lines))
    region = evidence or DEFAULT_REGION
    found = _Found()
    segments: list[_Segment] = []
    for index, line in enumerate(lines):
        for part in _SEPARATORS.split(line):
            part = part.strip()
            if part:
                segments.append(_take_data(index, part, region, found))
    address, used = _address(segments)
    rest = [s for i, s in enumerate(segments) if i not in used and s.text]
    name, position, company = _people_fields(rest)
    linkedin = next((lk for u in found.urls if (lk := linkedin_profile(u))), None)
    website = next((clean_url(u) for u in found.urls if not is_social(u)), None)
    phones = tuple(international(p, evidence) for p in found.phones)
    return ExtractedContact(name=name, emails=tuple(found.emails), phones=phones, company=company,
                            position=position, address=address, website=website, linkedin_url=linkedin)


# ------------------------------------------------------------------ block
def _lines(text: str) -> list[str]:
    if _HTML.search(text):
        text = html_to_text(text)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text)  # zero-width characters from HTML mail
    text = re.sub(r"[\u00a0\u2007\u202f]", " ", text)  # non-breaking spaces (French "Tél :")
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]


_HTML = re.compile(r"<(?:br|p|div|span|a|table|tr|td|font|b|strong|img|html|body)\b[^>]{0,2000}>", re.I)
_HTML_BLOCKS = {"br", "p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "hr",
                "ul", "ol", "blockquote", "section", "address"}


def html_to_text(markup: str) -> str:
    """An HTML signature as lines of text; a link whose text hides its target (a LinkedIn icon) keeps it."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.out: list[str] = []
            self.skip = 0
            self.links: list[tuple[str, int]] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style", "head", "title"):
                self.skip += 1
            elif tag in _HTML_BLOCKS:
                self.out.append("\n")
            elif tag == "a":
                href = dict(attrs).get("href") or ""
                self.links.append((href, len(self.out)))

        def handle_endtag(self, tag):
            if tag in ("script", "style", "head", "title"):
                self.skip = max(0, self.skip - 1)
            elif tag in _HTML_BLOCKS:
                self.out.append("\n")
            elif tag == "a" and self.links:
                href, start = self.links.pop()
                target = re.sub(r"^(?:mailto:|tel:)", "", href, flags=re.I).split("?", 1)[0]
                shown = "".join(self.out[start:])
                if target and re.match(r"^(?:https?://|mailto:|tel:)", href, re.I) and target not in shown:
                    self.out.append(f" {target} ")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data)

    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)


def signature_block(lines: list[str]) -> list[str]:
    """The signature's non-empty lines: after the last sign-off or "--", before replies and disclaimers."""
    lines = lines[:]
    for i, line in enumerate(lines):  # a quoted reply or forward: the signature is above it
        if _REPLY_HEADER.match(fold(line)):
            lines = lines[:i]
            break
    markers = [i for i, line in enumerate(lines) if _SIGNOFF.match(fold(line)) or _DELIMITER.match(line)]
    for marker in reversed(markers):
        block = _trim(lines[marker + 1:])
        if block:
            return block[:MAX_LINES]
    block = _trim(lines)
    while block and _GREETING.match(fold(block[0])):
        block = block[1:]
    return block[:MAX_LINES]


def _trim(lines: list[str]) -> list[str]:
    kept = []
    for line in lines:
        folded = fold(line)
        if _DISCLAIMER.match(folded):
            break
        if not line or _SIGNOFF.match(folded) or _DELIMITER.match(line) or _IMAGE.match(folded):
            continue
        kept.append(line)
    return kept


# ------------------------------------------------------------------ contact data in a segment
def _take_data(line: int, text: str, region: str, found: _Found) -> _Segment:
    original = text
    for match in _EMAIL.finditer(text):
        email = valid_email(match.group(1))
        if email and email.casefold() not in {e.casefold() for e in found.emails}:
            found.emails.append(email)
    text = _EMAIL.sub(" ", text)
    for match in _URL.finditer(text):
        url = match.group(0)
        if _is_url(url):
            found.urls.append(url)
            text = text.replace(url, " ")
    text = _take_phones(text, region, found)
    text = _OTHER_LABEL.sub(" ", text) if text != original else text
    text = " ".join(text.split()).strip(" ,;:/-–—")
    if text != original.strip() and not re.search(r"[^\W\d_]{2,}", text):
        text = ""  # only label residue left ("Tél :", "E:"), or stray punctuation
    return _Segment(line, text, text != original.strip())


def _is_url(url: str) -> bool:
    if url.lower().startswith(("http://", "https://", "www.")):
        return True
    host = url.rstrip(".,;:)").split("/", 1)[0]
    tld = host.rsplit(".", 1)[-1]
    return (host == host.lower() or host[1:] == host[1:].lower()) and (
        len(tld) == 2 and tld.isalpha() or tld.lower() in _BARE_TLDS) and len(host.split(".")[0]) >= 2


def _take_phones(text: str, region: str, found: _Found) -> str:
    import phonenumbers
    from phonenumbers import Leniency, PhoneNumberMatcher

    labels = list(_PHONE_LABEL.finditer(text))
    if not labels and not re.search(r"\d{2}", text):
        return text
    matches = list(PhoneNumberMatcher(text, region, leniency=Leniency.VALID))
    if labels and not matches:
        # A labelled number that libphonenumber deems unassigned (test ranges, new blocks): possible will do.
        matches = [m for m in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE)
                   if any(lb.end() <= m.start for lb in labels)]
    pieces, cursor = [], 0
    for match in matches:
        label = next((lb for lb in reversed(labels)
                      if cursor <= lb.start() and lb.end() <= match.start + 1), None)
        if label is not None and label.group("fax") and not label.group("phone"):
            pass  # a fax number is not a way to reach a person
        else:
            key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if key not in found.phone_keys:
                found.phone_keys.add(key)
                found.phones.append(match.raw_string.strip())
        pieces.append(text[cursor:label.start() if label is not None else match.start])
        cursor = match.end
    pieces.append(text[cursor:])
    text = " ".join(pieces)
    return _PHONE_LABEL.sub(" ", text) if matches else text


# ------------------------------------------------------------------ address
def _address(segments: list[_Segment]) -> tuple[str | None, set[int]]:
    """Street line (+ extra line) + postcode/city line (+ country), or one line holding both."""
    for i, segment in enumerate(segments):
        text = _ADDRESS_LABEL.sub("", segment.text)
        labelled = text != segment.text
        if not text:
            continue
        if _STREET.match(text):
            parts, used = [text], {i}
            has_city = bool(_POSTCODE_CITY.search(text))
            j = i + 1
            while not has_city and j < len(segments) and j <= i + 2:
                nxt = segments[j].text
                if _EXTENDED.match(nxt):
                    parts.append(nxt)
                    used.add(j)
                elif _POSTCODE_CITY.search(nxt) and len(nxt.split()) <= 8:
                    parts.append(nxt)
                    used.add(j)
                    has_city = True
                else:
                    break
                j += 1
            if has_city or labelled:
                j = max(used) + 1
                if j < len(segments) and fold(segments[j].text).strip(" .") in _COUNTRIES:
                    parts.append(segments[j].text)
                    used.add(j)
                return ", ".join(p.strip(" ,") for p in parts), used
        elif _POSTCODE_CITY.match(text) and len(text.split()) <= 8 and not segment.had_data:
            # "75008 Paris" alone (a city line without street is still where the person works)
            used = {i}
            parts = [text]
            if i + 1 < len(segments) and fold(segments[i + 1].text).strip(" .") in _COUNTRIES:
                parts.append(segments[i + 1].text)
                used.add(i + 1)
            return ", ".join(parts), used
    return None, set()


# ------------------------------------------------------------------ name, position, company
def _people_fields(segments: list[_Segment]) -> tuple[str | None, str | None, str | None]:
    name = position = company = None
    position_line: int | None = None
    title_with_unit: tuple[str, str, str] | None = None  # "Product Manager, Payments": unit or company?
    under_title: list[str] = []
    for segment in segments:
        text = segment.text
        if len(text) > MAX_SEGMENT or _MARKUP.search(text):
            continue
        folded = fold(text)
        split = _title_and_company(text) if position is None else None
        if split:
            position, company_part = split
            position_line = segment.line
            if company is None and (_is_company(company_part) or not _has_comma_only(text)):
                company = company_part
            elif company is None:
                title_with_unit = (text, position, company_part)
            continue
        if _is_title(folded) and not _LEGAL_FORM_RE.search(text):
            if position is None:
                position, position_line = text, segment.line
            continue
        if _is_company(text) and not _looks_like_name(text):
            if company is None and len(text.split()) <= MAX_FIELD_WORDS:
                company = text
            continue
        person = _person_name(text)
        if person and name is None and position is None and not segment.had_data:
            name = person
            continue
        if (position_line is not None and not segment.had_data
                and segment.line in (position_line, position_line + 1) and _looks_like_organisation(text)):
            under_title.append(text)  # the unlabelled line right under a job title ("CEO" / "Contoso")
    if company is None and len(under_title) == 1:
        company = under_title[0]  # two candidates ("Directeur - Ouest" / "Batiplus"): neither is sure
    if title_with_unit is not None:
        whole, title, unit = title_with_unit
        if company is None:
            position, company = title, unit  # "CEO, Contoso" and no other company line
        else:
            position = whole  # a company line elsewhere: what followed the comma was a team
    return name, position, company


def _has_comma_only(text: str) -> bool:
    """Title and organisation separated by a comma only (no "at"/"chez"): the weakest of the splits."""
    return not re.search(r"\s(?:at|chez|@|for|of)\s", text, re.I)


def _title_and_company(text: str) -> tuple[str, str] | None:
    """ "CEO at Acme", "Responsable achats chez Dupont", "VP @ Acme", "Head of Sales, Acme Inc." """
    match = re.match(r"^(.+?)\s+(?:at|chez|@|for|of)\s+(.+)$", text, re.I)
    if match:
        title, org = match.group(1).strip(" ,"), match.group(2).strip(" ,")
        connector = text[len(match.group(1)):len(text) - len(match.group(2))].strip().lower()
        if connector == "of" and not _is_company(org):
            match = None  # "Head of Sales": a department, not a company
        elif _is_title(fold(title)) and org and not _is_title(fold(org)) and _looks_like_organisation(org):
            return title, org
    if "," in text:
        title, _, org = text.partition(",")
        title, org = title.strip(), org.strip()
        if (_is_title(fold(title)) and org and not _is_title(fold(org)) and not _is_department(fold(org))
                and _looks_like_organisation(org)):
            return title, org
    return None


def _is_title(folded: str) -> bool:
    return bool(_TITLE_RE.search(folded)) and len(folded.split()) <= MAX_FIELD_WORDS


def _is_department(folded: str) -> bool:
    return bool(_DEPARTMENT_RE.search(folded))


def _is_company(text: str) -> bool:
    return bool(_LEGAL_FORM_RE.search(text) or _SECTOR_RE.search(fold(text)))


def _looks_like_organisation(text: str) -> bool:
    return 1 <= len(text.split()) <= 6 and (text[:1].isupper() or text[:1].isdigit())


def _looks_like_name(text: str) -> bool:
    """A name whose last word happens to be a sector word ("Jean Martin" is fine; "Acme Group" is not)."""
    return _person_name(text) is not None and not _is_company(text.split()[-1])


def _person_name(text: str) -> str | None:
    text = _PRONOUNS.sub(" ", text).strip()
    text = _CREDENTIALS.sub("", text).strip(" ,")
    words = text.split()
    while words and fold(words[0]) in _HONORIFICS:
        words = words[1:]
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return None
    if any(ch.isdigit() or ch in "@/:;|&+=#%()[]{}<>" for ch in text):
        return None
    capitalised = 0
    for word in words:
        core = word.strip(",")
        if fold(core) in _NAME_PARTICLES or re.match(r"^(?:d'|d’|l'|l’)", core, re.I) and len(core) > 2:
            continue
        if not re.match(r"^[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?$", core):
            return None
        if not core[0].isupper():
            return None
        capitalised += 1
    if capitalised < 2:
        return None
    folded = fold(" ".join(words))
    if _is_title(folded) or _SIGNOFF.match(folded) or folded.strip(" .") in _COUNTRIES:
        return None
    return " ".join(words)

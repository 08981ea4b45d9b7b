"""A deterministic, template-based composer: no model, no network, same answer every time.

The default in local mode and tests. It writes a sensible email from the instruction's kind (follow-up,
thanks, meeting request, proposal, introduction) and the contact's data, in French when the instruction is
French and in English otherwise, and applies simple refinements (shorter, longer, more formal, friendlier,
one paragraph shorter or longer, a new subject, French <-> English). Whatever it cannot apply it says
plainly, in the instruction's language, instead of pretending.

Paragraphs are counted the way a reader counts them: the greeting line and the sign-off are not paragraphs,
so "paragraph 2" of "Hello Marie, / P1 / P2 / P3 / Best regards, Jo" is P2.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..domain.text import fold, words
from ..domain.email import MAX_BODY, MAX_SUBJECT, EmailDraft, Turn
from .base import Brief, Composition

FR, EN = "fr", "en"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ----------------------------------------------------------------------------- language
_FR_WORDS = _wordset(
    "le la les un une des de du au aux et ou est sont pour avec sans sur dans par ce cette ces notre "
    "nos votre vos je tu il elle nous vous ils elles lui leur apres avant plus moins tres bien merci "
    "bonjour redige ecris ecrire envoie relance rencontre salon paragraphe court courte raccourcis "
    "rends fais ajoute mets formel chaleureux amical anglais francais traduis objet suite cordialement "
    "long longue allonge developpe concis")
_EN_WORDS = _wordset(
    "the a an and or is are for with without on in by this that these our your i you he she we they him "
    "her them after before more less very thanks thank hello hi write draft send follow meeting fair "
    "paragraph short shorter shorten make add put formal friendly friendlier warmer english french "
    "translate subject regards please it longer lengthen expand concise brief casual warm")


def detect_language(text: str, default: str = EN) -> str:
    """French or English by common words (and accents); ``default`` when the text gives no clue."""
    tokens = _tokens(text)
    fr = sum(t in _FR_WORDS for t in tokens) + sum(c in "éèêàçùôîœ" for c in text.lower())
    en = sum(t in _EN_WORDS for t in tokens)
    if fr == en:
        return default
    return FR if fr > en else EN


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text or ""))


# ----------------------------------------------------------------------------- instruction reading
def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


INTENTS: list[tuple[str, re.Pattern]] = [
    ("thanks", _rx(r"\b(merci\w*|remerci\w*|thank\w*|gratitude)\b")),
    ("follow_up", _rx(r"\b(relanc\w*|suivi|follow[\s-]?up\w*|following up|check(?:ing)? in|reprendre contact|"
                      r"revenir vers)\b")),
    ("meeting", _rx(r"\b(rendez[\s-]?vous|rdv|reunion|meeting request|rencontrer|appel|call|demo\w*|visio\w*|"
                    r"schedul\w*|planifi\w*|caler|meet)\b")),
    ("proposal", _rx(r"\b(proposition|propos\w*|devis|offre|quot\w*|offer\w*|pricing|tarif\w*)\b")),
    ("introduction", _rx(r"\b(present\w*|introduc\w*|premier contact|first contact|prise de contact|"
                         r"reach(?:ing)? out)\b")),
]
SHORTER = _rx(r"\b(shorter|shorten\w*|trim\w*|condense\w*|concise\w*|brief\w*|less long|tighten\w*|"
              r"raccourci\w*|plus court\w*|court\w*|plus concis\w*|concis\w*|abrege\w*|moins long\w*|resserre\w*|"
              r"short)\b")
LONGER = _rx(r"\b(longer|lengthen\w*|expand\w*|elaborat\w*|more detail\w*|develop\w*|flesh\w*|allonge\w*|"
             r"plus long\w*|plus detaille\w*|detaille\w*|developpe\w*|etoffe\w*|long)\b")
LESS_FORMAL = _rx(r"\b(less formal|moins formel\w*|moins soutenu\w*)\b")
FORMAL = _rx(r"\b(more formal|formal\w*|professional\w*|soutenu\w*|formel\w*|protocolaire|vouvoie\w*|"
             r"plus professionnel\w*|professionnel\w*)\b")
FRIENDLY = _rx(r"\b(friendl\w*|warm\w*|casual\w*|relaxed|chaleureu\w*|amical\w*|sympa\w*|decontract\w*|"
               r"detendu\w*|cordial\w*)\b")
TO_ENGLISH = _rx(r"\b(english|anglais)\b")
TO_FRENCH = _rx(r"\b(french|francais)\b")
SUBJECT = re.compile(r"^\s*(?:(?:change|set|use|replace|make|put|mets?|change|remplace|utilise)\w*\s+)?"
                     r"(?:the\s+|l['’]\s*)?(?:subject(?:\s+line)?|objet)\s*(?:to\s*:?|en|par|:|=|->|→)\s*(.+?)\s*$",
                     re.IGNORECASE)
_ORDINALS = {"first": 1, "premier": 1, "premiere": 1, "one": 1, "un": 1,
             "second": 2, "seconde": 2, "deuxieme": 2, "two": 2, "deux": 2,
             "third": 3, "troisieme": 3, "three": 3, "trois": 3,
             "fourth": 4, "quatrieme": 4, "four": 4, "quatre": 4,
             "fifth": 5, "cinquieme": 5, "five": 5, "cinq": 5,
             "last": -1, "dernier": -1, "derniere": -1}
_PARA = r"(?:paragraph|paragraphe|para|§)"
_ORD = "|".join(_ORDINALS)
PARAGRAPH_REFS = [
    _rx(_PARA + r"\s*(?:n[o°]?\.?\s*|#\s*)?(\d{1,2})\b"),
    _rx(r"\b(\d{1,2})(?:st|nd|rd|th|e|eme|er|ere)?\s+" + _PARA),
    _rx(r"\b(" + _ORD + r")\s+" + _PARA),
    _rx(_PARA + r"\s+(" + _ORD + r")\b"),
]
_CLAUSES = re.compile(r"[.;!?\n]+|,|\s(?:et|and|puis|then|but|mais|also|aussi)\s", re.IGNORECASE)
_STOP = _FR_WORDS | _EN_WORDS | _wordset(
    "email mail message e courriel please stp svp sil plait can could would you to it its de l d lettre "
    "compose prepare ecrivez redigez faire make give some bit little peu un tout vers my mon ma mes")
_PRONOUNS = _rx(r"\b(him|her|them|his|their|lui|elle|leur|sa|son|ses|le|la)\b")


@dataclass(frozen=True)
class Op:
    kind: str  # shorter | longer | formal | friendly | language | subject | unknown
    paragraph: int | None = None  # 1-based, -1 = last; None = the whole email
    value: str | None = None  # language code, new subject, or the clause not understood


def read_instruction(instruction: str) -> list[Op]:
    """The instruction as a list of operations, one per clause; clauses not understood are kept as `unknown`."""
    subject = SUBJECT.match(instruction.strip())
    if subject:
        return [Op("subject", value=subject.group(1).strip(" \"'«»“”"))]
    ops = []
    for clause in (c.strip() for c in _CLAUSES.split(instruction)):
        if clause:
            ops.extend(_read_clause(clause))
    return ops


def _read_clause(clause: str) -> list[Op]:
    text = fold(clause)
    found: list[Op] = []
    if TO_ENGLISH.search(text):
        found.append(Op("language", value=EN))
    elif TO_FRENCH.search(text):
        found.append(Op("language", value=FR))
    paragraph = _paragraph_ref(text)
    if LESS_FORMAL.search(text):
        found.append(Op("friendly"))
    elif FORMAL.search(text):
        found.append(Op("formal"))
    elif FRIENDLY.search(text):
        found.append(Op("friendly"))
    if SHORTER.search(text):
        found.append(Op("shorter", paragraph))
    elif LONGER.search(text):
        found.append(Op("longer", paragraph))
    return found or [Op("unknown", value=clause)]


def _paragraph_ref(text: str) -> int | None:
    for pattern in PARAGRAPH_REFS:
        match = pattern.search(text)
        if match:
            value = match.group(1)
            return int(value) if value.isdigit() else _ORDINALS[value]
    return None


def _intent(instruction: str) -> str:
    text = fold(instruction)
    return next((name for name, pattern in INTENTS if pattern.search(text)), "introduction")


_OCCASION = re.compile(r"\b(?:après|apres|suite à|suite a|following|after)\s+([^.,;!?\n]{3,80})", re.IGNORECASE)
_THANKS_FOR = re.compile(r"\b(?:merci|remercie\w*|thank\w*)(?:[\s-]+\w+)?\s+(?:pour|for)\s+([^.,;!?\n]{3,80})",
                         re.IGNORECASE)


def _phrase(pattern: re.Pattern, instruction: str, whole: bool) -> str | None:
    """A phrase of the instruction to reuse verbatim, unless it speaks of the contact in the third person."""
    match = pattern.search(instruction)
    if not match or _PRONOUNS.search(fold(match.group(1))):
        return None
    return (match.group(0) if whole else match.group(1)).strip()


# ----------------------------------------------------------------------------- email text model
@dataclass
class Parts:
    greeting: str | None
    paragraphs: list[str]
    closing: str | None  # sign-off line and signature

    def text(self) -> str:
        blocks = ([self.greeting] if self.greeting else []) + self.paragraphs + ([self.closing] if self.closing else [])
        return "\n\n".join(blocks)


_CLOSING_WORDS = _rx(r"^(best|kind|warm|warmest)?\s*(regards|wishes)|^(best|cheers|thanks|thank you|sincerely|"
                     r"yours|bien a vous|cordialement|bien cordialement|a tres bientot|a bientot|belle journee|"
                     r"je vous prie|salutations|amities|merci)")


def split_parts(body: str) -> Parts:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()) if b.strip()]
    greeting = closing = None
    if blocks and "\n" not in blocks[0] and len(blocks[0]) <= 80 and blocks[0].rstrip().endswith((",", ":", "!")):
        greeting = blocks.pop(0)
    if blocks:
        first_line = blocks[-1].split("\n", 1)[0]
        if _CLOSING_WORDS.search(fold(first_line)) and len(first_line) <= 120 and len(blocks) > 1 or (
                len(blocks) > 1 and blocks[-1].count("\n") <= 3 and len(first_line) <= 40
                and first_line.endswith(",")):
            closing = blocks.pop()
    return Parts(greeting, blocks, closing)


_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_CLAUSE_CUT = re.compile(r",\s+|\s+;\s+|\s+[–—-]\s+|\s+(?:and|et|afin de|so that|pour que|which|qui)\s+")


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph.strip()) if s]


def _shorten_paragraph(paragraph: str) -> str:
    sentences = _sentences(paragraph)
    if len(sentences) > 1:
        return sentences[0]
    sentence = sentences[0] if sentences else paragraph
    match = _CLAUSE_CUT.search(sentence)
    if match and len(sentence[:match.start()].split()) >= 4:
        end = "?" if sentence.rstrip().endswith("?") else "."
        return sentence[:match.start()].rstrip(" ,;") + end
    return paragraph


# ----------------------------------------------------------------------------- wording
@dataclass(frozen=True)
class Wording:
    """Every sentence the composer can write, in one language."""

    greeting: dict[str, str]
    closing: dict[str, str]
    subjects: dict[str, str]
    texts: dict[str, str]
    elaborations: tuple[str, ...]
    paragraph_elaboration: str
    warm_opening: str
    notes: dict[str, str] = field(default_factory=dict)


FRENCH = Wording(
    greeting={"neutral": "Bonjour {first},", "formal": "Bonjour {full},", "friendly": "Bonjour {first} !"},
    closing={"neutral": "Bien cordialement,", "friendly": "À très bientôt,",
             "formal": "Je vous prie d'agréer, {full}, l'expression de mes salutations distinguées."},
    subjects={"follow_up": "Suite à notre rencontre", "follow_up_plain": "Suite à notre échange",
              "thanks": "Merci pour notre échange", "meeting": "Proposition de rendez-vous",
              "proposal": "Notre proposition", "proposal_company": "Notre proposition pour {company}",
              "introduction": "Prise de contact"},
    texts={
        "follow_up_occasion": "Je me permets de revenir vers vous {occasion}.",
        "follow_up_context": "Je me permets de revenir vers vous suite à notre rencontre ({context}).",
        "follow_up": "Je me permets de revenir vers vous suite à notre dernier échange.",
        "thanks_for": "Je tenais à vous remercier pour {thing}.",
        "thanks_context": "Je tenais à vous remercier pour notre échange ({context}).",
        "thanks": "Je tenais à vous remercier pour le temps que vous m'avez accordé.",
        "meeting": "Je me permets de vous écrire pour vous proposer un rendez-vous.",
        "meeting_context": "Suite à notre rencontre ({context}), je me permets de vous proposer un rendez-vous.",
        "proposal": "Comme évoqué, je reviens vers vous avec une proposition adaptée à vos besoins.",
        "proposal_company": "Comme évoqué, je reviens vers vous avec une proposition adaptée aux besoins {of_company}.",
        "introduction": "Je me permets de vous contacter afin de nous présenter.",
        "introduction_context": "Je me permets de vous contacter suite à notre rencontre ({context}).",
        "interest_role": "J'ai beaucoup apprécié d'échanger avec vous sur votre rôle de {position} chez {company}, "
                         "et je serais ravi de poursuivre la discussion.",
        "interest_company": "J'ai beaucoup apprécié d'échanger avec vous sur les activités {of_company}, et je "
                            "serais ravi de poursuivre la discussion.",
        "interest": "J'ai beaucoup apprécié notre échange et je serais ravi de poursuivre la discussion.",
        "meeting_interest": "Ce serait l'occasion d'échanger sur vos projets et de voir comment nous pourrions "
                            "travailler ensemble.",
        "meeting_interest_company": "Ce serait l'occasion d'échanger sur les projets {of_company} et de voir "
                                    "comment nous pourrions travailler ensemble.",
        "proposal_detail": "Je vous en présenterai volontiers les détails et l'adapterai à vos contraintes.",
        "tasks": "Comme convenu, voici les prochaines étapes : {tasks}.",
        "cta": "Seriez-vous disponible pour un court échange dans les prochains jours ? Je m'adapte volontiers "
               "à votre agenda.",
        "cta_meeting": "Quelles seraient vos disponibilités dans les deux prochaines semaines ? Un créneau de "
                       "30 minutes suffirait.",
        "cta_proposal": "Quand pourrions-nous en parler de vive voix ?",
        "cta_thanks": "Je reste à votre disposition pour la suite et serai ravi de rester en contact.",
    },
    elaborations=(
        ("Je serais ravi d'en apprendre davantage sur vos priorités pour les mois à venir et de voir comment nous "
        "pourrions vous y aider."),
        "Si cela vous est utile, je peux vous envoyer au préalable quelques éléments pour préparer notre échange.",
    ),
    paragraph_elaboration="Je peux vous donner plus de détails sur ce point si vous le souhaitez.",
    warm_opening="J'espère que vous allez bien !",
    notes={
        "unused": "Le rédacteur hors ligne écrit à partir de modèles : il n'a pas utilisé ces mots de votre "
                  "consigne : {words}. Modifiez le brouillon pour les ajouter.",
        "unknown": "Consigne non appliquée (le rédacteur hors ligne ne sait pas la traiter) : « {clause} ». "
                   "Modifiez le brouillon vous-même.",
        "no_paragraph": "Il n'y a pas de paragraphe {n} : l'email en compte {count}.",
        "cannot_shorten": "Impossible de raccourcir davantage {what}.",
        "cannot_lengthen": "Le rédacteur hors ligne ne peut pas allonger davantage {what}.",
        "the_email": "l'email", "the_paragraph": "le paragraphe {n}",
        "rewritten": "L'email a été réécrit en {language} à partir des données du contact ; les passages que "
                     "vous aviez modifiés vous-même n'ont pas été traduits.",
        "already": "L'email est déjà en {language}.",
        FR: "français", EN: "anglais",
    },
)

ENGLISH = Wording(
    greeting={"neutral": "Hello {first},", "formal": "Dear {full},", "friendly": "Hi {first},"},
    closing={"neutral": "Best regards,", "formal": "Yours sincerely,", "friendly": "Warm regards,"},
    subjects={"follow_up": "Following up on our meeting", "follow_up_plain": "Following up on our conversation",
              "thanks": "Thank you for your time", "meeting": "Meeting request", "proposal": "Our proposal",
              "proposal_company": "Our proposal for {company}", "introduction": "Getting in touch"},
    texts={
        "follow_up_occasion": "I wanted to follow up {occasion}.",
        "follow_up_context": "I wanted to follow up on our meeting ({context}).",
        "follow_up": "I wanted to follow up on our last conversation.",
        "thanks_for": "I wanted to thank you for {thing}.",
        "thanks_context": "I wanted to thank you for our conversation ({context}).",
        "thanks": "I wanted to thank you for the time you gave me.",
        "meeting": "I am writing to suggest that we meet.",
        "meeting_context": "Following our meeting ({context}), I would like to suggest that we meet again.",
        "proposal": "As discussed, here is a proposal tailored to your needs.",
        "proposal_company": "As discussed, here is a proposal tailored to the needs of {company}.",
        "introduction": "I am reaching out to introduce myself.",
        "introduction_context": "I am reaching out after our meeting ({context}).",
        "interest_role": "I really enjoyed hearing about your role as {position} at {company}, and I would be glad "
                         "to continue the conversation.",
        "interest_company": "I really enjoyed hearing about {company}, and I would be glad to continue the "
                            "conversation.",
        "interest": "I really enjoyed our conversation, and I would be glad to continue it.",
        "meeting_interest": "It would be a chance to talk about your projects and see how we could work together.",
        "meeting_interest_company": "It would be a chance to talk about the projects at {company} and see how we "
                                    "could work together.",
        "proposal_detail": "I would be happy to walk you through the details and adapt it to your constraints.",
        "tasks": "As agreed, here are the next steps: {tasks}.",
        "cta": "Would you be available for a short call in the coming days? I am happy to work around your "
               "schedule.",
        "cta_meeting": "What would your availability be over the next two weeks? Thirty minutes would be enough.",
        "cta_proposal": "When could we discuss it?",
        "cta_thanks": "I remain at your disposal and look forward to staying in touch.",
    },
    elaborations=(
        "I would love to learn more about your priorities for the coming months and see how we could help.",
        "If it is useful, I can send you a few materials beforehand to prepare our conversation.",
    ),
    paragraph_elaboration="I would be happy to go into more detail on this point.",
    warm_opening="I hope you are doing well!",
    notes={
        "unused": "The offline composer writes from templates: it did not use these words of your instruction: "
                  "{words}. Edit the draft to add them.",
        "unknown": "Instruction not applied (the offline composer cannot handle it): \"{clause}\". "
                   "Please edit the draft yourself.",
        "no_paragraph": "There is no paragraph {n}: the email has {count}.",
        "cannot_shorten": "{what} cannot be made any shorter.",
        "cannot_lengthen": "The offline composer cannot make {what} any longer.",
        "the_email": "the email", "the_paragraph": "paragraph {n}",
        "rewritten": "The email was rewritten in {language} from the contact's data; wording you had changed "
                     "yourself was not translated.",
        "already": "The email is already in {language}.",
        FR: "French", EN: "English",
    },
)
WORDINGS = {FR: FRENCH, EN: ENGLISH}
_CONTRACTIONS = [(r"\bI'm\b", "I am"), (r"\bI'd\b", "I would"), (r"\bI'll\b", "I will"), (r"\bI've\b", "I have"),
                 (r"\bwe're\b", "we are"), (r"\bwe'll\b", "we will"), (r"\bdon't\b", "do not"),
                 (r"\bcan't\b", "cannot"), (r"\bit's\b", "it is"), (r"\bwon't\b", "will not"),
                 (r"\blet's\b", "let us"), (r"\bthat's\b", "that is")]


def _short(text: str | None, limit: int = 60) -> str | None:
    """A short mention of a long free text: its first line, cut at a word boundary."""
    if not text:
        return None
    line = text.strip().splitlines()[0].strip().rstrip(".")
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _names(brief: Brief) -> dict[str, str]:
    full = brief.contact_name or " ".join(p for p in (brief.first_name, brief.last_name) if p)
    return {"first": brief.first_name or full, "full": full}


# ----------------------------------------------------------------------------- the composer
class OfflineComposer:
    name = "offline"

    # ---------------------------------------------------------------- write
    def write(self, brief: Brief, instruction: str, history: Sequence[Turn] = (),
              current: EmailDraft | None = None) -> Composition:
        language = detect_language(instruction)
        ops = [op for op in read_instruction(instruction) if op.kind in ("language", "formal", "friendly",
                                                                          "shorter", "longer")]
        target = next((op.value for op in ops if op.kind == "language" and op.value), language)
        draft = self._render(brief, instruction, target)
        notes: list[str] = []
        for op in ops:
            if op.kind != "language":
                draft, note = self._apply(brief, draft, op, target, WORDINGS[language])
                notes += [note] if note else []
        unused = _unused_words(instruction, brief)
        if unused:
            notes.append(WORDINGS[language].notes["unused"].format(words=", ".join(unused)))
        return Composition(draft, tuple(notes))

    def _render(self, brief: Brief, instruction: str, language: str) -> EmailDraft:
        w = WORDINGS[language]
        intent = _intent(instruction)
        # Phrases of the instruction are reused verbatim only in the instruction's own language.
        verbatim = detect_language(instruction, default=language) == language
        context = _short(brief.meeting_context)
        company, position = brief.company, brief.position
        t = _Texts(w.texts, company)
        if intent == "follow_up":
            occasion = _phrase(_OCCASION, instruction, whole=True) if verbatim else None
            opening = (t["follow_up_occasion"].format(occasion=occasion) if occasion
                       else t["follow_up_context"].format(context=context) if context else t["follow_up"])
            subject = w.subjects["follow_up" if occasion or context else "follow_up_plain"]
            if context:
                subject += f" – {context}"
            cta = t["cta"]
        elif intent == "thanks":
            thing = _phrase(_THANKS_FOR, instruction, whole=False) if verbatim else None
            opening = (t["thanks_for"].format(thing=thing) if thing
                       else t["thanks_context"].format(context=context) if context else t["thanks"])
            subject, cta = w.subjects["thanks"], t["cta_thanks"]
        elif intent == "meeting":
            opening = t["meeting_context"].format(context=context) if context else t["meeting"]
            subject, cta = w.subjects["meeting"], t["cta_meeting"]
        elif intent == "proposal":
            opening = t["proposal_company"].format(company=company) if company else t["proposal"]
            subject = w.subjects["proposal_company"].format(company=company) if company else w.subjects["proposal"]
            cta = t["cta_proposal"]
        else:
            opening = t["introduction_context"].format(context=context) if context else t["introduction"]
            subject, cta = w.subjects["introduction"], t["cta"]
            if brief.sender_organisation:
                subject += f" – {brief.sender_organisation}"
        if intent == "meeting":
            interest = t["meeting_interest_company"].format(company=company) if company else t["meeting_interest"]
        elif intent == "proposal":
            interest = t["proposal_detail"]
        elif company and position:
            interest = t["interest_role"].format(position=position, company=company)
        elif company:
            interest = t["interest_company"].format(company=company)
        else:
            interest = t["interest"]
        paragraphs = [opening, interest]
        if brief.tasks:
            paragraphs.append(t["tasks"].format(tasks=" ; ".join(brief.tasks[:3]) if language == FR
                                                else "; ".join(brief.tasks[:3])))
        paragraphs.append(cta)
        parts = Parts(w.greeting["neutral"].format(**_names(brief)), paragraphs,
                      _closing(w.closing["neutral"].format(**_names(brief)), brief))
        return EmailDraft(subject[:MAX_SUBJECT], parts.text()[:MAX_BODY])

    # ---------------------------------------------------------------- refine
    def refine(self, brief: Brief, draft: EmailDraft, instruction: str, history: Sequence[Turn] = ()) -> Composition:
        language = detect_language(draft.body)
        speaks = WORDINGS[detect_language(instruction, default=language)]
        notes: list[str] = []
        # A language switch rewrites the email, so it goes first and the other changes apply to the result.
        ops = sorted(read_instruction(instruction), key=lambda op: op.kind != "language")
        for op in ops:
            if op.kind == "language" and op.value:
                draft, note = self._switch_language(brief, draft, op.value, language, history, speaks)
                language = op.value
            else:
                draft, note = self._apply(brief, draft, op, language, speaks)
            notes += [note] if note else []
        return Composition(draft, tuple(notes))

    def _apply(self, brief: Brief, draft: EmailDraft, op: Op, language: str, speaks: Wording
               ) -> tuple[EmailDraft, str | None]:
        if op.kind == "unknown":
            return draft, speaks.notes["unknown"].format(clause=op.value)
        if op.kind == "subject":
            subject = " ".join((op.value or "").split())[:MAX_SUBJECT]
            return (draft.with_changes(subject=subject), None) if subject else (draft, None)
        parts = split_parts(draft.body)
        w = WORDINGS[language]
        names = _names(brief)
        if op.paragraph is not None:
            count = len(parts.paragraphs)
            index = count - 1 if op.paragraph == -1 else op.paragraph - 1
            if not 0 <= index < count:
                return draft, speaks.notes["no_paragraph"].format(n=op.paragraph, count=count)
            what = speaks.notes["the_paragraph"].format(n=index + 1)
            if op.kind == "shorter":
                changed = _shorten_paragraph(parts.paragraphs[index])
                if changed == parts.paragraphs[index]:
                    return draft, _capital(speaks.notes["cannot_shorten"].format(what=what))
            elif op.kind == "longer":
                if w.paragraph_elaboration in parts.paragraphs[index]:
                    return draft, speaks.notes["cannot_lengthen"].format(what=what)
                changed = f"{parts.paragraphs[index]} {w.paragraph_elaboration}"
            else:  # a tone applies to the whole email anyway
                return self._apply(brief, draft, Op(op.kind), language, speaks)
            parts.paragraphs[index] = changed
            return draft.with_changes(body=parts.text()[:MAX_BODY]), None
        what = speaks.notes["the_email"]
        if op.kind == "shorter":
            shorter = _shorten_email(parts)
            if shorter is None:
                return draft, _capital(speaks.notes["cannot_shorten"].format(what=what))
            return draft.with_changes(body=shorter.text()), None
        if op.kind == "longer":
            extra = next((e for e in w.elaborations if e not in draft.body), None)
            if extra is None:
                return draft, speaks.notes["cannot_lengthen"].format(what=what)
            at = max(len(parts.paragraphs) - 1, 0)  # before the call to action
            parts.paragraphs.insert(at, extra)
            return draft.with_changes(body=parts.text()[:MAX_BODY]), None
        if op.kind in ("formal", "friendly"):
            tone = op.kind
            parts.greeting = w.greeting[tone].format(**names)
            parts.closing = _closing(w.closing[tone].format(**names), brief, keep=parts.closing)
            if tone == "formal" and language == EN:
                parts.paragraphs = [_expand_contractions(p) for p in parts.paragraphs]
            if tone == "formal" and parts.paragraphs and parts.paragraphs[0].startswith(w.warm_opening):
                parts.paragraphs[0] = parts.paragraphs[0][len(w.warm_opening):].strip()
            if tone == "friendly" and parts.paragraphs and w.warm_opening not in parts.paragraphs[0]:
                parts.paragraphs[0] = f"{w.warm_opening} {parts.paragraphs[0]}"
            return draft.with_changes(body=parts.text()[:MAX_BODY]), None
        return draft, None

    def _switch_language(self, brief: Brief, draft: EmailDraft, target: str, current: str, history: Sequence[Turn],
                         speaks: Wording) -> tuple[EmailDraft, str | None]:
        """Templates, not translation: write the email again in the target language, replaying the tone and
        length instructions given so far."""
        if target == current:
            return draft, speaks.notes["already"].format(language=speaks.notes[target])
        prepare = next((t.instruction for t in reversed(history) if t.kind == "prepare"), "")
        rewritten = self._render(brief, prepare, target)
        for turn in history:
            if turn.kind != "refine":
                continue
            for op in read_instruction(turn.instruction):
                if op.kind in ("formal", "friendly", "shorter", "longer") and op.paragraph is None:
                    rewritten, _ = self._apply(brief, rewritten, op, target, WORDINGS[target])
        return rewritten, speaks.notes["rewritten"].format(language=speaks.notes[target])


class _Texts(dict):
    """The wording's sentences, with ``{of_company}`` ready: French elides "de" before a vowel (d'Acme)."""

    def __init__(self, texts: dict[str, str], company: str | None):
        of = ""
        if company:
            of = f"d'{company}" if fold(company[:1]) in "aeiouyh" else f"de {company}"
        super().__init__({key: text.replace("{of_company}", of) for key, text in texts.items()})


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _closing(sign_off: str, brief: Brief, keep: str | None = None) -> str:
    """The sign-off line over the signature: the one already in the email if any, else the sender's."""
    if keep and "\n" in keep:
        return sign_off + "\n" + keep.split("\n", 1)[1]
    signature = "\n".join(p for p in (brief.sender_name, brief.sender_organisation) if p)
    return f"{sign_off}\n{signature}" if signature else sign_off


def _shorten_email(parts: Parts) -> Parts | None:
    """First sentence of each paragraph; then fewer paragraphs; then shorter clauses. None when nothing helps."""
    candidates: list[Callable[[list[str]], list[str]]] = [
        lambda ps: [(_sentences(p) or [p])[0] for p in ps],
        lambda ps: [ps[0], ps[-1]] if len(ps) >= 3 else ps,
        lambda ps: [_shorten_paragraph(p) for p in ps],
    ]
    for shorten in candidates:
        paragraphs = shorten(parts.paragraphs)
        if paragraphs != parts.paragraphs:
            return Parts(parts.greeting, paragraphs, parts.closing)
    return None


def _expand_contractions(text: str) -> str:
    for pattern, replacement in _CONTRACTIONS:
        text = re.sub(pattern, replacement, text)
    return text


def _unused_words(instruction: str, brief: Brief) -> list[str]:
    """Content words of the instruction that the templates did not use (to say so, rather than ignore them)."""
    text = fold(instruction)
    patterns = [p for _, p in INTENTS] + [SHORTER, LONGER, LESS_FORMAL, FORMAL, FRIENDLY, TO_ENGLISH, TO_FRENCH,
                                           *PARAGRAPH_REFS]
    for pattern in patterns:
        text = pattern.sub(" ", text)
    used = set(words(_phrase(_OCCASION, instruction, whole=True))) | set(words(_phrase(_THANKS_FOR, instruction,
                                                                                        whole=False)))
    for value in (brief.contact_name, brief.first_name, brief.last_name, brief.company, brief.position,
                  brief.meeting_context):
        used |= set(words(value))
    leftover = []
    for token in re.findall(r"[a-z0-9]+", text):
        if len(token) < 3 or token.isdigit() or token in _STOP or token in used or token in leftover:
            continue
        leftover.append(token)
    return leftover[:10]

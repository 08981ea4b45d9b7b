"""The prompt every language model composer sends, and the strict reading of its answer.

Bedrock and OpenAI-compatible endpoints get the same words, so switching EMAIL_COMPOSER changes the model,
not the behaviour. The answer must be one JSON object; anything else is a clear 503, never a half draft.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence

from ..domain.errors import ServiceUnavailable
from ..domain.email import MAX_BODY, MAX_SUBJECT, EmailDraft, Turn
from .base import Brief, Composition

MAX_NOTES = 5
MAX_NOTE = 300
MAX_FACT = 2_000  # each contact field given to the model, so a huge note cannot crowd out the instruction
MALFORMED_RETRY_AFTER = 2

SYSTEM = """You write and revise business emails for the user of a CRM.
Answer with exactly one JSON object and nothing else:
{"subject": "<one line>", "body": "<plain text; paragraphs separated by a blank line; no HTML, no markdown>",
 "notes": ["<each instruction you could not follow, and why>"]}
Rules:
- Write in the language of the user's instruction unless it asks for another language.
- Greet the contact, write the email, then sign with the sender's name when it is given.
- Use only facts from the contact data and the instructions. Never invent prices, dates, attachments,
  meetings or promises.
- Internal notes are background for you: do not quote them or reveal that they exist.
- Keep the user's own edits of the current draft unless the instruction asks to change them.
- "notes" is an empty list when every instruction was followed."""


def _fact(label: str, value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) > MAX_FACT:
        value = value[:MAX_FACT] + " [...]"
    return f"- {label}: {value}"


def brief_text(brief: Brief) -> str:
    lines = [line for line in (
        _fact("Name", brief.contact_name),
        _fact("First name", brief.first_name),
        _fact("Last name", brief.last_name),
        _fact("Company", brief.company),
        _fact("Position", brief.position),
        _fact("Where and how we met", brief.meeting_context),
        _fact("Internal notes (do not quote)", brief.notes),
        _fact("Email address", brief.recipient),
    ) if line]
    text = "Contact:\n" + "\n".join(lines)
    if brief.tasks:
        text += "\nOpen tasks with this contact:\n" + "\n".join(f"- {t}" for t in brief.tasks)
    sender = ", ".join(p for p in (brief.sender_name, brief.sender_organisation) if p)
    if sender:
        text += f"\nSender: {sender}"
    return text


def _draft_text(draft: EmailDraft) -> str:
    return f"Subject: {draft.subject}\n\n{draft.body}"


def _history_text(history: Sequence[Turn]) -> str:
    if not history:
        return ""
    return "Earlier instructions in this session, oldest first:\n" + "\n".join(
        f"- ({t.kind}) {t.instruction}" for t in history) + "\n\n"


def write_prompt(brief: Brief, instruction: str, history: Sequence[Turn], current: EmailDraft | None) -> str:
    text = brief_text(brief) + "\n\n" + _history_text(history)
    if current is not None:
        text += "The draft the user currently has (they may have edited it):\n" + _draft_text(current) + "\n\n"
    return text + f"Write a new email following this instruction:\n{instruction}"


def refine_prompt(brief: Brief, draft: EmailDraft, instruction: str, history: Sequence[Turn]) -> str:
    return (brief_text(brief) + "\n\n" + _history_text(history)
            + "The current draft:\n" + _draft_text(draft) + "\n\n"
            + f"Apply this instruction and answer with the complete revised email:\n{instruction}")


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)


def malformed(detail: str) -> ServiceUnavailable:
    return ServiceUnavailable(f"The writing model returned an unusable answer ({detail}); "
                              "try again or rephrase the instruction", retry_after=MALFORMED_RETRY_AFTER)


def parse_answer(text: str) -> Composition:
    """The model's JSON answer as a checked composition; ServiceUnavailable when it is not one."""
    text = _FENCE.sub("", (text or "").strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise malformed("no JSON object")
    try:
        data = json.loads(text[start:end + 1])
    except ValueError:
        raise malformed("invalid JSON") from None
    if not isinstance(data, dict):
        raise malformed("not a JSON object")
    subject, body, notes = data.get("subject"), data.get("body"), data.get("notes", [])
    if not isinstance(subject, str) or not isinstance(body, str):
        raise malformed("subject and body must be strings")
    subject = " ".join(subject.split())  # one line: a model must not be able to inject a header
    body = body.replace("\r\n", "\n").strip()
    if not subject or not body:
        raise malformed("empty subject or body")
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise malformed("subject or body too long")
    if not isinstance(notes, list):
        notes = [notes]
    cleaned = tuple(" ".join(str(n).split())[:MAX_NOTE] for n in notes if str(n).strip())[:MAX_NOTES]
    return Composition(EmailDraft(subject, body), cleaned)

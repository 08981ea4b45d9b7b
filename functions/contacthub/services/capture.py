"""Contact capture use case: prepare a contact from pasted text, then confirm it with a one-time token.

prepare(ws, text, overrides) extracts fields (vCard or signature), applies the caller's overrides, looks
for likely duplicates (the detector of services/duplicates.py: same email, same phone in E.164, similar name in
the same company or email domain) and stores the result as a draft under the hash of
a fresh random token; nothing is created yet. confirm(ws, token, overrides) creates the contact from the
draft plus last-minute overrides; the draft is marked used in the contact's own transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from collections.abc import Callable
from typing import Any

from ..capture.model import CaptureDraft
from ..domain import messages
from ..domain.contact import MAX_EMAILS, MAX_PHONES, Contact, Phone, capture_text, validate_changes
from ..domain.errors import Conflict, Gone, NotFound, ValidationFailed, Violation
from ..domain.secrets import hash_secret, new_secret
from ..domain.duplicates import Reason
from ..ports import CaptureDraftRepository, ConsumeCaptureDraft
from .contacts import ContactService
from .duplicates import DuplicateService

TOKEN_TTL = timedelta(hours=1)
MAX_DUPLICATES = 10
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


@dataclass(frozen=True)
class Duplicate:
    contact: Contact
    matched_on: tuple[str, ...]  # canonical fields behind the reasons: "emails", "phones", "name", "company"
    reasons: tuple[Reason, ...] = ()
    score: float = 0.0


@dataclass(frozen=True)
class Prepared:
    token: str  # shown once; only its hash is stored
    fields: dict[str, Any]  # canonical and validated (phones as Phone): what confirm will create
    duplicates: tuple[Duplicate, ...]
    source: str  # "vcard" or "signature"
    cards_found: int  # vCards in the text; only the first one was extracted
    expires_at: datetime


class CaptureService:
    def __init__(self, contacts: ContactService, drafts: CaptureDraftRepository,
                 clock: Callable[[], datetime] | None = None, ttl: timedelta = TOKEN_TTL, *,
                 duplicates: DuplicateService):
        self._contacts = contacts
        self._drafts = drafts
        self._duplicate_check = duplicates
        self.clock = clock or contacts.clock
        self.ttl = ttl

    def prepare(self, workspace_id: str, text: str, overrides: dict[str, Any] | None = None) -> Prepared:
        from ..capture.extract import UnreadableVCard, extract  # heavy imports only when capturing

        capture_text(text, "text")
        checked = _check_overrides(overrides or {})
        try:
            extraction = extract(text)
        except UnreadableVCard as error:
            raise ValidationFailed.one("text", messages.unreadable_vcard(str(error)), "invalid_vcard") from None
        fields = _merge(_valid_only(extraction.contact.as_fields()), checked)
        now = self.clock()
        token = new_secret()
        draft = CaptureDraft(workspace_id, hash_secret(token), _storable(fields), created_at=now,
                             expires_at=now + self.ttl)
        self._drafts.add(draft)
        return Prepared(token, fields, self._duplicates(workspace_id, fields), extraction.source,
                        extraction.cards_found, draft.expires_at)

    def confirm(self, workspace_id: str, token: str, overrides: dict[str, Any] | None = None) -> Contact:
        """Create the prepared contact. Unknown token: NotFound; used or expired: Gone; both create nothing.

        Invalid overrides (and a draft still lacking a name) are refused before the token is touched, so
        the client can correct them and confirm again with the same token.
        """
        draft = self._usable_draft(workspace_id, token)
        fields = _merge(draft.fields, _check_overrides(overrides or {}))
        # The draft is marked used in the very transaction that creates the contact.
        consume = ConsumeCaptureDraft(workspace_id, draft.token_hash, self.clock())
        try:
            return self._contacts.create(workspace_id, _storable(fields), also=(consume,))
        except ValidationFailed as error:
            raise _under_overrides(error) from None
        except Conflict:
            self._usable_draft(workspace_id, token)  # lost a race to another confirmation: Gone
            raise

    # ---------------------------------------------------------------- helpers
    def _usable_draft(self, workspace_id: str, token: str) -> CaptureDraft:
        draft = None
        if isinstance(token, str) and _TOKEN_SHAPE.match(token):
            draft = self._drafts.get(workspace_id, hash_secret(token))
        if draft is None:
            raise NotFound("Confirmation token")
        if draft.used_at is not None:
            raise Gone(f"This confirmation token was already used to create contact {draft.contact_id}")
        if draft.expired(self.clock()):
            raise Gone("This confirmation token has expired; prepare the contact again")
        return draft

    def _duplicates(self, workspace_id: str, fields: dict[str, Any]) -> tuple[Duplicate, ...]:
        """The workspace's likely duplicates of the draft, by the detector every duplicate check uses
        (services/duplicates.py), surest first."""
        probe = Contact(workspace_id=workspace_id, id="", number=0, name=fields.get("name") or "",
                        first_name=fields.get("first_name"), last_name=fields.get("last_name"),
                        emails=tuple(fields.get("emails") or ()), phones=tuple(fields.get("phones") or ()),
                        company=fields.get("company"))
        found = self._duplicate_check.likely_duplicates(workspace_id, probe)
        return tuple(Duplicate(m.contact, matched_fields(m.reasons), m.reasons, m.score)
                     for m in found[:MAX_DUPLICATES])


def matched_fields(reasons: tuple[Reason, ...]) -> tuple[str, ...]:
    """The canonical fields behind the reasons, in a fixed order: ``emails`` (an address in common, or a domain
    in common for similar names), ``phones``, ``name`` (similar), ``company`` (the same)."""
    fields = {f for r in reasons for f in _REASON_FIELDS[r]}
    return tuple(f for f in ("emails", "phones", "name", "company") if f in fields)


_REASON_FIELDS = {Reason.EMAIL: ("emails",), Reason.PHONE: ("phones",), Reason.NAME_COMPANY: ("name", "company"),
                  Reason.NAME_EMAIL_DOMAIN: ("name", "emails")}


def _check_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Overrides pass the same validation as a create; violations point into `overrides`."""
    if not isinstance(overrides, dict):
        raise ValidationFailed.one("overrides", messages.JSON_OBJECT, "type")
    try:
        values = validate_changes(overrides)
    except ValidationFailed as error:
        raise _under_overrides(error) from None
    if "name" in values and not values["name"]:
        raise ValidationFailed.one("overrides.name", messages.BLANK, "blank")
    return values


def _under_overrides(error: ValidationFailed) -> ValidationFailed:
    return ValidationFailed([Violation(f"overrides.{v.path}" if v.path else "overrides", v.message, v.code)
                             for v in error.violations])


def _valid_only(extracted: dict[str, Any]) -> dict[str, Any]:
    """Extracted values that a create would accept; anything else is dropped, never half-kept."""
    kept: dict[str, Any] = {}
    for name, value in extracted.items():
        if isinstance(value, list):
            limit = MAX_EMAILS if name == "emails" else MAX_PHONES
            items = []
            for item in value:
                try:
                    items.extend(validate_changes({name: [item]})[name])
                except ValidationFailed:
                    continue
            if items:
                kept[name] = tuple(items[:limit])
        else:
            try:
                kept.update(validate_changes({name: value}))
            except ValidationFailed:
                continue
    return kept


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Overrides win field by field (a list replaces the list; null clears the field)."""
    merged = dict(base)
    if "name" in overrides:  # structured first/last names came with the extracted name, not with this one
        merged.pop("first_name", None)
        merged.pop("last_name", None)
    merged.update(overrides)
    return {k: v for k, v in merged.items() if v not in (None, "", (), [], {})}


def _storable(fields: dict[str, Any]) -> dict[str, Any]:
    """Plain JSON create fields: lists for tuples, a phone as typed (the create derives E.164 again)."""
    def plain(value: Any) -> Any:
        if isinstance(value, Phone):
            return value.raw
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if hasattr(value, "value") and not isinstance(value, (str, dict)):
            return value.value  # enums (stage)
        if hasattr(value, "__dataclass_fields__"):
            return {k: getattr(value, k) for k in value.__dataclass_fields__}  # location
        return value
    return {k: plain(v) for k, v in fields.items()}

"""Email use cases: prepare and refine a draft for a contact with a composer, then send it exactly once.

Shared by the letsligo routes and GraphQL. A session keeps the instructions and drafts of one email to one
contact; it expires unless used, and closes once sent. Sending goes through a guard that runs it at most once
per (workspace, contact, session) or (workspace, contact, content): retries and concurrent duplicates get the
first result and send nothing.
"""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ..composers.base import Brief
from ..domain import messages
from ..domain.contact import Contact, Status
from ..domain.email import (
    INSTRUCTION,
    DraftResult,
    DraftVersion,
    EmailDraft,
    EmailSession,
    Sender,
    SentEmail,
    Turn,
    deliverable_address,
    validate_draft,
)
from ..domain.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from ..mail.base import OutgoingEmail
from ..ports import Composer, EmailRepository, Mailer, SendOnce
from . import paging
from .contacts import ContactService, is_uuid, utcnow
from .retry import retry_on_conflict

logger = logging.getLogger(__name__)

SESSION_TTL = timedelta(hours=24)  # from the last use; the send guard remembers sends at least as long
MAX_TURNS_KEPT = 20
MAX_VERSIONS_KEPT = 10
MAX_TASKS_IN_BRIEF = 5
MAX_SENDER_NAME = 100
CONTACTED_FROM = (Status.PENDING, Status.ENRICHED)


OpenTasks = Callable[[str, str], Sequence[str]]  # (workspace, contact) -> short lines about its open tasks


class EmailService:
    def __init__(self, contacts: ContactService, emails: EmailRepository, composer: Composer, mailer: Mailer,
                 once: SendOnce, *, open_tasks: OpenTasks | None = None, clock: Callable[[], datetime] = utcnow,
                 session_ttl: timedelta = SESSION_TTL):
        self._contacts = contacts
        self._emails = emails
        self.composer = composer  # public: tests and the local server swap the composer of a built service
        self._mailer = mailer
        self._once = once
        self._open_tasks = open_tasks
        self.clock = clock
        self.session_ttl = session_ttl

    # ---------------------------------------------------------------- drafting
    def prepare(self, workspace_id: str, contact_id: str, message: str, session_id: str | None = None,
                current: EmailDraft | dict[str, Any] | None = None, *, sender: Sender | None = None) -> DraftResult:
        """Write an email to the contact from an instruction; a new session unless ``session_id`` continues one."""
        message = INSTRUCTION(message, "message")
        current = validate_draft(current, "currentEmail")
        contact = self._contacts.get(workspace_id, contact_id)
        session = self._open(workspace_id, contact.id, session_id) if session_id else None
        return self._compose(contact, session, Turn("prepare", message), current, sender or Sender())

    def refine(self, workspace_id: str, contact_id: str, instruction: str, session_id: str | None,
               current: EmailDraft | dict[str, Any] | None = None, *, sender: Sender | None = None) -> DraftResult:
        """A new version of the session's draft (or of ``current``, the user's own edit) with the instruction."""
        instruction = INSTRUCTION(instruction, "instruction")
        if not session_id:
            raise ValidationFailed.one("sessionId", messages.BLANK, "blank")
        current = validate_draft(current, "currentEmail")
        contact = self._contacts.get(workspace_id, contact_id)
        session = self._open(workspace_id, contact.id, session_id)
        return self._compose(contact, session, Turn("refine", instruction), current, sender or Sender())

    def session(self, workspace_id: str, contact_id: str, session_id: str) -> EmailSession:
        contact = self._contacts.get(workspace_id, contact_id)
        return self._open(workspace_id, contact.id, session_id, allow_sent=True)

    def _compose(self, contact: Contact, session: EmailSession | None, turn: Turn, current: EmailDraft | None,
                 sender: Sender) -> DraftResult:
        now = self.clock()
        if session is None:
            session = EmailSession(contact.workspace_id, str(uuid.uuid4()), contact.id, (), (), now, now,
                                   now + self.session_ttl)
        versions = list(session.versions)
        previous = versions[-1].draft if versions else None
        if current is not None and current != previous:
            # The user's own edit becomes a version of its own: refined from, and kept if the model fails.
            to = current.to or (previous.to if previous else None)
            versions.append(DraftVersion(_next_number(versions), current.with_changes(to=to), "user", now))
        base = versions[-1].draft if versions else None
        brief = self._brief(contact, sender)
        try:
            if turn.kind == "refine" and base is not None:
                composition = self.composer.refine(brief, base, turn.instruction, session.turns)
            else:
                composition = self.composer.write(brief, turn.instruction, session.turns, base)
        except ServiceUnavailable:
            if session.revision and len(versions) > len(session.versions):
                self._keep_user_edit(session, versions, now)
            raise
        to = (base.to if base else None) or contact.primary_email
        version = DraftVersion(_next_number(versions), composition.draft.with_changes(to=to), self.composer.name,
                               now, composition.notes)
        updated = session.with_changes(
            turns=(*session.turns, turn)[-MAX_TURNS_KEPT:], versions=(*versions, version)[-MAX_VERSIONS_KEPT:],
            updated_at=now, expires_at=now + self.session_ttl)
        saved = self._emails.save_session(updated) if session.revision else self._emails.add_session(updated)
        latest = saved.latest
        assert latest is not None  # the version just added
        return DraftResult(saved, latest, composition.notes)

    def _keep_user_edit(self, session: EmailSession, versions: list[DraftVersion], now: datetime) -> None:
        try:
            self._emails.save_session(session.with_changes(versions=tuple(versions[-MAX_VERSIONS_KEPT:]),
                                                          updated_at=now, expires_at=now + self.session_ttl))
        except Conflict:
            logger.info("Email session changed meanwhile; the user's edit was not kept")

    def _open(self, workspace_id: str, contact_id: str, session_id: str, allow_sent: bool = False) -> EmailSession:
        """The contact's live session; NotFound when unknown, expired, or another contact's (or workspace's)."""
        session = self._emails.get_session(workspace_id, contact_id, session_id) if is_uuid(session_id) else None
        if session is None or session.expires_at <= self.clock():
            raise NotFound("EmailSession", session_id)
        if session.sent and not allow_sent:
            raise Conflict("This email was already sent; prepare a new one")
        return session

    def _brief(self, contact: Contact, sender: Sender) -> Brief:
        tasks: tuple[str, ...] = ()
        if self._open_tasks is not None:
            try:
                tasks = tuple(self._open_tasks(contact.workspace_id, contact.id))[:MAX_TASKS_IN_BRIEF]
            except Exception:
                logger.exception("Could not read the contact's tasks for the email brief")
        return Brief(contact.name, contact.first_name, contact.last_name, contact.company, contact.position,
                     contact.meeting_context, contact.notes, contact.primary_email, tasks,
                     _display_name(sender.name), sender.organisation)

    # ---------------------------------------------------------------- sending
    def send(self, workspace_id: str, contact_id: str, session_id: str | None = None,
             email_data: EmailDraft | dict[str, Any] | None = None, *, sender: Sender | None = None) -> SentEmail:
        """Send the session's latest draft (or ``email_data``) to the contact, exactly once."""
        if not session_id and email_data is None:
            raise ValidationFailed.one("sessionId", messages.SESSION_OR_EMAIL, "blank")
        data = validate_draft(email_data, "emailData")
        contact = self._contacts.get(workspace_id, contact_id)
        session = self._open(workspace_id, contact.id, session_id, allow_sent=True) if session_id else None
        if session is not None and session.sent is not None:
            return session.sent  # already sent: answer what was sent, send nothing
        latest = session.latest.draft if session is not None and session.latest else None
        draft = data or latest
        if draft is None:
            raise ValidationFailed.one("sessionId", messages.EMPTY_SESSION, "empty")
        to = draft.to or (latest.to if latest else None) or contact.primary_email
        if not to:
            raise ValidationFailed.one("to", messages.NO_RECIPIENT, "no_recipient")
        address = deliverable_address(to, "to")
        draft = draft.with_changes(to=address)
        key = {"workspace": workspace_id, "contact": contact.id}
        if session is not None:
            key["session"] = session.id
        else:
            key["email"] = hashlib.sha256(json.dumps([draft.to, draft.subject, draft.body]).encode()).hexdigest()
        result = self._once.run(key, lambda: self._deliver(contact, draft, address, session,
                                                                 sender or Sender()))
        return _sent_from_json(result, workspace_id, contact.id)

    def _deliver(self, contact: Contact, draft: EmailDraft, to: str, session: EmailSession | None,
                 sender: Sender) -> dict[str, Any]:
        """Runs inside the send guard: once the mail service took the email, nothing here may raise (an error
        would free the guard's key and let a retry send a second email), so bookkeeping failures are logged."""
        message_id = self._mailer.send(OutgoingEmail(
            to=to, subject=draft.subject, body=draft.body, from_name=_display_name(sender.name),
            reply_to=sender.reply_to, tags=(("workspace", contact.workspace_id), ("contact", contact.id))))
        sent = SentEmail(contact.workspace_id, contact.id, message_id, to, draft.subject, self.clock(),
                         session.id if session else None)
        for step, action in (
            ("record the sent email", lambda: self._record_sent(sent)),
            ("update the contact's last activity", lambda: self._contacts.record_activity(contact.workspace_id,
                                                                                         contact.id)),
            ("mark the contact contacted", lambda: self._contacts.set_status(
                contact.workspace_id, contact.id, Status.CONTACTED, only_from=CONTACTED_FROM)),
        ):
            try:
                action()
            except Exception:
                logger.exception("Email %s was sent but the CRM could not %s", message_id, step)
        return _sent_to_json(sent)

    def _record_sent(self, sent: SentEmail) -> None:
        """The record, closing its session; a concurrent edit of the session is replayed. Should the session
        have expired and vanished meanwhile, the record alone still matters."""
        try:
            retry_on_conflict(lambda: self._emails.record_sent(sent))
        except Conflict:
            if not sent.session_id:
                raise
            self._emails.record_sent(sent, close_session=False)

    def sent_emails(self, workspace_id: str, contact_id: str, limit: int = 20) -> list[SentEmail]:
        """The contact's sent emails, newest first."""
        contact = self._contacts.get(workspace_id, contact_id)
        return self._emails.sent_emails(workspace_id, contact.id, max(1, min(limit, paging.MAX_PAGE_SIZE)))


# --------------------------------------------------------------------------- helpers
def open_task_lines(tasks_service: Any) -> OpenTasks:
    """Adapts the task service to the brief: the contact's open tasks, soonest due first, one line each."""
    from ..domain.task import TaskQuery

    def lines(workspace_id: str, contact_id: str) -> list[str]:
        page = tasks_service.search(workspace_id, TaskQuery(contact_id=contact_id, completed=False), 0,
                                    MAX_TASKS_IN_BRIEF)
        return [f"{t.title} ({t.due_date:%Y-%m-%d})" for t in page.items]

    return lines


def _next_number(versions: Sequence[DraftVersion]) -> int:
    return versions[-1].number + 1 if versions else 1


def _display_name(name: str | None) -> str | None:
    """A From display name: one line, bounded (user names are free text)."""
    name = " ".join((name or "").split())[:MAX_SENDER_NAME]
    return name or None


def _sent_to_json(sent: SentEmail) -> dict[str, Any]:
    return {"messageId": sent.message_id, "to": sent.to, "subject": sent.subject,
            "sentAt": sent.sent_at.astimezone(UTC).isoformat(), "sessionId": sent.session_id}


def _sent_from_json(data: dict[str, Any], workspace_id: str, contact_id: str) -> SentEmail:
    return SentEmail(workspace_id, contact_id, data["messageId"], data["to"], data["subject"],
                     datetime.fromisoformat(data["sentAt"]), data.get("sessionId"))


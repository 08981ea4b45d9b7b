"""Email sessions, sent-email records, and the exactly-once guard of sends.

Sessions and sent emails live in the workspace's CrmTable partition, keyed under their contact:
  EMAILSESSION#<contact>#<session>          a drafting session (TTL expiresAt; reads check expiry too)
  EMAILSENT#<contact>#<sent at>#<message>   one sent email, listed newest first by a Query on the prefix
The send guard keeps its records in the IdempotencyTable (aws-lambda-powertools idempotency).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, PutError

from ..domain.email import DraftVersion, EmailDraft, EmailSession, SentEmail, Turn
from ..domain.errors import Conflict, ServiceUnavailable
from .repositories import commit
from .tables import EmailSessionItem, SentEmailItem, escape, workspace_pk

if TYPE_CHECKING:
    from ..settings import Settings

MAX_SESSION_BYTES = 340 * 1024  # of turns and drafts; DynamoDB's item limit is 400 KB


def session_sk(contact_id: str, session_id: str) -> str:
    return f"EMAILSESSION#{escape(contact_id)}#{escape(session_id)}"


def sent_prefix(contact_id: str) -> str:
    return f"EMAILSENT#{escape(contact_id)}#"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


# ----------------------------------------------------------------------------- mapping
def _versions_to_json(versions) -> list[dict]:
    return [{"number": v.number, "subject": v.draft.subject, "body": v.draft.body, "to": v.draft.to,
             "source": v.source, "createdAt": _iso(v.created_at), "notes": list(v.notes)} for v in versions]


def _sent_to_json(sent: SentEmail) -> dict:
    return {"messageId": sent.message_id, "to": sent.to, "subject": sent.subject, "sentAt": _iso(sent.sent_at)}


def session_to_item(session: EmailSession) -> EmailSessionItem:
    versions = _versions_to_json(session.versions)
    turns = [{"kind": t.kind, "instruction": t.instruction} for t in session.turns]

    def size() -> int:  # as JSONAttribute stores it: ASCII JSON, "€" as \u20ac
        return len(json.dumps([turns, versions]))

    # Bound the item under DynamoDB's 400 KB: older drafts go first, then older instructions; the newest of
    # each always stays (one draft and one instruction are bounded far below the limit).
    while len(versions) > 1 and size() > MAX_SESSION_BYTES:
        versions.pop(0)
    while len(turns) > 1 and size() > MAX_SESSION_BYTES:
        turns.pop(0)
    return EmailSessionItem(
        workspace_pk(session.workspace_id), session_sk(session.contact_id, session.id),
        sessionId=session.id, contactId=session.contact_id, turns=turns, versions=versions,
        sent=_sent_to_json(session.sent) if session.sent else None,
        createdAt=session.created_at, updatedAt=session.updated_at, expiresAt=session.expires_at,
        revision=session.revision)


def item_to_session(item: EmailSessionItem, workspace_id: str) -> EmailSession:
    sent = None
    if item.sent:
        sent = SentEmail(workspace_id, item.contactId, item.sent["messageId"], item.sent["to"],
                         item.sent["subject"], _parse(item.sent["sentAt"]), item.sessionId)
    return EmailSession(
        workspace_id=workspace_id, id=item.sessionId, contact_id=item.contactId,
        turns=tuple(Turn(t["kind"], t["instruction"]) for t in item.turns or []),
        versions=tuple(DraftVersion(v["number"], EmailDraft(v["subject"], v["body"], v.get("to")), v["source"],
                                    _parse(v["createdAt"]), tuple(v.get("notes") or ()))
                       for v in item.versions or []),
        created_at=item.createdAt, updated_at=item.updatedAt, expires_at=item.expiresAt,
        revision=int(item.revision), sent=sent)


def _item_to_sent(item: SentEmailItem, workspace_id: str) -> SentEmail:
    return SentEmail(workspace_id, item.contactId, item.messageId, item.recipient, item.subject, item.sentAt,
                     item.sessionId)


# ----------------------------------------------------------------------------- repository
class EmailRepository:
    """Every call is a GetItem, a conditional write, a transaction or a Query on the contact's prefix."""

    def get_session(self, workspace_id: str, contact_id: str, session_id: str) -> EmailSession | None:
        try:
            item = EmailSessionItem.get(workspace_pk(workspace_id), session_sk(contact_id, session_id),
                                        consistent_read=True)
        except DoesNotExist:
            return None
        return item_to_session(item, workspace_id)

    def add_session(self, session: EmailSession) -> EmailSession:
        item = session_to_item(session.with_changes(revision=1))
        try:
            item.save(condition=EmailSessionItem.sk.does_not_exist())
        except PutError as error:
            if _condition_failed(error):
                raise Conflict("This email session already exists") from error
            raise
        return item_to_session(item, session.workspace_id)

    def save_session(self, session: EmailSession) -> EmailSession:
        """Write the session if nobody else did since it was read (its revision); Conflict otherwise."""
        item = session_to_item(session.with_changes(revision=session.revision + 1))
        try:
            item.save(condition=(EmailSessionItem.revision == session.revision)
                      & EmailSessionItem.sent.does_not_exist())
        except PutError as error:
            if _condition_failed(error):
                raise Conflict("The email session changed meanwhile (another edit or a send); reload it") from error
            raise
        return item_to_session(item, session.workspace_id)

    def record_sent(self, sent: SentEmail, close_session: bool = True) -> None:
        """The sent-email record and, for a session, its closing, in one transaction.

        Conflict when the session changed meanwhile (or is gone): the caller retries, or records alone."""
        pk = workspace_pk(sent.workspace_id)
        record = SentEmailItem(pk, f"{sent_prefix(sent.contact_id)}{_iso(sent.sent_at)}#{escape(sent.message_id)}",
                               contactId=sent.contact_id, messageId=sent.message_id, recipient=sent.to,
                               subject=sent.subject, sentAt=sent.sent_at, sessionId=sent.session_id)
        operations: list[Callable] = [lambda t: t.save(record)]
        if sent.session_id and close_session:
            session = EmailSessionItem(pk, session_sk(sent.contact_id, sent.session_id))
            operations.append(lambda t: t.update(session, actions=[
                EmailSessionItem.sent.set(_sent_to_json(sent)), EmailSessionItem.revision.add(1)],
                condition=EmailSessionItem.sk.exists()))
        commit(operations)

    def remove_for_contact(self, workspace_id: str, contact_id: str) -> None:
        """A deleted contact takes its sessions and sent-email history with it (one of ContactService's cleanups).

        Strongly consistent reads: a draft written just before the delete must not be left behind."""
        pk = workspace_pk(workspace_id)
        for model, prefix in ((EmailSessionItem, f"EMAILSESSION#{escape(contact_id)}#"),
                              (SentEmailItem, sent_prefix(contact_id))):
            keys = list(model.query(pk, model.sk.startswith(prefix), consistent_read=True,
                                    attributes_to_get=["pk", "sk"]))
            with model.batch_write() as batch:
                for item in keys:
                    batch.delete(item)

    def sent_emails(self, workspace_id: str, contact_id: str, limit: int = 20) -> list[SentEmail]:
        items = SentEmailItem.query(workspace_pk(workspace_id), SentEmailItem.sk.startswith(sent_prefix(contact_id)),
                                    scan_index_forward=False, limit=limit, consistent_read=True)
        return [_item_to_sent(i, workspace_id) for i in items]


def _condition_failed(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


# ----------------------------------------------------------------------------- exactly-once sends
class _Budget:
    """Stands in for the Lambda context powertools reads: an in-progress send holds its key this long at most.

    Longer than any invocation (API Gateway stops waiting at 29 s), so a live send never loses its key, and a
    crashed one frees it a minute later instead of blocking that email until the record expires.
    """

    def __init__(self, seconds: int):
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return self.seconds * 1000


class IdempotentSends:
    """Runs an action at most once per key (powertools idempotency on DynamoDB) and replays its result.

    A concurrent duplicate waits for the first to finish and answers its result; it gives up with Conflict
    after ``wait_seconds``. A failed action frees its key, so the client may retry.
    """

    KEY_PREFIX = "contacthub#email-send"  # the same in every function (REST or GraphQL) that sends

    def __init__(self, table_name: str | None, expires_after_seconds: int = 24 * 3600,
                 in_progress_seconds: int = 60, wait_seconds: float = 10.0, poll_seconds: float = 0.1,
                 client: Any = None):
        self.table_name = table_name
        self.expires_after_seconds = expires_after_seconds
        self.in_progress_seconds = in_progress_seconds
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self._client = client
        self._guarded: Callable | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> IdempotentSends:
        return cls(settings.idempotency_table)

    def _guard(self) -> Callable:
        """Built on first use: requests that never send pay nothing for it."""
        if self._guarded is None:
            if not self.table_name:
                raise ServiceUnavailable("Sending email is not configured: IDEMPOTENCY_TABLE is not set",
                                         retry_after=300)
            from aws_lambda_powertools.utilities.idempotency import (
                DynamoDBPersistenceLayer,
                IdempotencyConfig,
                idempotent_function,
            )

            persistence = DynamoDBPersistenceLayer(table_name=self.table_name, boto3_client=self._client)
            config = IdempotencyConfig(raise_on_no_idempotency_key=True,
                                       expires_after_seconds=self.expires_after_seconds,
                                       lambda_context=_Budget(self.in_progress_seconds))  # type: ignore[arg-type]

            def run_once(action: Callable[[], dict], key: dict) -> dict:
                return action()

            self._guarded = idempotent_function(run_once, data_keyword_argument="key", persistence_store=persistence,
                                                config=config, key_prefix=self.KEY_PREFIX)
        return self._guarded

    def run(self, key: dict[str, str], action: Callable[[], dict]) -> dict:
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
        )

        guarded = self._guard()
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                return guarded(action, key=key)
            except IdempotencyAlreadyInProgressError:
                if time.monotonic() >= deadline:
                    raise Conflict("This email is being sent by another request; retry to get its result") from None
                time.sleep(self.poll_seconds)
            except IdempotencyPersistenceLayerError as error:
                raise ServiceUnavailable("The send could not be checked against earlier attempts; nothing was "
                                         "sent, try again", retry_after=5) from error

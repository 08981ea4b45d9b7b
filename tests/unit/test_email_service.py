"""EmailService on the in-memory fakes: sessions, exactly-once sends, bookkeeping after a send."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fakes import EchoComposer, InMemoryContacts, InMemoryEmails, InMemorySendOnce, InMemoryStates, RecordingMailer

from contacthub.domain.contact import Status
from contacthub.domain.errors import Conflict, NotFound, ValidationFailed
from contacthub.services import retry
from contacthub.services.contacts import ContactService
from contacthub.services.emails import EmailService

WS = "ws-1"
T0 = datetime(2025, 3, 20, 10, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(retry.time, "sleep", lambda seconds: None)


@pytest.fixture
def emails():
    return InMemoryEmails()


@pytest.fixture
def mailer():
    return RecordingMailer()


@pytest.fixture
def contacts():
    return ContactService(InMemoryContacts(), InMemoryStates(), clock=lambda: T0)


@pytest.fixture
def service(contacts, emails, mailer):
    return EmailService(contacts, emails, EchoComposer(), mailer, InMemorySendOnce(), clock=lambda: T0,
                        open_tasks=lambda ws, cid: ["Call back (2025-03-21)"])


@pytest.fixture
def marie(contacts):
    return contacts.create(WS, {"name": "Marie Dubois", "emails": ["marie@acme.example"]})


def test_prepare_refine_then_send_once(service, emails, mailer, marie, contacts):
    prepared = service.prepare(WS, marie.id, "Thank her")
    assert prepared.draft.to == "marie@acme.example" and prepared.draft.body == "Thank her"
    refined = service.refine(WS, marie.id, "Mention the demo", prepared.session.id)
    assert refined.draft.body == "Thank her\nMention the demo" and refined.session.revision == 2
    sent = service.send(WS, marie.id, refined.session.id)
    again = service.send(WS, marie.id, refined.session.id)
    assert again == sent and len(mailer.outbox) == 1
    assert emails.get_session(WS, marie.id, prepared.session.id).sent == sent
    assert service.sent_emails(WS, marie.id) == [sent]
    assert contacts.get(WS, marie.id).status is Status.CONTACTED
    with pytest.raises(Conflict):
        service.refine(WS, marie.id, "More", prepared.session.id)


def test_sessions_belong_to_their_contact_and_expire(service, contacts, emails, marie):
    other = contacts.create(WS, {"name": "Other"})
    session = service.prepare(WS, marie.id, "Hello").session
    with pytest.raises(NotFound):
        service.session(WS, other.id, session.id)
    late = EmailService(contacts, emails, EchoComposer(), RecordingMailer(), InMemorySendOnce(),
                        clock=lambda: T0 + timedelta(days=2))
    with pytest.raises(NotFound):
        late.session(WS, marie.id, session.id)


def test_a_busy_session_is_replayed_then_the_record_is_kept_alone(service, emails, marie):
    session = service.prepare(WS, marie.id, "Hello").session
    emails.fail_next_record = retry.MAX_ATTEMPTS  # the session stays busy through every replay
    sent = service.send(WS, marie.id, session.id)
    assert emails.sent == [sent]  # recorded without closing the session
    assert emails.get_session(WS, marie.id, session.id).sent is None


def test_send_needs_a_recipient_and_a_valid_draft(service, contacts):
    nobody = contacts.create(WS, {"name": "No Mail"})
    with pytest.raises(ValidationFailed):
        service.send(WS, nobody.id, email_data={"subject": "Hi", "body": "Hello"})
    with pytest.raises(ValidationFailed):
        service.send(WS, nobody.id, email_data={"subject": "Hi\nBcc: x@y.example", "body": "x", "to": "a@b.example"})

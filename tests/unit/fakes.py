"""In-memory fakes of every port in contacthub.ports, for unit tests of the services.

They keep the store's contracts that services rely on: version checks (Conflict on a stale write), a create's
extra operations committing with it or not at all, the pending-cleanup marker a delete writes, the draft
conditions of a capture confirmation. mypy checks each fake against its Protocol (see `_conforms`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from contacthub.capture.model import CaptureDraft
from contacthub.composers.base import Brief, Composition
from contacthub.domain.contact import Contact, tag_key
from contacthub.domain.email import EmailDraft, EmailSession, SentEmail, Turn
from contacthub.domain.errors import Conflict
from contacthub.domain.pipeline import PipelineState
from contacthub.domain.webhooks import Delivery, Subscription
from contacthub.domain.task import SUMMARY_SIZE, OpenTaskSummary, Task, TaskPage, TaskPreview, TaskQuery, TaskSlice
from contacthub.domain.text import digits, fold
from contacthub.domain.workspace import Principal, User, Workspace
from contacthub.mail.base import OutgoingEmail
from contacthub.ports import (
    BulkQueue,
    AlsoOnAdd,
    Branch,
    ApiKeyRepository,
    CaptureDraftRepository,
    Composer,
    ConsumeCaptureDraft,
    GuardEmails,
    ContactPage,
    PageRequest,
    ContactQuery,
    ContactRepository,
    ContactSort,
    DeliveryQueue,
    DeliveryRef,
    DeliveryRepository,
    DuplicateCandidates,
    EmailRepository,
    LocationCount,
    Mailer,
    PipelineRepository,
    SendOnce,
    TagCount,
    TargetGuard,
    TaskRepository,
    WebhookRepository,
    WebhookSender,
    WorkspaceRepository,
)

Key = tuple[str, str]  # (workspace id, item id)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class InMemoryDrafts:
    def __init__(self) -> None:
        self.drafts: dict[Key, CaptureDraft] = {}

    def add(self, draft: CaptureDraft) -> None:
        self.drafts[(draft.workspace_id, draft.token_hash)] = draft

    def get(self, workspace_id: str, token_hash: str) -> CaptureDraft | None:
        return self.drafts.get((workspace_id, token_hash))


class InMemoryContacts:
    """Contacts on a dict; search answers the filters the services use (email, phone, name, tags)."""

    def __init__(self, drafts: InMemoryDrafts | None = None) -> None:
        self.contacts: dict[Key, Contact] = {}
        self.numbers: dict[str, int] = {}
        self.cleanups: set[Key] = set()
        self.email_guards: dict[Key, int] = {}  # (workspace, folded email) -> version
        self.drafts = drafts
        self.fail_next_commit = 0  # that many writes fail with Conflict, as if another writer won

    # ------------------------------------------------------------ reads
    def get(self, workspace_id: str, contact_id: str) -> Contact | None:
        return self.contacts.get((workspace_id, contact_id))

    def get_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, Contact]:
        return {i: c for i in contact_ids if (c := self.contacts.get((workspace_id, i)))}

    def get_by_number(self, workspace_id: str, number: int) -> Contact | None:
        return next((c for c in self._of(workspace_id) if c.number == number), None)

    def count(self, workspace_id: str) -> int:
        return len(self._of(workspace_id))

    def find(self, workspace_id: str, query: ContactQuery, request: PageRequest) -> ContactPage:
        newest_first = request.newest_first is not False
        found = [c for c in self._of(workspace_id, newest_first) if _matches(c, query)
                 and (request.among is None or c.id in request.among) and c.id not in request.excluding]
        keys = [f"{(c.created_at or EPOCH).isoformat()}#{c.id}" for c in found]
        start = 0
        if request.after is not None:
            start = next((i for i, k in enumerate(keys)
                          if (k < request.after if newest_first else k > request.after)), len(keys))
        start += request.offset
        end = start + request.limit
        return ContactPage(found[start:end], len(found) if request.with_total else None,
                           keys[end - 1] if end < len(found) else None, keys[start:end])

    def restore_entries(self, workspace_id: str, after: str | None = None,
                        limit: int = 100) -> tuple[int, str | None]:
        return len(self._of(workspace_id)), None  # nothing to restore: a dict has no index

    def find_matching(self, workspace_id: str, branches: Sequence[Branch], sort: ContactSort, descending: bool,
                      request: PageRequest, open_task_ids: frozenset[str]) -> ContactPage:
        from contacthub.store import search_index
        from contacthub.store.contact_filtering import holds, sort_key

        found = sorted(((sort_key(c, sort), c) for c in self._of(workspace_id)
                        if any(all(holds(c, search_index.index_entries(c), literal, open_task_ids)
                                   for literal in branch) for branch in branches)),
                       key=lambda pair: pair[0], reverse=descending)
        following = [(k, c) for k, c in found if request.after is None
                     or (k < request.after if descending else k > request.after)]
        page = following[:request.limit]
        return ContactPage([c for _, c in page], len(found) if request.with_total else None,
                           page[-1][0] if len(following) > request.limit else None, [k for k, _ in page])

    def recently_active(self, workspace_id: str, limit: int) -> list[Contact]:
        return sorted(self._of(workspace_id), key=lambda c: c.last_activity_at or c.created_at or EPOCH,
                      reverse=True)[:limit]

    def tag_counts(self, workspace_id: str) -> list[TagCount]:
        counts: dict[str, TagCount] = {}
        for contact in self._of(workspace_id):
            for tag in contact.tags:
                known = counts.get(tag_key(tag))
                counts[tag_key(tag)] = TagCount(tag, known.count + 1 if known else 1)
        return list(counts.values())

    def location_counts(self, workspace_id: str) -> list[LocationCount]:
        counts: dict[str, LocationCount] = {}
        for contact in self._of(workspace_id):
            if loc := contact.location:
                known = counts.get(loc.id)
                counts[loc.id] = LocationCount(loc.id, loc.title, known.count + 1 if known else 1)
        return list(counts.values())

    def pending_cleanups(self, workspace_id: str, limit: int) -> list[str]:
        return sorted(cid for ws, cid in self.cleanups if ws == workspace_id)[:limit]

    def ids_with_email(self, workspace_id: str, email: str) -> list[str]:
        return [c.id for c in self._of(workspace_id) if fold(email) in {fold(e) for e in c.emails}]

    def ids_with_phone(self, workspace_id: str, e164: str) -> list[str]:
        return [c.id for c in self._of(workspace_id) if any(p.e164 == e164 for p in c.phones)]

    def email_guard_versions(self, workspace_id: str, folded_emails: Iterable[str]) -> dict[str, int]:
        return {e: self.email_guards.get((workspace_id, e), 0) for e in folded_emails}

    def email_holders(self, workspace_id: str, folded_emails: Iterable[str]) -> dict[str, str]:
        return {}

    # ------------------------------------------------------------ writes
    def allocate_number(self, workspace_id: str) -> int:
        self.numbers[workspace_id] = self.numbers.get(workspace_id, 0) + 1
        return self.numbers[workspace_id]

    def add(self, contact: Contact, also: Sequence[AlsoOnAdd] = ()) -> Contact:
        key = (contact.workspace_id, contact.id)
        guards = self._guard_moves(also)
        self._commit(key in self.contacts or any(self.email_guards.get(k, 0) != v for k, v in guards.items()))
        self.email_guards.update({k: v + 1 for k, v in guards.items()})
        consumed = [self._consume(op, contact) for op in also if isinstance(op, ConsumeCaptureDraft)]
        for draft in consumed:  # all checked before anything is written
            assert self.drafts is not None
            self.drafts.add(draft)
        saved = contact.with_changes(version=1)
        self.contacts[key] = saved
        return saved

    def update(self, old: Contact, new: Contact, also: Sequence[AlsoOnAdd] = ()) -> Contact:
        current = self.contacts.get((old.workspace_id, old.id))
        guards = self._guard_moves(also)
        self._commit(current is None or current.version != old.version
                     or any(self.email_guards.get(k, 0) != v for k, v in guards.items()))
        self.email_guards.update({k: v + 1 for k, v in guards.items()})
        saved = new.with_changes(version=(old.version or 0) + 1)
        self.contacts[(new.workspace_id, new.id)] = saved
        return saved

    def remove(self, contact: Contact) -> None:
        key = (contact.workspace_id, contact.id)
        current = self.contacts.get(key)
        self._commit(current is None or current.version != contact.version)
        del self.contacts[key]
        self.cleanups.add(key)

    def cleanup_done(self, workspace_id: str, contact_id: str) -> None:
        self.cleanups.discard((workspace_id, contact_id))

    # ------------------------------------------------------------ helpers
    def _of(self, workspace_id: str, newest_first: bool = True) -> list[Contact]:
        return sorted((c for (ws, _), c in self.contacts.items() if ws == workspace_id),
                      key=lambda c: (c.created_at, c.id), reverse=newest_first)

    def _commit(self, condition_failed: bool) -> None:
        if self.fail_next_commit:
            self.fail_next_commit -= 1
            raise Conflict("lost a race")
        if condition_failed:
            raise Conflict("condition failed")

    @staticmethod
    def _guard_moves(also: Sequence[AlsoOnAdd]) -> dict[Key, int]:
        """(workspace, folded email) -> the version each GuardEmails expects."""
        return {(g.workspace_id, email): version for g in also if isinstance(g, GuardEmails)
                for email, version in g.versions}

    def _consume(self, op: AlsoOnAdd, contact: Contact) -> CaptureDraft:
        assert isinstance(op, ConsumeCaptureDraft) and self.drafts is not None
        draft = self.drafts.get(op.workspace_id, op.token_hash)
        if draft is None or draft.used_at is not None or op.now >= draft.expires_at:
            raise Conflict("draft condition failed")
        return replace(draft, used_at=op.now, contact_id=contact.id)


def _matches(contact: Contact, q: ContactQuery) -> bool:
    return ((not q.email or any(fold(e).startswith(fold(q.email)) for e in contact.emails))
            and (not q.phone or any(digits(p.e164 or p.raw).endswith(digits(q.phone)[-9:]) for p in contact.phones))
            and (not q.name or all(any(w.startswith(part) for w in fold(contact.name).split())
                                   for part in fold(q.name).split()))
            and all(tag_key(t) in {tag_key(x) for x in contact.tags} for t in q.tags))


class InMemoryStates:
    def __init__(self) -> None:
        self.states: dict[Key, PipelineState] = {}
        self.numbers: dict[str, int] = {}

    def list(self, workspace_id: str) -> list[PipelineState]:
        return sorted((s for (ws, _), s in self.states.items() if ws == workspace_id),
                      key=lambda s: (s.position, s.number))

    def get(self, workspace_id: str, state_id: str) -> PipelineState | None:
        return self.states.get((workspace_id, state_id))

    def save(self, state: PipelineState) -> PipelineState:
        self.states[(state.workspace_id, state.id)] = state
        return state

    def delete(self, state: PipelineState) -> None:
        if state.contact_count > 0:
            raise Conflict("not empty")
        del self.states[(state.workspace_id, state.id)]

    def allocate_number(self, workspace_id: str) -> int:
        self.numbers[workspace_id] = self.numbers.get(workspace_id, 0) + 1
        return self.numbers[workspace_id]


class InMemoryWorkspaces:
    def __init__(self, states: InMemoryStates | None = None) -> None:
        self.workspaces: dict[str, Workspace] = {}
        self.users: dict[Key, User] = {}
        self.states = states

    def get(self, workspace_id: str) -> Workspace | None:
        return self.workspaces.get(workspace_id)

    def find_by_name(self, name: str) -> Workspace | None:
        return next((w for w in self.workspaces.values() if fold(w.name) == fold(name.strip())), None)

    def create(self, workspace: Workspace, states: list[PipelineState]) -> Workspace:
        if workspace.id in self.workspaces or self.find_by_name(workspace.name):
            raise Conflict("exists")
        self.workspaces[workspace.id] = workspace
        for state in states:
            if self.states is not None:
                self.states.save(state)
        return workspace

    def get_user(self, workspace_id: str, user_id: str) -> User | None:
        return self.users.get((workspace_id, user_id))

    def find_user_by_email(self, workspace_id: str, email: str) -> User | None:
        return next((u for (ws, _), u in self.users.items() if ws == workspace_id and fold(u.email) == fold(email)),
                    None)

    def add_user(self, user: User) -> User:
        self.users[(user.workspace_id, user.id)] = user
        return user

    def set_unique_emails(self, workspace_id: str, unique: bool) -> None:
        self.workspaces[workspace_id] = replace(self.workspaces[workspace_id], unique_emails=unique)


class InMemoryApiKeys:
    def __init__(self) -> None:
        self.keys: dict[str, Principal] = {}
        self.revoked: set[str] = set()

    def principal_for(self, key_hash: str) -> tuple[str, Principal] | None:
        principal = self.keys.get(key_hash)
        return (key_hash, principal) if principal and key_hash not in self.revoked else None

    def add(self, key_hash: str, principal: Principal) -> None:
        self.keys[key_hash] = principal

    def revoke(self, key_prefix: str) -> int:
        hits = {h for h, p in self.keys.items() if p.key_prefix == key_prefix and h not in self.revoked}
        self.revoked |= hits
        return len(hits)


class InMemoryTasks:
    """Tasks on dicts, with the store's version and contact-existence conditions; ``contacts`` holds the
    (workspace, contact id) pairs that exist."""

    def __init__(self, contacts: set[Key] | None = None, sweep_batch: int = 20) -> None:
        self.tasks: dict[Key, Task] = {}
        self.contacts: set[Key] = set() if contacts is None else contacts
        self.sweep_batch = sweep_batch
        self.fail_next_update = 0
        self.remove_many_calls = 0

    def get(self, workspace_id: str, task_id: str) -> Task | None:
        return self.tasks.get((workspace_id, task_id))

    def get_many(self, workspace_id: str, task_ids: Iterable[str]) -> dict[str, Task]:
        return {i: self.tasks[(workspace_id, i)] for i in task_ids if (workspace_id, i) in self.tasks}

    def existing_contacts(self, workspace_id: str, contact_ids: Iterable[str]) -> set[str]:
        return {i for i in contact_ids if (workspace_id, i) in self.contacts}

    def _matching(self, ws: str, q: TaskQuery) -> Iterator[Task]:
        for t in self.tasks.values():
            if t.workspace_id != ws or (q.contact_id and t.contact_id != q.contact_id):
                continue
            if q.completed is not None and t.completed != q.completed or q.type and t.type != q.type:
                continue
            if (isinstance(q.due_before, datetime) and t.due_date > q.due_before
                    or isinstance(q.due_after, datetime) and t.due_date < q.due_after):
                continue
            yield t

    def find(self, workspace_id: str, query: TaskQuery, offset: int, limit: int) -> TaskPage:
        found = sorted(self._matching(workspace_id, query), key=lambda t: (t.due_date, t.id))
        return TaskPage(found[offset:offset + limit], len(found))

    def find_after(self, workspace_id: str, query: TaskQuery, after: str | None, limit: int, latest_first: bool,
                   with_total: bool) -> TaskSlice:
        keyed = sorted(((f"{t.due_date.isoformat()}#{t.id}", t) for t in self._matching(workspace_id, query)),
                       key=lambda pair: pair[0], reverse=latest_first)
        following = [(k, t) for k, t in keyed if after is None or (k < after if latest_first else k > after)]
        page = following[:limit]
        return TaskSlice([t for _, t in page], len(keyed) if with_total else None,
                         page[-1][0] if len(following) > limit else None, [k for k, _ in page])

    def for_contacts(self, workspace_id: str, contact_ids: Iterable[str], query: TaskQuery) -> dict[str, list[Task]]:
        found = sorted(self._matching(workspace_id, query), key=lambda t: (t.due_date, t.id))
        return {cid: [t for t in found if t.contact_id == cid] for cid in contact_ids}

    def open_task_summaries(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, OpenTaskSummary]:
        found = self.for_contacts(workspace_id, contact_ids, TaskQuery(completed=False))
        return {cid: OpenTaskSummary(len(tasks), tuple(TaskPreview(t.id, t.title, t.due_date)
                                                       for t in tasks[:SUMMARY_SIZE]))
                for cid, tasks in found.items()}

    def task_ids_for_contact(self, workspace_id: str, contact_id: str, limit: int) -> list[str]:
        return [t.id for t in self.tasks.values()
                if t.workspace_id == workspace_id and t.contact_id == contact_id][:limit]

    def contacts_with_open_tasks(self, workspace_id: str) -> set[str]:
        return {t.contact_id for t in self.tasks.values() if t.workspace_id == workspace_id and not t.completed}

    def add(self, task: Task) -> Task:
        if (task.workspace_id, task.contact_id) not in self.contacts:
            raise Conflict("contact gone")
        saved = task.with_changes(version=1)
        self.tasks[(task.workspace_id, task.id)] = saved
        return saved

    def update(self, old: Task, new: Task) -> Task:
        if self.fail_next_update:
            self.fail_next_update -= 1
            raise Conflict("lost race")
        current = self.tasks.get((old.workspace_id, old.id))
        if current is None or current.version != old.version:
            raise Conflict("version")
        saved = new.with_changes(version=(old.version or 0) + 1)
        self.tasks[(new.workspace_id, new.id)] = saved
        return saved

    def remove(self, task: Task) -> None:
        del self.tasks[(task.workspace_id, task.id)]

    def remove_many(self, tasks: list[Task]) -> None:
        assert len(tasks) <= self.sweep_batch
        self.remove_many_calls += 1
        for task in tasks:
            self.remove(task)


class InMemoryEmails:
    def __init__(self) -> None:
        self.sessions: dict[tuple[str, str, str], EmailSession] = {}
        self.sent: list[SentEmail] = []
        self.fail_next_record = 0

    def get_session(self, workspace_id: str, contact_id: str, session_id: str) -> EmailSession | None:
        return self.sessions.get((workspace_id, contact_id, session_id))

    def add_session(self, session: EmailSession) -> EmailSession:
        key = (session.workspace_id, session.contact_id, session.id)
        if key in self.sessions:
            raise Conflict("exists")
        self.sessions[key] = session.with_changes(revision=1)
        return self.sessions[key]

    def save_session(self, session: EmailSession) -> EmailSession:
        key = (session.workspace_id, session.contact_id, session.id)
        current = self.sessions.get(key)
        if current is None or current.revision != session.revision or current.sent is not None:
            raise Conflict("changed")
        self.sessions[key] = session.with_changes(revision=session.revision + 1)
        return self.sessions[key]

    def record_sent(self, sent: SentEmail, close_session: bool = True) -> None:
        if self.fail_next_record:
            self.fail_next_record -= 1
            raise Conflict("session busy")
        key = (sent.workspace_id, sent.contact_id, sent.session_id or "")
        if sent.session_id and close_session:
            current = self.sessions.get(key)
            if current is None:
                raise Conflict("session gone")
            self.sessions[key] = current.with_changes(sent=sent, revision=current.revision + 1)
        self.sent.append(sent)

    def sent_emails(self, workspace_id: str, contact_id: str, limit: int = 20) -> list[SentEmail]:
        mine = [s for s in self.sent if (s.workspace_id, s.contact_id) == (workspace_id, contact_id)]
        return sorted(mine, key=lambda s: s.sent_at, reverse=True)[:limit]

    def remove_for_contact(self, workspace_id: str, contact_id: str) -> None:
        self.sessions = {k: s for k, s in self.sessions.items() if k[:2] != (workspace_id, contact_id)}
        self.sent = [s for s in self.sent if (s.workspace_id, s.contact_id) != (workspace_id, contact_id)]


class EchoComposer:
    """Writes the instruction back as the email: enough to see what the service passed along."""

    name = "echo"

    def write(self, brief: Brief, instruction: str, history: Sequence[Turn] = (),
              current: EmailDraft | None = None) -> Composition:
        return Composition(EmailDraft(f"To {brief.contact_name}", instruction))

    def refine(self, brief: Brief, draft: EmailDraft, instruction: str, history: Sequence[Turn] = ()) -> Composition:
        return Composition(draft.with_changes(body=f"{draft.body}\n{instruction}"))


class RecordingMailer:
    def __init__(self) -> None:
        self.outbox: list[OutgoingEmail] = []

    def send(self, email: OutgoingEmail) -> str:
        self.outbox.append(email)
        return f"message-{len(self.outbox)}"


class InMemorySendOnce:
    def __init__(self) -> None:
        self.results: dict[str, dict[str, Any]] = {}

    def run(self, key: dict[str, str], action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        token = repr(sorted(key.items()))
        if token not in self.results:
            self.results[token] = action()
        return self.results[token]


class InMemoryWebhooks:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Subscription] = {}

    def list(self, workspace_id: str) -> list[Subscription]:
        return [s for (w, _), s in self.items.items() if w == workspace_id]

    def get(self, workspace_id: str, webhook_id: str) -> Subscription | None:
        return self.items.get((workspace_id, webhook_id))

    def save(self, subscription: Subscription) -> None:
        self.items[(subscription.workspace_id, subscription.id)] = subscription

    def delete(self, workspace_id: str, webhook_id: str) -> None:
        self.items.pop((workspace_id, webhook_id), None)

    def record_health(self, workspace_id: str, webhook_id: str, failing_since: datetime | None,
                      disabled_reason: str | None) -> None:
        current = self.items.get((workspace_id, webhook_id))
        if current is None:
            return
        changes: dict[str, Any] = {"failing_since": failing_since}
        if disabled_reason:
            changes.update(enabled=False, disabled_reason=disabled_reason)
        self.items[(workspace_id, webhook_id)] = current.with_changes(**changes)


class InMemoryDeliveries:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Delivery] = {}

    def add(self, delivery: Delivery) -> bool:
        key = (delivery.workspace_id, delivery.webhook_id, delivery.id)
        if key in self.items:
            return False
        self.items[key] = delivery
        return True

    def save(self, delivery: Delivery) -> None:
        self.items[(delivery.workspace_id, delivery.webhook_id, delivery.id)] = delivery

    def get(self, workspace_id: str, webhook_id: str, delivery_id: str) -> Delivery | None:
        return self.items.get((workspace_id, webhook_id, delivery_id))

    def page(self, workspace_id: str, webhook_id: str, after: str | None,
             limit: int) -> tuple[list[Delivery], bool]:
        found = sorted((d for (w, h, i), d in self.items.items() if (w, h) == (workspace_id, webhook_id)
                        and (after is None or i > after)), key=lambda d: d.id)
        return found[:limit], len(found) > limit


class RecordingQueue:
    def __init__(self) -> None:
        self.queued: list[tuple[DeliveryRef, int]] = []
        self.parked: list[DeliveryRef] = []

    def enqueue(self, ref: DeliveryRef, delay_seconds: int = 0) -> None:
        self.queued.append((ref, delay_seconds))

    def park(self, ref: DeliveryRef) -> None:
        self.parked.append(ref)


class ListQueue:
    """The bulk queue: messages kept in order, for a test to run as the worker would."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)


class Crash(Exception):
    """What a test raises to stop a step midway, as a process dying would: nothing under test catches it."""


class AllowAllTargets:
    def check(self, url: str) -> str:
        return "127.0.0.1"


class ScriptedSender:
    """Answers each send with the next status of its script (None: no answer), the last one forever."""

    def __init__(self, *statuses: int | None) -> None:
        self.statuses = list(statuses)
        self.sent: list[str] = []

    def send(self, url: str, address: str, message_id: str, body: str, secrets: list[str],
             timeout: float) -> tuple[int | None, str | None]:
        self.sent.append(message_id)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return status, None if status else "timed out"


class InMemoryDuplicateCandidates:
    """Every other contact of the workspace is a candidate: the detector alone decides (the store bounds its
    candidates by keys, see store/duplicates.py)."""

    def __init__(self, contacts: InMemoryContacts):
        self.contacts = contacts

    def candidate_ids(self, workspace_id: str, contact: Contact) -> list[str]:
        return [c.id for c in self.contacts._of(workspace_id, newest_first=False) if c.id != contact.id]


def _conforms() -> None:
    """Never called: mypy checks here that every fake implements its port."""
    contacts: ContactRepository = InMemoryContacts()
    states: PipelineRepository = InMemoryStates()
    workspaces: WorkspaceRepository = InMemoryWorkspaces()
    keys: ApiKeyRepository = InMemoryApiKeys()
    tasks: TaskRepository = InMemoryTasks()
    drafts: CaptureDraftRepository = InMemoryDrafts()
    emails: EmailRepository = InMemoryEmails()
    composer: Composer = EchoComposer()
    mailer: Mailer = RecordingMailer()
    once: SendOnce = InMemorySendOnce()
    webhooks: WebhookRepository = InMemoryWebhooks()
    deliveries: DeliveryRepository = InMemoryDeliveries()
    queue: DeliveryQueue = RecordingQueue()
    guard: TargetGuard = AllowAllTargets()
    sender: WebhookSender = ScriptedSender(204)
    candidates: DuplicateCandidates = InMemoryDuplicateCandidates(InMemoryContacts())
    bulk_queue: BulkQueue = ListQueue()
    del contacts, states, workspaces, keys, tasks, drafts, emails, composer, mailer, once
    del webhooks, deliveries, queue, guard, sender, candidates, bulk_queue

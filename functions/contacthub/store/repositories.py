"""DynamoDB repositories. Every call is GetItem, BatchGetItem, Query or a transaction: never Scan."""
from __future__ import annotations

import functools

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timezone

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ..domain.contact import Contact, tag_key
from ..domain.errors import Conflict
from ..domain.pipeline import PipelineState
from ..domain.text import fold, words
from ..domain.workspace import Principal, User, Workspace
from ..ports import AlsoOnAdd, ConsumeCaptureDraft, ContactPage, ContactQuery, LocationCount, TagCount
from . import search_index as idx
from .mappers import (
    contact_to_item,
    item_to_contact,
    item_to_state,
    item_to_user,
    item_to_workspace,
    state_to_item,
)
from .tables import (
    ApiKeyItem,
    CleanupItem,
    ContactItem,
    ContactNumberItem,
    IndexEntryItem,
    LocationItem,
    PipelineStateItem,
    TagItem,
    UserItem,
    WorkspaceItem,
    WorkspaceNameItem,
    escape,
    workspace_pk,
)

WORKSPACE_SK = "WORKSPACE"
MAX_TRANSACTION_ITEMS = 100
MAX_MATCHES = 10_000  # index entries read for one search term at most
BATCH_GET_SIZE = 100

Operation = Callable[[TransactWrite], None]


def _connection():
    return ContactItem._get_connection().connection


def save(item: Model, condition: Condition | None = None) -> Operation:
    return lambda t: t.save(item, condition=condition)


def delete(item: Model, condition: Condition | None = None) -> Operation:
    return lambda t: t.delete(item, condition=condition)


def update(item: Model, actions: Sequence[Action], condition: Condition | None = None) -> Operation:
    return lambda t: t.update(item, actions=list(actions), condition=condition)


def commit(operations: Sequence[Operation]) -> None:
    """Run write operations in one TransactWriteItems; a failed condition means someone else won: Conflict."""
    if len(operations) > MAX_TRANSACTION_ITEMS:
        raise Conflict("Too many changes in one write; split them into smaller updates")
    try:
        with TransactWrite(connection=_connection()) as transaction:
            for operation in operations:
                operation(transaction)
    except TransactWriteError as error:
        codes = {r.code for r in (error.cancellation_reasons or []) if r is not None}
        if codes & {"ConditionalCheckFailed", "TransactionConflict"}:
            raise Conflict("The resource was modified concurrently; reload it and retry") from error
        raise


def _contact_sk(contact_id: str) -> str:
    return f"CONTACT#{contact_id}"


def _number_sk(number: int) -> str:
    return f"NUM#{number:012d}"


def _cleanup_sk(contact_id: str) -> str:
    return f"CLEANUP#{contact_id}"


class ContactRepository:
    # ---------------------------------------------------------------- reads
    def get(self, workspace_id: str, contact_id: str) -> Contact | None:
        try:
            item = ContactItem.get(workspace_pk(workspace_id), _contact_sk(contact_id), consistent_read=True)
        except DoesNotExist:
            return None
        return item_to_contact(item)

    def get_many(self, workspace_id: str, contact_ids: Iterable[str]) -> dict[str, Contact]:
        pk = workspace_pk(workspace_id)
        keys = [(pk, _contact_sk(cid)) for cid in dict.fromkeys(contact_ids)]
        found: dict[str, Contact] = {}
        for start in range(0, len(keys), BATCH_GET_SIZE):
            for item in ContactItem.batch_get(keys[start:start + BATCH_GET_SIZE], consistent_read=True):
                found[item.contactId] = item_to_contact(item)
        return found

    def get_by_number(self, workspace_id: str, number: int) -> Contact | None:
        try:
            alias = ContactNumberItem.get(workspace_pk(workspace_id), _number_sk(number), consistent_read=True)
        except DoesNotExist:
            return None
        return self.get(workspace_id, alias.contactId)

    def find(self, workspace_id: str, query: ContactQuery, offset: int, limit: int) -> ContactPage:
        if query.is_empty():
            return self._newest(workspace_id, offset, limit)
        matches = _Matcher(workspace_pk(workspace_id)).run(query)
        ordered = sorted(matches, key=matches.__getitem__, reverse=True)
        page_ids = ordered[offset:offset + limit]
        contacts = self.get_many(workspace_id, page_ids)
        return ContactPage([contacts[i] for i in page_ids if i in contacts], total=len(ordered))

    def matching_ids(self, workspace_id: str, query: ContactQuery, newest_first: bool = True) -> Iterator[str]:
        """Ids of the contacts a query matches, in creation order, from keys only (no contact is read).

        A filtered query reads its index entries (as `find`); an empty one walks the creation index lazily,
        so a caller that stops early pays only for the keys it consumed.
        """
        if query.is_empty():
            keys = ContactItem.by_created.query(workspace_id, scan_index_forward=not newest_first)
            return (k.sk.removeprefix("CONTACT#") for k in keys)
        matches = _Matcher(workspace_pk(workspace_id)).run(query)
        return iter(sorted(matches, key=matches.__getitem__, reverse=newest_first))

    def recently_active(self, workspace_id: str, limit: int) -> list[Contact]:
        keys = ContactItem.by_activity.query(workspace_id, scan_index_forward=False, limit=limit)
        ids = [k.sk.removeprefix("CONTACT#") for k in keys]
        contacts = self.get_many(workspace_id, ids)
        return [contacts[i] for i in ids if i in contacts]

    def count(self, workspace_id: str) -> int:
        """The workspace's contacts, from the counter every create and delete moves in its transaction."""
        try:
            return int(WorkspaceItem.get(workspace_pk(workspace_id), WORKSPACE_SK, consistent_read=True).contacts
                       or 0)
        except DoesNotExist:
            return 0

    def _newest(self, workspace_id: str, offset: int, limit: int) -> ContactPage:
        keys = ContactItem.by_created.query(workspace_id, scan_index_forward=False, limit=offset + limit)
        ids = [k.sk.removeprefix("CONTACT#") for k in keys][offset:]
        contacts = self.get_many(workspace_id, ids)
        return ContactPage([contacts[i] for i in ids if i in contacts], total=self.count(workspace_id))

    def tag_counts(self, workspace_id: str) -> list[TagCount]:
        items = TagItem.query(workspace_pk(workspace_id), TagItem.sk.startswith("TAG#"))
        return [TagCount(i.label, int(i.contacts)) for i in items if int(i.contacts or 0) > 0]

    def location_counts(self, workspace_id: str) -> list[LocationCount]:
        items = LocationItem.query(workspace_pk(workspace_id), LocationItem.sk.startswith("LOC#"))
        return [LocationCount(i.locationId, i.title, int(i.contacts)) for i in items if int(i.contacts or 0) > 0]

    # ---------------------------------------------------------------- writes
    def allocate_number(self, workspace_id: str) -> int:
        """Atomic per-workspace counter: two concurrent creates never get the same number."""
        item = WorkspaceItem(workspace_pk(workspace_id), WORKSPACE_SK)
        item.update(actions=[WorkspaceItem.nextContactNumber.add(1)], condition=WorkspaceItem.pk.exists())
        return int(item.nextContactNumber)

    def add(self, contact: Contact, also: Sequence[AlsoOnAdd] = ()) -> Contact:
        return self._write(None, contact, [_also_operation(a, contact) for a in also])

    def update(self, old: Contact, new: Contact) -> Contact:
        return self._write(old, new)

    def remove(self, contact: Contact) -> None:
        commit(contact_write_operations(contact, None))

    def pending_cleanups(self, workspace_id: str, limit: int) -> list[str]:
        items = CleanupItem.query(workspace_pk(workspace_id), CleanupItem.sk.startswith("CLEANUP#"),
                                  consistent_read=True, limit=limit)
        return [i.contactId for i in items]

    def cleanup_done(self, workspace_id: str, contact_id: str) -> None:
        CleanupItem(workspace_pk(workspace_id), _cleanup_sk(contact_id)).delete()

    def _write(self, old: Contact | None, new: Contact, also: Sequence[Operation] = ()) -> Contact:
        item = contact_to_item(new)
        # version condition added by pynamodb
        commit([lambda t: t.save(item), *contact_write_operations(old, new), *also])
        return item_to_contact(item)


def _also_operation(also: AlsoOnAdd, contact: Contact) -> Operation:
    """The transaction step of an operation that commits with a contact's create."""
    if isinstance(also, ConsumeCaptureDraft):
        from .capture import consume_draft_operation

        return consume_draft_operation(also, contact.id)
    raise TypeError(f"Unknown operation {also!r}")


def contact_write_operations(old: Contact | None, new: Contact | None) -> list[Operation]:
    """Everything that must change together with a contact, except the contact's own put.

    Index entries, the integer-id alias, tag/location/pipeline counters and the workspace count are
    diffed between the old and new contact, so an update touches only what changed. A delete also
    records its pending cleanup.
    """
    ref = new or old
    assert ref is not None
    pk = workspace_pk(ref.workspace_id)
    ops: list[Operation] = []

    if new is None:  # delete: the contact itself, with its version check, and its pending cleanup
        old_item = contact_to_item(ref)
        cleanup = CleanupItem(pk, _cleanup_sk(ref.id), contactId=ref.id, deletedAt=datetime.now(timezone.utc))
        ops += [delete(old_item), save(cleanup)]

    old_keys = idx.index_entries(old) if old else set()
    new_keys = idx.index_entries(new) if new else set()
    order = contact_to_item(ref).createdKey
    for key in sorted(new_keys - old_keys):
        ops.append(save(IndexEntryItem(pk, key, contactId=ref.id, order=order)))
    for key in sorted(old_keys - new_keys):
        ops.append(delete(IndexEntryItem(pk, key)))

    if old is None or new is None:
        number_item = ContactNumberItem(pk, _number_sk(ref.number), contactId=ref.id)
        step = 1 if old is None else -1
        if old is None:
            ops.append(save(number_item, condition=ContactNumberItem.sk.does_not_exist()))
        else:
            ops.append(delete(number_item))
        ops.append(update(WorkspaceItem(pk, WORKSPACE_SK), [WorkspaceItem.contacts.add(step)],
                          condition=WorkspaceItem.pk.exists()))

    # tag catalogue counts
    old_tags = {tag_key(t): t for t in (old.tags if old else ())}
    new_tags = {tag_key(t): t for t in (new.tags if new else ())}
    for key in new_tags.keys() - old_tags.keys():
        ops.append(update(TagItem(pk, f"TAG#{idx.exact_part(key)}"),
                          [TagItem.contacts.add(1), TagItem.label.set(new_tags[key])]))
    for key in old_tags.keys() - new_tags.keys():
        ops.append(update(TagItem(pk, f"TAG#{idx.exact_part(key)}"), [TagItem.contacts.add(-1)]))

    # location catalogue counts (title follows the latest write)
    old_loc = old.location if old else None
    new_loc = new.location if new else None
    if new_loc and (not old_loc or old_loc != new_loc):
        actions: list[Action] = [LocationItem.locationId.set(new_loc.id)]
        if new_loc.title is not None:
            actions.append(LocationItem.title.set(new_loc.title))
        else:
            actions.append(LocationItem.title.remove())
        if not old_loc or old_loc.id != new_loc.id:
            actions.append(LocationItem.contacts.add(1))
        ops.append(update(LocationItem(pk, f"LOC#{escape(new_loc.id)}"), actions))
    if old_loc and (not new_loc or old_loc.id != new_loc.id):
        ops.append(update(LocationItem(pk, f"LOC#{escape(old_loc.id)}"), [LocationItem.contacts.add(-1)]))

    # pipeline state counts; the new state must still exist when the transaction commits
    old_state = old.pipeline_state_id if old else None
    new_state = new.pipeline_state_id if new else None
    if new_state != old_state:
        if new_state:
            ops.append(update(PipelineStateItem(pk, f"STATE#{new_state}"), [PipelineStateItem.contacts.add(1)],
                              condition=PipelineStateItem.sk.exists()))
        if old_state:
            ops.append(update(PipelineStateItem(pk, f"STATE#{old_state}"), [PipelineStateItem.contacts.add(-1)],
                              condition=PipelineStateItem.sk.exists()))
    return ops


class _Matcher:
    """Answers a ContactQuery from index entries: AND across filters, OR inside free-text ones."""

    def __init__(self, pk: str):
        self.pk = pk

    def entries(self, sk_prefix: str) -> dict[str, str]:
        items = IndexEntryItem.query(self.pk, IndexEntryItem.sk.startswith(sk_prefix),
                                     consistent_read=True, limit=MAX_MATCHES)
        return {i.contactId: i.order for i in items}

    def prefix(self, kind: str, value: str) -> dict[str, str]:
        return self.entries(idx.prefix_key(kind, value))

    def exact(self, kind: str, value: str) -> dict[str, str]:
        return self.entries(idx.exact_key(kind, value))

    def all_words(self, kind: str, text: str) -> dict[str, str]:
        result: dict[str, str] | None = None
        for word in words(text):
            found = self.prefix(kind, word)
            result = found if result is None else {k: v for k, v in result.items() if k in found}
            if not result:
                return {}
        return result or {}

    def phone(self, text: str) -> dict[str, str]:
        result: dict[str, str] = {}
        for candidate in idx.phone_query_prefixes(text):
            result.update(self.prefix("phone", candidate))
        return result

    def person(self, text: str) -> dict[str, str]:
        result = self.all_words("name", text)
        email = fold(text.strip())
        if email:
            result.update(self.prefix("email", email))
        return result

    def run(self, q: ContactQuery) -> dict[str, str]:
        lookups: list[Callable[[], dict[str, str]]] = []
        if name := q.name:
            lookups.append(lambda: self.all_words("name", name))
        if company := q.company:
            lookups.append(lambda: self.all_words("company", company))
        if email := q.email:
            lookups.append(lambda: self.prefix("email", fold(email.strip())))
        if phone := q.phone:
            lookups.append(lambda: self.phone(phone))
        if person := q.person:
            lookups.append(lambda: self.person(person))
        if text := q.text:
            lookups.append(lambda: {**self.person(text), **self.phone(text)})
        facets = {"status": q.status, "stage": q.stage, "pipeline": q.pipeline_state_id,
                  "location": q.location_id, "channel": q.channel}
        for kind, value in facets.items():
            if value:
                lookups.append(functools.partial(self.exact, kind, value))
        for tag in q.tags:
            lookups.append(functools.partial(self.exact, "tag", tag_key(tag)))

        result: dict[str, str] | None = None
        for lookup in lookups:
            found = lookup()
            result = found if result is None else {k: v for k, v in result.items() if k in found}
            if not result:
                return {}
        return result or {}


class PipelineRepository:
    def list(self, workspace_id: str) -> list[PipelineState]:
        items = PipelineStateItem.query(workspace_pk(workspace_id), PipelineStateItem.sk.startswith("STATE#"),
                                        consistent_read=True)
        return sorted((item_to_state(i, workspace_id) for i in items), key=lambda s: (s.position, s.number))

    def get(self, workspace_id: str, state_id: str) -> PipelineState | None:
        if not state_id:
            return None
        try:
            item = PipelineStateItem.get(workspace_pk(workspace_id), f"STATE#{state_id}", consistent_read=True)
        except DoesNotExist:
            return None
        return item_to_state(item, workspace_id)

    def save(self, state: PipelineState) -> PipelineState:
        """Create or change a state's own fields; its contact count is left to contact transactions."""
        item = PipelineStateItem(workspace_pk(state.workspace_id), f"STATE#{state.id}")
        item.update(actions=[
            PipelineStateItem.stateId.set(state.id), PipelineStateItem.number.set(state.number),
            PipelineStateItem.name.set(state.name), PipelineStateItem.color.set(state.color),
            PipelineStateItem.position.set(state.position), PipelineStateItem.type.set(state.type.value),
            PipelineStateItem.contacts.set(PipelineStateItem.contacts | 0),
        ])
        return item_to_state(item, state.workspace_id)

    def delete(self, state: PipelineState) -> None:
        """Only an empty state can go (a contact's state must always exist)."""
        item = PipelineStateItem(workspace_pk(state.workspace_id), f"STATE#{state.id}")
        commit([delete(item, condition=PipelineStateItem.contacts <= 0)])

    def allocate_number(self, workspace_id: str) -> int:
        item = WorkspaceItem(workspace_pk(workspace_id), WORKSPACE_SK)
        item.update(actions=[WorkspaceItem.nextStateNumber.add(1)], condition=WorkspaceItem.pk.exists())
        return int(item.nextStateNumber)


class WorkspaceRepository:
    def get(self, workspace_id: str) -> Workspace | None:
        try:
            return item_to_workspace(WorkspaceItem.get(workspace_pk(workspace_id), WORKSPACE_SK))
        except DoesNotExist:
            return None

    def find_by_name(self, name: str) -> Workspace | None:
        try:
            entry = WorkspaceNameItem.get(f"WSNAME#{fold(name.strip())}", consistent_read=True)
        except DoesNotExist:
            return None
        return self.get(entry.workspaceId)

    def create(self, workspace: Workspace, states: list[PipelineState]) -> Workspace:
        pk = workspace_pk(workspace.id)
        item = WorkspaceItem(pk, WORKSPACE_SK, workspaceId=workspace.id, name=workspace.name,
                             createdAt=workspace.created_at or datetime.now(timezone.utc), contacts=0,
                             nextContactNumber=0, nextStateNumber=len(states))
        name = WorkspaceNameItem(f"WSNAME#{fold(workspace.name.strip())}", workspaceId=workspace.id)
        commit([save(item, condition=WorkspaceItem.pk.does_not_exist()),
                save(name, condition=WorkspaceNameItem.pk.does_not_exist()),
                *(save(state_to_item(s)) for s in states)])
        return item_to_workspace(item)

    def get_user(self, workspace_id: str, user_id: str) -> User | None:
        try:
            return item_to_user(UserItem.get(workspace_pk(workspace_id), f"USER#{user_id}"), workspace_id)
        except DoesNotExist:
            return None

    def find_user_by_email(self, workspace_id: str, email: str) -> User | None:
        items = UserItem.query(workspace_pk(workspace_id), UserItem.sk.startswith("USER#"))
        return next((item_to_user(i, workspace_id) for i in items if fold(i.email) == fold(email)), None)

    def add_user(self, user: User) -> User:
        UserItem(workspace_pk(user.workspace_id), f"USER#{user.id}", userId=user.id, name=user.name,
                 email=user.email).save(condition=UserItem.sk.does_not_exist())
        return user


class ApiKeyRepository:
    def principal_for(self, key_hash: str) -> tuple[str, Principal] | None:
        """(stored hash, principal) of an active key, or None."""
        try:
            item = ApiKeyItem.get(f"KEY#{key_hash}")
        except DoesNotExist:
            return None
        if item.revokedAt is not None:
            return None
        return item.pk.removeprefix("KEY#"), Principal(item.workspaceId, item.userId, item.keyPrefix)

    def add(self, key_hash: str, principal: Principal) -> None:
        ApiKeyItem(f"KEY#{key_hash}", keyPrefix=principal.key_prefix, workspaceId=principal.workspace_id,
                   userId=principal.user_id, createdAt=datetime.now(timezone.utc)
                   ).save(condition=ApiKeyItem.pk.does_not_exist())

    def revoke(self, key_prefix: str) -> int:
        revoked = 0
        for key in ApiKeyItem.by_prefix.query(key_prefix):
            try:
                ApiKeyItem(key.pk).update(actions=[ApiKeyItem.revokedAt.set(datetime.now(timezone.utc))],
                                          condition=ApiKeyItem.pk.exists() & ApiKeyItem.revokedAt.does_not_exist())
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                continue  # already revoked
            revoked += 1
        return revoked

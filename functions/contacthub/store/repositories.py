"""DynamoDB repositories. Every call is GetItem, BatchGetItem, Query or a transaction: never Scan."""
from __future__ import annotations

import logging
from dataclasses import replace
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ..domain.contact import Contact, tag_key
from ..domain.errors import Conflict
from ..domain.pipeline import PipelineState
from ..domain.text import fold
from ..domain.workspace import Principal, User, Workspace
from ..ports import (
    AlsoOnAdd,
    Branch,
    ConsumeCaptureDraft,
    ContactPage,
    ContactQuery,
    ContactSort,
    GuardEmails,
    LocationCount,
    PageRequest,
    TagCount,
)
from . import search_index as idx
from .contact_filtering import FilteredListing
from .contact_listing import ContactListing
from .contact_matches import (
    contact_ids_with_email,
    contact_ids_with_phone,
    email_guard_versions,
    email_holders,
    guard_emails_operations,
)
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

logger = logging.getLogger(__name__)

WORKSPACE_SK = "WORKSPACE"
MAX_TRANSACTION_ITEMS = 100
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

    def find(self, workspace_id: str, query: ContactQuery, request: PageRequest) -> ContactPage:
        terms = idx.query_terms(query) or [(idx.CREATED,)]
        listing = ContactListing(workspace_pk(workspace_id), lambda ids: self.get_many(workspace_id, ids), terms)
        if terms == [(idx.CREATED,)] and request.with_total and not request.excluding and request.among is None:
            # the workspace counter is exact and costs one item, however many contacts
            page = listing.page(replace(request, with_total=False))
            return replace(page, total=self.count(workspace_id))
        return listing.page(request)

    def find_matching(self, workspace_id: str, branches: Sequence[Branch], sort: ContactSort, descending: bool,
                      request: PageRequest, open_task_ids: frozenset[str]) -> ContactPage:
        listing = ContactListing(workspace_pk(workspace_id), lambda ids: self.get_many(workspace_id, ids), [])
        filtered = FilteredListing(listing, branches, sort, descending, open_task_ids)
        if list(branches) == [()] and request.with_total:  # every contact: the workspace counter says how many
            return replace(filtered.page(replace(request, with_total=False)), total=self.count(workspace_id))
        return filtered.page(request)

    def restore_entries(self, workspace_id: str, after: str | None = None,
                        limit: int = BATCH_GET_SIZE) -> tuple[int, str | None]:
        """Write every index entry the next ``limit`` contacts (after the contact ``after``) should own, for
        contacts stored by a version that did not write them all. Idempotent puts of small items; counters are
        untouched (they were always kept). Returns (contacts done, the contact to go on after, or None)."""
        pk = workspace_pk(workspace_id)
        start = {"pk": {"S": pk}, "sk": {"S": _contact_sk(after)}} if after else None
        items = ContactItem.query(pk, ContactItem.sk.startswith("CONTACT#"), consistent_read=True, limit=limit,
                                  page_size=limit, last_evaluated_key=start)
        contacts = [item_to_contact(item) for item in items]
        with IndexEntryItem.batch_write() as batch:
            for contact in contacts:
                order = contact_to_item(contact).createdKey
                for key in sorted(idx.index_entries(contact)):
                    batch.save(IndexEntryItem(pk, key, contactId=contact.id, order=order))
        return len(contacts), contacts[-1].id if items.last_evaluated_key and contacts else None

    def recently_active(self, workspace_id: str, limit: int) -> list[Contact]:
        listing = ContactListing(workspace_pk(workspace_id), lambda ids: self.get_many(workspace_id, ids),
                                 [(idx.ACTIVITY,)])
        return listing.page(PageRequest(limit=limit, newest_first=True)).items

    def count(self, workspace_id: str) -> int:
        """The workspace's contacts, from the counter every create and delete moves in its transaction."""
        try:
            return int(WorkspaceItem.get(workspace_pk(workspace_id), WORKSPACE_SK, consistent_read=True).contacts
                       or 0)
        except DoesNotExist:
            return 0

    def tag_counts(self, workspace_id: str) -> list[TagCount]:
        items = TagItem.query(workspace_pk(workspace_id), TagItem.sk.startswith("TAG#"), consistent_read=True)
        return [TagCount(i.label, int(i.contacts)) for i in items if int(i.contacts or 0) > 0]

    def ids_with_email(self, workspace_id: str, email: str) -> list[str]:
        return contact_ids_with_email(workspace_id, email)

    def ids_with_phone(self, workspace_id: str, e164: str) -> list[str]:
        return contact_ids_with_phone(workspace_id, e164)

    def email_guard_versions(self, workspace_id: str, folded_emails: Iterable[str]) -> dict[str, int]:
        return email_guard_versions(workspace_id, folded_emails)

    def email_holders(self, workspace_id: str, folded_emails: Iterable[str]) -> dict[str, str]:
        return email_holders(workspace_id, folded_emails)

    def location_counts(self, workspace_id: str) -> list[LocationCount]:
        items = LocationItem.query(workspace_pk(workspace_id), LocationItem.sk.startswith("LOC#"),
                                   consistent_read=True)
        return [LocationCount(i.locationId, i.title, int(i.contacts)) for i in items if int(i.contacts or 0) > 0]

    # ---------------------------------------------------------------- writes
    def allocate_number(self, workspace_id: str) -> int:
        """Atomic per-workspace counter: two concurrent creates never get the same number."""
        item = WorkspaceItem(workspace_pk(workspace_id), WORKSPACE_SK)
        item.update(actions=[WorkspaceItem.nextContactNumber.add(1)], condition=WorkspaceItem.pk.exists())
        return int(item.nextContactNumber)

    def add(self, contact: Contact, also: Sequence[AlsoOnAdd] = ()) -> Contact:
        return self._write(None, contact, [op for a in also for op in _also_operations(a, contact)])

    def update(self, old: Contact, new: Contact, also: Sequence[AlsoOnAdd] = ()) -> Contact:
        return self._write(old, new, [op for a in also for op in _also_operations(a, new)])

    def remove(self, contact: Contact) -> None:
        _commit_contact(None, contact, None, [])

    def pending_cleanups(self, workspace_id: str, limit: int) -> list[str]:
        items = CleanupItem.query(workspace_pk(workspace_id), CleanupItem.sk.startswith("CLEANUP#"),
                                  consistent_read=True, limit=limit)
        return [i.contactId for i in items]

    def cleanup_done(self, workspace_id: str, contact_id: str) -> None:
        CleanupItem(workspace_pk(workspace_id), _cleanup_sk(contact_id)).delete()

    def _write(self, old: Contact | None, new: Contact, also: Sequence[Operation] = ()) -> Contact:
        item = contact_to_item(new)
        # version condition added by pynamodb
        _commit_contact(item, old, new, [lambda t: t.save(item), *also])
        return item_to_contact(item)


def _commit_contact(item: ContactItem | None, old: Contact | None, new: Contact | None,
                    head: list[Operation]) -> None:
    """Commit a contact's write; entry deletions that do not fit its transaction follow in another.

    Leftover entries are harmless meanwhile: readers check every entry against the contact it names and never
    serve a stale one. The follow-up only deletes while the contact is still at the version just written, so
    it never removes an entry a later write has put back."""
    first, *rest = contact_transactions(old, new, head)
    commit(first)
    for operations in rest:
        if item is not None:
            operations = [_still_at_version(item), *operations]
        try:
            commit(operations)
        except Conflict:
            logger.info("Stale entries of a contact left to readers' checks")


def _still_at_version(item: ContactItem) -> Operation:
    version = item.version
    return lambda t: t.condition_check(ContactItem, item.pk, item.sk, condition=ContactItem.version == version)


def contact_transactions(old: Contact | None, new: Contact | None, head: Sequence[Operation] = (),
                         record_cleanup: bool = True) -> list[list[Operation]]:
    """``head`` (the contact's own put or delete) with everything that must commit with it, then the deletions
    of entries the contact no longer has, split so that no transaction holds more than MAX_TRANSACTION_ITEMS
    (the follow-ups keep one place for a version check). ``record_cleanup`` False: a removal that leaves
    nothing to clean up (a merged contact, whose tasks and emails moved to the survivor)."""
    needed, stale = _contact_changes(old, new, record_cleanup)
    first = [*head, *needed]
    room = MAX_TRANSACTION_ITEMS - len(first)
    transactions = [first + stale[:room]]
    rest = stale[room:]
    while rest:
        transactions.append(rest[:MAX_TRANSACTION_ITEMS - 1])
        rest = rest[MAX_TRANSACTION_ITEMS - 1:]
    return transactions


def _also_operations(also: AlsoOnAdd, contact: Contact) -> list[Operation]:
    """The transaction steps of an operation that commits with a contact's write."""
    if isinstance(also, ConsumeCaptureDraft):
        from .capture import consume_draft_operation

        return [consume_draft_operation(also, contact.id)]
    if isinstance(also, GuardEmails):
        return guard_emails_operations(also)
    raise TypeError(f"Unknown operation {also!r}")


def contact_write_operations(old: Contact | None, new: Contact | None) -> list[Operation]:
    """Everything that changes together with a contact, except the contact's own put (stale entries last)."""
    needed, stale = _contact_changes(old, new)
    return needed + stale


def _contact_changes(old: Contact | None, new: Contact | None,
                     record_cleanup: bool = True) -> tuple[list[Operation], list[Operation]]:
    """(what must commit with the contact, deletions of the entries it no longer has).

    Entries, the integer-id alias, tag/location/pipeline counters and the workspace count are
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
        ops += [delete(old_item), save(cleanup)] if record_cleanup else []

    old_keys = idx.index_entries(old) if old else set()
    new_keys = idx.index_entries(new) if new else set()
    order = contact_to_item(ref).createdKey
    for key in sorted(new_keys - old_keys):
        ops.append(save(IndexEntryItem(pk, key, contactId=ref.id, order=order)))
    stale = [delete(IndexEntryItem(pk, key)) for key in sorted(old_keys - new_keys)]

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
    return ops, stale


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
            return item_to_workspace(WorkspaceItem.get(workspace_pk(workspace_id), WORKSPACE_SK,
                                                       consistent_read=True))
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
            return item_to_user(UserItem.get(workspace_pk(workspace_id), f"USER#{user_id}", consistent_read=True),
                                workspace_id)
        except DoesNotExist:
            return None

    def find_user_by_email(self, workspace_id: str, email: str) -> User | None:
        items = UserItem.query(workspace_pk(workspace_id), UserItem.sk.startswith("USER#"), consistent_read=True)
        return next((item_to_user(i, workspace_id) for i in items if fold(i.email) == fold(email)), None)

    def set_unique_emails(self, workspace_id: str, unique: bool) -> None:
        WorkspaceItem(workspace_pk(workspace_id), WORKSPACE_SK).update(
            actions=[WorkspaceItem.uniqueEmails.set(unique)], condition=WorkspaceItem.pk.exists())

    def add_user(self, user: User) -> User:
        UserItem(workspace_pk(user.workspace_id), f"USER#{user.id}", userId=user.id, name=user.name,
                 email=user.email).save(condition=UserItem.sk.does_not_exist())
        return user


class ApiKeyRepository:
    def principal_for(self, key_hash: str) -> tuple[str, Principal] | None:
        """(stored hash, principal) of an active key, or None."""
        try:
            item = ApiKeyItem.get(f"KEY#{key_hash}", consistent_read=True)
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

"""Storage shapes. Table names and region are bound once by the wiring (`bind_tables`), from the settings.

CrmTable (pk = "WS#<workspace>", every item of a workspace in one partition):
  sk WORKSPACE                  WorkspaceItem     name, counters
  sk USER#<user id>             UserItem
  sk CONTACT#<uuid>             ContactItem       the contact (optimistic locking via `version`)
  sk NUM#<000000000042>         ContactNumberItem integer id -> uuid (skarbe ids)
  sk IDX#<kind>#<value>#<uuid>  IndexEntryItem    free-text search entries (name, email, domain, phone, phonerev,
                                                  company), written in the contact's transaction
  sk IDX#<facet>#<value>#<created key>            IndexEntryItem  facet entries (status, stage, pipeline,
                                                  location, channel, tag), newest last
  sk ORD#created#<created key>  IndexEntryItem    every contact by creation (the unfiltered listing)
  sk ORD#activity#<activity key> IndexEntryItem   every contact by last activity
  sk TAG#<tag key>              TagItem           tag catalogue with exact contact counts
  sk LOC#<location id>          LocationItem      location catalogue with exact contact counts
  sk STATE#<uuid>               PipelineStateItem pipeline states / lead statuses with contact counts
  sk TASK#<task uuid>           TaskItem          a contact's task (optimistic locking via `version`)
  sk CTASK#<contact>#<0 open|1 done>#<due>#<task>  TaskEntryItem  a contact's tasks by state and due date
  sk TSTATE#<0|1>#<due>#<task>                     TaskEntryItem  the workspace's tasks by state and due date
  sk TTYPE#<type>#<0|1>#<due>#<task>               TaskEntryItem  ... by type, state and due date
  sk TASKSTATS                  TaskStatsItem     exact open/done task counts (list totals without reading)
  sk TASKSUM#<contact>          TaskSummaryItem   a contact's open-task count and next open tasks, in every task write
  sk CAPTURE#<sha256 of token>  CaptureDraftItem  a prepared contact awaiting confirmation (TTL expiresAt)
  sk EMAILSESSION#<contact>#<session>        EmailSessionItem  an email being drafted for a contact (TTL expiresAt)
  sk EMAILSENT#<contact>#<sent at>#<message>  SentEmailItem     an email sent to a contact
  sk CLEANUP#<contact uuid>     CleanupItem       a deleted contact whose cleanup (tasks, emails) is pending
  sk EMAILGUARD#<folded email>  EmailGuardItem    version moved by every write adding the address while the
                                                  workspace keeps emails unique (serializes those writes)
  sk EVT#<stream position>      EventItem         the change feed, in stream order (TTL expiresAt, 30 days)
  sk WEBHOOK#<id>               WebhookItem       a webhook subscription and its signing secrets
  sk WHDLV#<webhook>#<event position>  DeliveryItem  one event's delivery to one subscription (TTL expiresAt)
DirectoryTable (looked up before the workspace is known):
  pk KEY#<sha256 of api key>    ApiKeyItem
  pk WSNAME#<folded name>       WorkspaceNameItem
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.connection.table import TableConnection
from pynamodb.models import Model
from pynamodb.settings import get_settings_value

from .. import aws_clients

if TYPE_CHECKING:
    from ..settings import Settings


def workspace_pk(workspace_id: str) -> str:
    return f"WS#{workspace_id}"


def escape(value: str) -> str:
    """Make a value safe inside a '#'-separated sort key (so 'a#b' can never pose as 'a' + 'b')."""
    return value.replace("%", "%25").replace("#", "%23")


def _on_shared_client(cls: type[Model]) -> TableConnection:
    """A model's connection, on the container's one DynamoDB client: pynamodb would make a client (and a
    botocore session) per model class, each parsing the service model again on a cold start."""
    connection = Model._get_connection.__func__(cls)  # type: ignore[attr-defined]
    if connection.connection._client is None:
        meta: Any = cls.Meta
        connection.connection._client = aws_clients.client(
            "dynamodb", meta.region, meta.host,
            parameter_validation=False,  # as pynamodb configures its own clients
            connect_timeout=get_settings_value("connect_timeout_seconds"),
            read_timeout=get_settings_value("read_timeout_seconds"),
            max_pool_connections=get_settings_value("max_pool_connections"),
            retries={"total_max_attempts": 1 + get_settings_value("max_retry_attempts"), "mode": "standard"})
    return connection


class _CrmModel(Model):
    class Meta:
        table_name = "contacthub-crm"  # replaced by bind_tables

    _get_connection = classmethod(_on_shared_client)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class WorkspaceItem(_CrmModel):
    workspaceId = UnicodeAttribute()
    name = UnicodeAttribute()
    createdAt = UTCDateTimeAttribute()
    contacts = NumberAttribute(default=0)
    nextContactNumber = NumberAttribute(default=0)
    nextStateNumber = NumberAttribute(default=0)
    uniqueEmails = BooleanAttribute(null=True)


class UserItem(_CrmModel):
    userId = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()


class ContactItem(_CrmModel):
    ws = UnicodeAttribute()
    createdKey = UnicodeAttribute()
    activityKey = UnicodeAttribute()
    contactId = UnicodeAttribute()
    number = NumberAttribute()
    name = UnicodeAttribute()
    firstName = UnicodeAttribute(null=True)
    lastName = UnicodeAttribute(null=True)
    emails = ListAttribute(of=UnicodeAttribute, null=True)
    phones = JSONAttribute(null=True)  # [{"raw": ..., "e164": ...}]
    company = UnicodeAttribute(null=True)
    position = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    website = UnicodeAttribute(null=True)
    linkedinUrl = UnicodeAttribute(null=True)
    facebookUrl = UnicodeAttribute(null=True)
    instagramUrl = UnicodeAttribute(null=True)
    twitterUrl = UnicodeAttribute(null=True)
    photo = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    meetingContext = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    stage = UnicodeAttribute(null=True)
    pipelineStateId = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, null=True)
    customFields = JSONAttribute(null=True)
    location = JSONAttribute(null=True)  # {"id": ..., "title": ...}
    channel = UnicodeAttribute(null=True)
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    lastActivityAt = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()


class ContactNumberItem(_CrmModel):
    contactId = UnicodeAttribute()


class IndexEntryItem(_CrmModel):
    contactId = UnicodeAttribute()
    order = UnicodeAttribute()  # the contact's createdKey: sorts matches without reading contacts


class TagItem(_CrmModel):
    label = UnicodeAttribute()
    contacts = NumberAttribute(default=0)


class LocationItem(_CrmModel):
    locationId = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    contacts = NumberAttribute(default=0)


class PipelineStateItem(_CrmModel):
    stateId = UnicodeAttribute()
    number = NumberAttribute()
    name = UnicodeAttribute()
    color = UnicodeAttribute()
    position = NumberAttribute()
    type = UnicodeAttribute()
    contacts = NumberAttribute(default=0)


class _DirectoryModel(Model):
    class Meta:
        table_name = "contacthub-directory"  # replaced by bind_tables

    _get_connection = classmethod(_on_shared_client)

    pk = UnicodeAttribute(hash_key=True)


class KeysByPrefixIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "KeysByPrefixIndex"
        projection = KeysOnlyProjection()

    keyPrefix = UnicodeAttribute(hash_key=True)


class ApiKeyItem(_DirectoryModel):
    keyPrefix = UnicodeAttribute()
    workspaceId = UnicodeAttribute()
    userId = UnicodeAttribute()
    createdAt = UTCDateTimeAttribute()
    revokedAt = UTCDateTimeAttribute(null=True)

    by_prefix = KeysByPrefixIndex()


class WorkspaceNameItem(_DirectoryModel):
    workspaceId = UnicodeAttribute()


# --- tasks (store/tasks.py): the task, its sorted entries and counters change in one transaction ---

class TaskItem(_CrmModel):
    taskId = UnicodeAttribute()
    contactId = UnicodeAttribute()
    title = UnicodeAttribute()
    type = UnicodeAttribute()
    taskKind = UnicodeAttribute()
    payload = JSONAttribute(null=True)
    description = UnicodeAttribute(null=True)
    dueDate = UTCDateTimeAttribute()
    completed = BooleanAttribute()
    completedAt = UTCDateTimeAttribute(null=True)
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    version = VersionAttribute()


class TaskEntryItem(_CrmModel):
    """A task's place in one ordered listing; state, due date and ids are in the sort key."""

    taskId = UnicodeAttribute()
    contactId = UnicodeAttribute()
    type = UnicodeAttribute()


class TaskStatsItem(_CrmModel):
    open = NumberAttribute(default=0)
    done = NumberAttribute(default=0)


class TaskSummaryItem(_CrmModel):
    """A contact's open tasks at a glance, read with a page of contacts (one BatchGet, whatever the page).

    A separate item, not attributes of the contact: task writes must not bump the contact's version, which
    guards user edits. Absent when the contact has no open task.
    """

    contactId = UnicodeAttribute()
    open = NumberAttribute(default=0)
    next = JSONAttribute(null=True)  # [{"id", "title", "due"}], soonest due first
    version = VersionAttribute()  # concurrent task writes of one contact: one wins, the other retries


class CaptureDraftItem(_CrmModel):
    """A contact prepared from pasted text, keyed by its confirmation token's hash (the token is never stored).

    `expiresAt` is the table's TTL attribute (epoch seconds): DynamoDB deletes stale drafts eventually, and
    reads check it themselves because TTL deletion can lag by days.
    """

    fields = JSONAttribute()  # canonical create fields
    createdAt = UTCDateTimeAttribute()
    expiresAt = TTLAttribute()
    usedAt = UTCDateTimeAttribute(null=True)
    contactId = UnicodeAttribute(null=True)


# --- email drafting and sending (store/emails.py) ---

class EmailSessionItem(_CrmModel):
    """Instructions and drafts of one email. The contact is in the key, so a session id alone reaches nothing.

    `expiresAt` is the table's TTL attribute; reads check it too, since TTL deletion can lag by days.
    """

    sessionId = UnicodeAttribute()
    contactId = UnicodeAttribute()
    turns = JSONAttribute()  # [{"kind", "instruction"}]
    versions = JSONAttribute()  # [{"number", "subject", "body", "to", "source", "createdAt", "notes"}]
    sent = JSONAttribute(null=True)  # {"messageId", "to", "subject", "sentAt"} once sent: the session is closed
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    expiresAt = TTLAttribute()
    revision = NumberAttribute()  # every write is conditioned on the revision it read


class SentEmailItem(_CrmModel):
    contactId = UnicodeAttribute()
    messageId = UnicodeAttribute()
    recipient = UnicodeAttribute()
    subject = UnicodeAttribute()
    sentAt = UTCDateTimeAttribute()
    sessionId = UnicodeAttribute(null=True)


def bind_tables(settings: Settings) -> None:
    """Point every model at the configured tables. Subclasses inherit their base's Meta, so binding the two
    bases binds all; each model's connection is made on first use, so it is dropped to pick up the change."""
    for base, table in ((_CrmModel, settings.crm_table), (_DirectoryModel, settings.directory_table)):
        meta: Any = base.Meta  # pynamodb declares no region/host on Meta; it reads them when present
        meta.table_name = table
        meta.region = settings.region
        meta.host = settings.dynamodb_endpoint
        for model in _with_subclasses(base):
            model._connection = None


def _with_subclasses(model: type[Model]) -> list[type[Model]]:
    found = [model]
    for sub in model.__subclasses__():
        found += _with_subclasses(sub)
    return found


class EmailGuardItem(_CrmModel):
    """Two writes adding the same address both condition on the version they read before checking that no
    contact has it, and both move it: the later one fails, checks again and finds the earlier one's contact.

    A merge (or its undo) hands an address from one contact to another in the transaction that removes (or
    restores) its holder: the guard then names the contact it is held for and the merge, and while that merge is
    under way the address counts as that contact's (store.contact_matches.email_holders)."""

    version = NumberAttribute()
    heldFor = UnicodeAttribute(null=True)  # the contact a merge under way hands the address to
    heldBy = UnicodeAttribute(null=True)  # ... that merge's id


class CleanupItem(_CrmModel):
    """Written in a contact's delete transaction, removed once its cleanups succeeded: what a sweep finishes."""

    contactId = UnicodeAttribute()
    deletedAt = UTCDateTimeAttribute()


# --- change feed and webhooks (store/events.py) ---

class EventItem(_CrmModel):
    """One change event; the stream position in the key orders a workspace's feed."""

    eventId = UnicodeAttribute()
    type = UnicodeAttribute()
    body = JSONAttribute()  # the event as served
    expiresAt = TTLAttribute()


class WebhookItem(_CrmModel):
    webhookId = UnicodeAttribute()
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    description = UnicodeAttribute(null=True)
    enabled = BooleanAttribute()
    secrets = JSONAttribute()  # [{"value", "expiresAt"}], newest first
    createdAt = UTCDateTimeAttribute()
    updatedAt = UTCDateTimeAttribute()
    failingSince = UTCDateTimeAttribute(null=True)
    disabledReason = UnicodeAttribute(null=True)


class DeliveryItem(_CrmModel):
    webhookId = UnicodeAttribute()
    deliveryId = UnicodeAttribute()
    event = JSONAttribute()
    status = UnicodeAttribute()
    attempts = JSONAttribute()  # [{"at", "statusCode", "error"}]
    createdAt = UTCDateTimeAttribute()
    nextAttemptAt = UTCDateTimeAttribute(null=True)
    expiresAt = TTLAttribute()

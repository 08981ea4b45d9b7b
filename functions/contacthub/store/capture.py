"""Capture drafts: a prepared contact stored under the hash of its confirmation token.

The draft lives in the workspace's partition (pk WS#<workspace>, sk CAPTURE#<sha256 of token>), so a token
can only ever be found by the workspace that prepared it. Using it is part of the contact's own
TransactWriteItems: the contact exists if and only if the draft is marked used.
"""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from ..capture.model import CaptureDraft
from ..domain.contact import Contact
from .mappers import contact_to_item, item_to_contact
from .repositories import commit, contact_write_operations
from .tables import CaptureDraftItem, workspace_pk


def _sk(token_hash: str) -> str:
    return f"CAPTURE#{token_hash}"


class CaptureDraftRepository:
    def add(self, draft: CaptureDraft) -> None:
        CaptureDraftItem(workspace_pk(draft.workspace_id), _sk(draft.token_hash), fields=draft.fields,
                         createdAt=draft.created_at, expiresAt=draft.expires_at
                         ).save(condition=CaptureDraftItem.sk.does_not_exist())

    def get(self, workspace_id: str, token_hash: str) -> CaptureDraft | None:
        try:
            item = CaptureDraftItem.get(workspace_pk(workspace_id), _sk(token_hash), consistent_read=True)
        except DoesNotExist:
            return None
        return CaptureDraft(workspace_id=workspace_id, token_hash=token_hash, fields=dict(item.fields or {}),
                     created_at=item.createdAt, expires_at=item.expiresAt, used_at=item.usedAt,
                     contact_id=item.contactId)

    def add_contact_using(self, contact: Contact, draft: CaptureDraft, now: datetime) -> Contact:
        """Create the contact and mark the draft used in one transaction.

        The draft's condition (still unused, not yet expired) is checked by DynamoDB at commit: of two
        concurrent confirmations exactly one creates a contact; the other fails with Conflict, and a failed
        create (any cancelled condition) leaves the token usable.
        """
        item = contact_to_item(contact)
        marker = CaptureDraftItem(workspace_pk(draft.workspace_id), _sk(draft.token_hash))
        ops = [lambda t: t.save(item)]  # version condition (attribute_not_exists) added by pynamodb
        ops += contact_write_operations(None, contact)
        ops.append(lambda t: t.update(
            marker,
            actions=[CaptureDraftItem.usedAt.set(now), CaptureDraftItem.contactId.set(contact.id)],
            condition=(CaptureDraftItem.sk.exists() & CaptureDraftItem.usedAt.does_not_exist()
                       & (CaptureDraftItem.expiresAt > now)),
        ))
        commit(ops)
        return item_to_contact(item)

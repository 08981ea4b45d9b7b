"""Capture drafts: a prepared contact stored under the hash of its confirmation token.

The draft lives in the workspace's partition (pk WS#<workspace>, sk CAPTURE#<sha256 of token>), so a token
can only ever be found by the workspace that prepared it. Using it is part of the contact's own
TransactWriteItems (ContactRepository.add with ConsumeCaptureDraft): the contact exists if and only if the
draft is marked used.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist

from ..capture.model import CaptureDraft
from ..ports import ConsumeCaptureDraft
from .tables import CaptureDraftItem, workspace_pk

if TYPE_CHECKING:
    from .repositories import Operation


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


def consume_draft_operation(consume: ConsumeCaptureDraft, contact_id: str) -> Operation:
    """Mark the draft used by the contact the same transaction creates.

    The draft's condition (still unused, not yet expired) is checked by DynamoDB at commit: of two concurrent
    confirmations exactly one creates a contact; the other fails with Conflict, and a failed create (any
    cancelled condition) leaves the token usable.
    """
    marker = CaptureDraftItem(workspace_pk(consume.workspace_id), _sk(consume.token_hash))
    now = consume.now
    return lambda t: t.update(
        marker,
        actions=[CaptureDraftItem.usedAt.set(now), CaptureDraftItem.contactId.set(contact_id)],
        condition=(CaptureDraftItem.sk.exists() & CaptureDraftItem.usedAt.does_not_exist()
                   & (CaptureDraftItem.expiresAt > now)),
    )

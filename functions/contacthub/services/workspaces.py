"""Workspaces, users and API keys: provisioning (CLI, local server) and per-request authentication."""
from __future__ import annotations

import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from ..domain import messages
from ..domain.contact import normalize_email
from ..domain.errors import Unauthorized, ValidationFailed
from ..domain.pipeline import DEFAULT_PIPELINE, PipelineState
from ..domain.secrets import hash_secret
from ..domain.workspace import (
    MIN_KEY_LENGTH,
    USER_NAME,
    WORKSPACE_NAME,
    Principal,
    User,
    Workspace,
    display_prefix,
    generate_api_key,
)
from ..ports import ApiKeyRepository, WorkspaceRepository

_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_\-.~]{%d,256}$" % MIN_KEY_LENGTH)


@dataclass(frozen=True)
class IssuedKey:
    key: str  # shown once, never stored
    principal: Principal
    workspace: Workspace
    user: User


class WorkspaceService:
    def __init__(self, workspaces: WorkspaceRepository, keys: ApiKeyRepository):
        self._workspaces = workspaces
        self._keys = keys

    # ---------------------------------------------------------------- per request
    def authenticate(self, key: str | None) -> Principal:
        if not key or not _KEY_SHAPE.match(key):
            raise Unauthorized()
        key_hash = hash_secret(key)
        found = self._keys.principal_for(key_hash)
        if found is None or not hmac.compare_digest(found[0], key_hash):
            raise Unauthorized()
        return found[1]

    def get(self, workspace_id: str) -> Workspace | None:
        return self._workspaces.get(workspace_id)

    def find_by_name(self, name: str) -> Workspace | None:
        return self._workspaces.find_by_name(name)

    def keeps_emails_unique(self, workspace_id: str) -> bool:
        workspace = self._workspaces.get(workspace_id)
        return workspace is not None and workspace.unique_emails

    def set_unique_emails(self, workspace_id: str, unique: bool) -> None:
        """From now on, refuse (or again allow) a contact write giving an address another contact has. Contacts
        already sharing one are left as they are."""
        self._workspaces.set_unique_emails(workspace_id, unique)

    def me(self, principal: Principal) -> tuple[User | None, Workspace | None]:
        return (self._workspaces.get_user(principal.workspace_id, principal.user_id),
                self._workspaces.get(principal.workspace_id))

    # ---------------------------------------------------------------- provisioning
    def ensure_workspace(self, name: str) -> Workspace:
        name = WORKSPACE_NAME(name, "workspace")
        existing = self._workspaces.find_by_name(name)
        if existing:
            return existing
        workspace_id = str(uuid.uuid4())
        states = [PipelineState(workspace_id, str(uuid.uuid4()), i + 1, label, color, i, kind)
                  for i, (label, color, kind) in enumerate(DEFAULT_PIPELINE)]
        return self._workspaces.create(Workspace(workspace_id, name, datetime.now(timezone.utc)), states)

    def ensure_user(self, workspace: Workspace, name: str, email: str) -> User:
        email = normalize_email(email, "email")
        existing = self._workspaces.find_user_by_email(workspace.id, email)
        if existing:
            return existing
        return self._workspaces.add_user(User(workspace.id, str(uuid.uuid4()), USER_NAME(name, "name") or email,
                                             email))

    def create_key(self, workspace_name: str, user_name: str, email: str, key: str | None = None) -> IssuedKey:
        """Create the workspace and user when missing, then a new key for that user."""
        workspace = self.ensure_workspace(workspace_name)
        user = self.ensure_user(workspace, user_name, email)
        key = key or generate_api_key()
        if not _KEY_SHAPE.match(key):
            raise ValidationFailed.one("apiKey", messages.api_key_shape(MIN_KEY_LENGTH))
        principal = Principal(workspace.id, user.id, display_prefix(key))
        self._keys.add(hash_secret(key), principal)
        return IssuedKey(key, principal, workspace, user)

    def known_key(self, key: str) -> Principal | None:
        try:
            return self.authenticate(key)
        except Unauthorized:
            return None

    def revoke(self, key_prefix: str) -> int:
        return self._keys.revoke(key_prefix)

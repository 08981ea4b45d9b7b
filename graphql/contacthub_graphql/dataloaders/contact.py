from __future__ import annotations

from contacthub.domain.contact import Contact

from .base import WorkspaceLoader


class ContactByIdLoader(WorkspaceLoader[str, Contact | None]):
    """One BatchGetItem per 100 contacts, keyed under the caller's workspace partition."""

    def fetch(self, keys: list[str]) -> list[Contact | None]:
        found = self.services.contacts.get_many(self.workspace_id, keys)
        return [found.get(key) for key in keys]

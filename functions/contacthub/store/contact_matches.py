"""Candidate contacts for an email or a phone number, read from the search entries each contact's own
transaction writes (store/search_index.py): a strongly consistent Query on one entry family, never a GSI or a
Scan, so a contact created a moment ago is already found. Entries are candidates: the caller confirms the
match on the contact it reads (an entry a write has not cleaned up yet may name a contact that moved on)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.text import fold
from ..ports import GuardEmails
from . import search_index as idx
from .tables import EmailGuardItem, IndexEntryItem, workspace_pk


def _contact_ids(workspace_id: str, prefix: str) -> list[str]:
    entries = IndexEntryItem.query(workspace_pk(workspace_id), IndexEntryItem.sk.startswith(prefix),
                                   consistent_read=True, attributes_to_get=["contactId"])
    return list(dict.fromkeys(entry.contactId for entry in entries))


def contact_ids_with_email(workspace_id: str, email: str) -> list[str]:
    """Contacts with an address equal to ``email`` once folded (the entry family ``IDX#email#<folded>#``)."""
    return _contact_ids(workspace_id, idx.prefix_key("email", fold(email)) + "#")


def contact_ids_with_phone(workspace_id: str, e164: str) -> list[str]:
    """Contacts with a number of the same national significant number (any country: confirm the E.164)."""
    return _contact_ids(workspace_id, idx.prefix_key("phone", idx.phone_index_value(e164, e164)) + "#")


def _guard_sk(folded_email: str) -> str:
    return f"EMAILGUARD#{idx.exact_part(folded_email)}"


def email_guard_versions(workspace_id: str, folded_emails: Iterable[str]) -> dict[str, int]:
    pk = workspace_pk(workspace_id)
    wanted = {_guard_sk(e): e for e in folded_emails}
    found = {item.sk: int(item.version) for item in
             EmailGuardItem.batch_get([(pk, sk) for sk in wanted], consistent_read=True)}
    return {email: found.get(sk, 0) for sk, email in wanted.items()}


def guard_emails_operations(guard: GuardEmails) -> list[Callable[[TransactWrite], None]]:
    """Move each guard on, on condition that it is still at the version read."""
    pk = workspace_pk(guard.workspace_id)
    return [_move_on(EmailGuardItem(pk, _guard_sk(email)), version) for email, version in guard.versions]


def _move_on(guard: EmailGuardItem, version: int) -> Callable[[TransactWrite], None]:
    condition = EmailGuardItem.version == version if version else EmailGuardItem.sk.does_not_exist()
    return lambda t: t.update(guard, actions=[EmailGuardItem.version.set(version + 1)], condition=condition)


def email_holders(workspace_id: str, folded_emails: Iterable[str]) -> dict[str, str]:
    """The contact each address is held for by a merge or an undo under way (see hold_emails_operations), for
    the addresses so held: folded address -> contact id. A hold whose merge (or undo) has finished, or is gone, is
    ignored: the address is then on whichever contact has it."""
    pk = workspace_pk(workspace_id)
    wanted = {_guard_sk(e): e for e in folded_emails}
    if not wanted:
        return {}
    held = [g for g in EmailGuardItem.batch_get([(pk, sk) for sk in wanted], consistent_read=True)
            if g.heldFor and g.heldBy]
    if not held:
        return {}
    from .merges import live_holds  # store.merges builds on this module

    live = live_holds(workspace_id, {(str(g.heldBy), str(g.heldFor)) for g in held})
    return {wanted[g.sk]: str(g.heldFor) for g in held if (g.heldBy, g.heldFor) in live}


def hold_emails_operations(workspace_id: str, folded_emails: Iterable[str], holder: str, merge_id: str,
                           versions: dict[str, int] | None = None) -> list[Callable[[TransactWrite], None]]:
    """Each address's guard held for ``holder`` by the merge ``merge_id``, and moved on: a write that read the
    guard before fails its condition, one that reads it after finds the address taken (email_holders).
    ``versions`` (folded address -> version read): only if each guard is still there; None: whatever it is."""
    pk = workspace_pk(workspace_id)
    operations: list[Callable[[TransactWrite], None]] = []
    for email in dict.fromkeys(folded_emails):
        guard = EmailGuardItem(pk, _guard_sk(email))
        actions: list[Action] = [EmailGuardItem.heldFor.set(holder), EmailGuardItem.heldBy.set(merge_id)]
        condition: Condition | None = None
        if versions is None:
            actions.append(EmailGuardItem.version.add(1))
        else:
            version = versions.get(email, 0)
            actions.append(EmailGuardItem.version.set(version + 1))
            condition = EmailGuardItem.version == version if version else EmailGuardItem.sk.does_not_exist()
        operations.append(_update(guard, actions, condition))
    return operations


def _update(guard: EmailGuardItem, actions: list[Action],
            condition: Condition | None) -> Callable[[TransactWrite], None]:
    return lambda t: t.update(guard, actions=actions, condition=condition)

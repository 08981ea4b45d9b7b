"""Builds services on the DynamoDB adapters, once per Lambda container (warm invocations reuse them)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ports import EmailRepository
    from .services.capture import CaptureService
    from .services.contacts import ContactService
    from .services.emails import EmailService
    from .services.pipeline import PipelineService
    from .services.tasks import TaskService
    from .services.workspaces import WorkspaceService


@dataclass(frozen=True)
class Services:
    contacts: "ContactService"
    pipeline: "PipelineService"
    workspaces: "WorkspaceService"
    tasks: "TaskService"
    capture: "CaptureService"
    emails: "EmailService"


@lru_cache(maxsize=1)
def services() -> Services:
    """Imported lazily so a cold start pays only for what the first request needs."""
    from .services.capture import CaptureService
    from .services.contacts import ContactService
    from .services.pipeline import PipelineService
    from .services.tasks import TaskService
    from .services.workspaces import WorkspaceService
    from .store.capture import CaptureDraftRepository
    from .store.emails import EmailRepository
    from .store.repositories import ApiKeyRepository, ContactRepository, PipelineRepository, WorkspaceRepository
    from .store.tasks import TaskRepository

    states = PipelineRepository()
    tasks = TaskService(TaskRepository())
    email_store = EmailRepository()
    contacts = ContactService(ContactRepository(), states,
                              cleanups=(tasks.delete_for_contact, email_store.remove_for_contact),
                              open_task_contacts=tasks.contacts_with_open_tasks)
    return Services(
        contacts=contacts,
        pipeline=PipelineService(states),
        workspaces=WorkspaceService(WorkspaceRepository(), ApiKeyRepository()),
        tasks=tasks,
        capture=CaptureService(contacts, CaptureDraftRepository()),
        emails=_email_service(contacts, email_store, tasks),
    )


def _email_service(contacts: "ContactService", email_store: "EmailRepository",
                   tasks: "TaskService") -> "EmailService":
    """Composer, mailer and send guard come from the environment (EMAIL_COMPOSER, SENDER_ADDRESS,
    IDEMPOTENCY_TABLE...); each creates its AWS client on first use, so other requests pay nothing for them."""
    from .composers import composer_from_env
    from .mail import mailer_from_env
    from .services.emails import EmailService, open_task_lines
    from .store.emails import IdempotentSends

    return EmailService(contacts, email_store, composer_from_env(), mailer_from_env(), IdempotentSends.from_env(),
                        open_tasks=open_task_lines(tasks))

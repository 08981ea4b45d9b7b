"""Builds services on the DynamoDB adapters, once per Lambda container (warm invocations reuse them).

The configuration is read once, here: ``settings()`` comes from the environment template.yaml sets, unless the
CLI, the tests or a bench chose theirs with ``use_settings``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from .ports import EmailRepository
    from .services.capture import CaptureService
    from .services.contacts import ContactService
    from .services.emails import EmailService
    from .services.feed import FeedService
    from .services.pipeline import PipelineService
    from .services.tasks import TaskService
    from .services.webhooks import WebhookService
    from .services.workspaces import WorkspaceService
    from .store.idempotency import IdempotentRequests
    from .store.rate_limit import WorkspaceRateLimiter


@dataclass(frozen=True)
class Services:
    contacts: "ContactService"
    pipeline: "PipelineService"
    workspaces: "WorkspaceService"
    tasks: "TaskService"
    capture: "CaptureService"
    feed: "FeedService"
    webhooks: "WebhookService"
    requests: "IdempotentRequests"  # idempotency keys of client requests, every dialect and GraphQL
    # Built on first use: the mailer and composer settings are checked only where email is needed (the CLI's
    # `keys` needs neither, and a misconfigured sender must not fail it).
    build_emails: Callable[[], "EmailService"] = field(repr=False, compare=False)

    @cached_property
    def emails(self) -> "EmailService":
        return self.build_emails()


_chosen: Settings | None = None


@lru_cache(maxsize=1)
def settings() -> Settings:
    return _chosen if _chosen is not None else Settings()


def use_settings(chosen: Settings | None) -> None:
    """Serve from these settings (None: the environment's) and rebuild the services on next use."""
    global _chosen
    _chosen = chosen
    settings.cache_clear()
    services.cache_clear()
    rate_limiter.cache_clear()


@lru_cache(maxsize=1)
def rate_limiter() -> "WorkspaceRateLimiter":
    from .store.rate_limit import limiter_for

    config = settings()
    return limiter_for(config.crm_table, config.workspace_rate_limit, config.region, config.dynamodb_endpoint)


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
    from .store.idempotency import IdempotentRequests
    from .store.repositories import ApiKeyRepository, ContactRepository, PipelineRepository, WorkspaceRepository
    from .store.tables import bind_tables
    from .store.tasks import TaskRepository

    config = settings()
    bind_tables(config)
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
        build_emails=lambda: _email_service(config, contacts, email_store, tasks),
        **_webhook_services(config),
        requests=IdempotentRequests.from_settings(config),
    )


def _webhook_services(config: Settings) -> dict:
    """The change feed and webhooks; the queue client and the HTTP sender are made on first use."""
    from .domain.webhooks import RETRY_SCHEDULE
    from .services.feed import FeedService
    from .services.webhooks import WebhookService
    from .store.events import DeliveryRepository, EventRepository, WebhookRepository
    from .webhooks.queue import SqsDeliveryQueue
    from .webhooks.sender import HttpWebhookSender
    from .webhooks.targets import TargetGuard

    webhooks, deliveries = WebhookRepository(), DeliveryRepository()
    queue = SqsDeliveryQueue(config.delivery_queue_url, config.delivery_dlq_url, config.region)
    return {
        "feed": FeedService(EventRepository(), webhooks, deliveries, queue),
        "webhooks": WebhookService(webhooks, deliveries, queue, TargetGuard(config.webhook_allow_loopback),
                                   HttpWebhookSender(), retry_schedule=config.webhook_retry_schedule or RETRY_SCHEDULE),
    }


def _email_service(config: Settings, contacts: "ContactService", email_store: "EmailRepository",
                   tasks: "TaskService") -> "EmailService":
    """Composer, mailer and send guard come from the settings (email_composer, sender_address,
    idempotency_table...); each creates its AWS client on first use, so other requests pay nothing for them."""
    from .composers import composer_from_settings
    from .mail import mailer_from_settings
    from .services.emails import EmailService, open_task_lines
    from .store.emails import IdempotentSends

    return EmailService(contacts, email_store, composer_from_settings(config), mailer_from_settings(config),
                        IdempotentSends.from_settings(config), open_tasks=open_task_lines(tasks))

"""Builds services on the DynamoDB adapters, once per Lambda container (warm invocations reuse them).

The configuration is read once, here: ``settings()`` comes from the environment template.yaml sets, unless the
CLI, the tests or a bench chose theirs with ``use_settings``.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from .settings import Settings

if TYPE_CHECKING:
    from .services.capture import CaptureService
    from .services.contacts import ContactService
    from .services.duplicates import DuplicateService
    from .services.emails import EmailService
    from .services.exports import ExportService
    from .services.imports import ImportService
    from .services.feed import FeedService
    from .services.merges import MergeService
    from .services.pipeline import PipelineService
    from .services.tasks import TaskService
    from .services.webhooks import WebhookService
    from .services.workspaces import WorkspaceService
    from .store.emails import EmailRepository
    from .store.events import WebhookRepository
    from .store.idempotency import IdempotentRequests
    from .store.rate_limit import WorkspaceRateLimiter
    from .store.repositories import PipelineRepository
    from .webhooks.queue import SqsDeliveryQueue
    from .bulk.files import S3BulkFiles
    from .bulk.queue import SqsBulkQueue
    from .store.bulk_jobs import BulkJobRepository


T = TypeVar("T")


def _built_once(build: Callable[[Any], T]) -> T:
    """A property built on first use, once even when the local server's threads ask together."""
    slot = f"_built_{build.__name__}"

    @wraps(build)
    def get(self: Any) -> T:
        if slot not in self.__dict__:
            with self._lock:
                if slot not in self.__dict__:
                    self.__dict__[slot] = build(self)
        return self.__dict__[slot]

    return property(get)  # type: ignore[return-value]


class Services:
    """The use cases of a container, each built (and its modules imported) on first use: a cold start pays only
    for what its first request needs, and the CLI's `keys` never builds the mailer whose settings it lacks."""

    def __init__(self, config: Settings):
        from .store.tables import bind_tables

        self.config = config
        self._lock = threading.RLock()
        bind_tables(config)

    @_built_once
    def contacts(self) -> "ContactService":
        from .services.contacts import ContactService
        from .store.merges import MergeRepository
        from .store.repositories import ContactRepository

        # Tasks and emails are reached through the services on call: a read of contacts never builds them.
        return ContactService(ContactRepository(), self._states,
                              cleanups=(lambda ws, cid: self.tasks.delete_for_contact(ws, cid),
                                        lambda ws, cid: self._email_store.remove_for_contact(ws, cid)),
                              open_task_contacts=lambda ws: self.tasks.contacts_with_open_tasks(ws),
                              unique_emails=lambda ws: self.workspaces.keeps_emails_unique(ws),
                              aliases=MergeRepository())

    @_built_once
    def merges(self) -> "MergeService":
        from .services.merges import MergeService
        from .store.merges import MergeRepository
        from .store.repositories import ContactRepository
        from .store.tasks import TaskRepository

        return MergeService(ContactRepository(), TaskRepository(), MergeRepository(),
                            unique_emails=lambda ws: self.workspaces.keeps_emails_unique(ws))

    @_built_once
    def duplicates(self) -> "DuplicateService":
        from .services.duplicates import DuplicateService
        from .store.duplicates import DuplicateCandidateRepository
        from .store.repositories import ContactRepository

        return DuplicateService(ContactRepository(), DuplicateCandidateRepository())

    @_built_once
    def pipeline(self) -> "PipelineService":
        from .services.pipeline import PipelineService

        return PipelineService(self._states)

    @_built_once
    def workspaces(self) -> "WorkspaceService":
        from .services.workspaces import WorkspaceService
        from .store.repositories import ApiKeyRepository, WorkspaceRepository

        return WorkspaceService(WorkspaceRepository(), ApiKeyRepository())

    @_built_once
    def tasks(self) -> "TaskService":
        from .services.tasks import TaskService
        from .store.tasks import TaskRepository

        return TaskService(TaskRepository())

    @_built_once
    def capture(self) -> "CaptureService":
        from .services.capture import CaptureService
        from .store.capture import CaptureDraftRepository

        return CaptureService(self.contacts, CaptureDraftRepository(), duplicates=self.duplicates)

    @_built_once
    def feed(self) -> "FeedService":
        from .services.feed import FeedService
        from .store.events import DeliveryRepository, EventRepository

        return FeedService(EventRepository(), self._webhook_store, DeliveryRepository(), self._delivery_queue)

    @_built_once
    def webhooks(self) -> "WebhookService":
        from .domain.webhooks import RETRY_SCHEDULE
        from .services.webhooks import WebhookService
        from .store.events import DeliveryRepository
        from .webhooks.sender import HttpWebhookSender
        from .webhooks.targets import TargetGuard

        return WebhookService(self._webhook_store, DeliveryRepository(), self._delivery_queue,
                              TargetGuard(self.config.webhook_allow_loopback), HttpWebhookSender(),
                              retry_schedule=self.config.webhook_retry_schedule or RETRY_SCHEDULE)

    @_built_once
    def requests(self) -> "IdempotentRequests":
        """Idempotency keys of client requests, every dialect and GraphQL."""
        from .store.idempotency import IdempotentRequests

        return IdempotentRequests.from_settings(self.config)

    @_built_once
    def emails(self) -> "EmailService":
        return _email_service(self.config, self.contacts, self._email_store, self.tasks)

    @_built_once
    def imports(self) -> "ImportService":
        from .services.imports import ImportService

        return ImportService(self.contacts, self._bulk_jobs, self._bulk_files, self._bulk_queue)

    @_built_once
    def exports(self) -> "ExportService":
        from .services.exports import ExportService

        return ExportService(self.contacts, self._bulk_jobs, self._bulk_files, self._bulk_queue)

    @_built_once
    def _bulk_jobs(self) -> "BulkJobRepository":
        from .store.bulk_jobs import BulkJobRepository

        return BulkJobRepository()

    @_built_once
    def _bulk_files(self) -> "S3BulkFiles":
        from .bulk.files import S3BulkFiles
        from .domain.bulk_jobs import URL_SECONDS

        return S3BulkFiles(self.config.bulk_bucket, self.config.region, URL_SECONDS, self.config.bulk_url_base,
                           self.config.bulk_url_secret)

    @_built_once
    def _bulk_queue(self) -> "SqsBulkQueue":
        from .bulk.queue import SqsBulkQueue

        return SqsBulkQueue(self.config.bulk_queue_url, self.config.region)

    @_built_once
    def _states(self) -> "PipelineRepository":
        from .store.repositories import PipelineRepository

        return PipelineRepository()

    @_built_once
    def _email_store(self) -> "EmailRepository":
        from .store.emails import EmailRepository

        return EmailRepository()

    @_built_once
    def _webhook_store(self) -> "WebhookRepository":
        from .store.events import WebhookRepository

        return WebhookRepository()

    @_built_once
    def _delivery_queue(self) -> "SqsDeliveryQueue":
        from .webhooks.queue import SqsDeliveryQueue

        return SqsDeliveryQueue(self.config.delivery_queue_url, self.config.delivery_dlq_url, self.config.region)


_chosen: Settings | None = None


@lru_cache(maxsize=1)
def settings() -> Settings:
    return _chosen if _chosen is not None else Settings.from_environment()


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
    return Services(settings())


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

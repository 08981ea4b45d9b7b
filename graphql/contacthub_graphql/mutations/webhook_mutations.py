"""Webhook subscriptions: the mutations of `/hub/v1/webhooks`, with the same rules (one service)."""

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from ..inputs import changes
from ..payloads import REPLAYED_CREATE, error_union, failure, payload, result
from ..types.errors import NotFoundError, ValidationError
from ..types.integration import Webhook, WebhookDelivery
from .idempotent import KEY_DESCRIPTION, once
from .outcome import outcome

SECRET_DESCRIPTION = ("The signing secret (`whsec_…`), shown only by this call: keep it to verify the "
                      "`webhook-signature` header. Null on an idempotent replay; rotate to get a new one.")


@strawberry.input(description="A new webhook subscription.")
class CreateWebhookInput:
    url: str = strawberry.field(description="https URL (loopback http too on a local server); private, "
                                            "link-local and metadata addresses are refused.")
    events: list[str] = strawberry.field(description="Event types to deliver, or `*` for all.")
    description: str | None = strawberry.field(default=None, description="Free text for your own reference.")


@strawberry.input(description="Changes to a webhook subscription: only the given fields change.")
class UpdateWebhookInput:
    id: strawberry.ID = strawberry.field(description="The subscription to change.")
    url: str | None = strawberry.field(default=strawberry.UNSET, description="Same rules as on create.")
    events: list[str] | None = strawberry.field(default=strawberry.UNSET,
                                                description="Event types to deliver, or `*` for all.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Free text for your own reference.")
    enabled: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Re-enabling clears a disabled subscription's failure record.")


@strawberry.input(description="The webhook subscription to delete.")
class DeleteWebhookInput:
    id: strawberry.ID = strawberry.field(description="Id of the subscription.")


@strawberry.input(description="The webhook subscription whose signing secret to replace.")
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description="Id of the subscription.")


@strawberry.input(description="A delivery to attempt again.")
class RetryWebhookDeliveryInput:
    webhook_id: strawberry.ID = strawberry.field(description="The subscription the delivery belongs to.")
    delivery_id: strawberry.ID = strawberry.field(description="The delivery (`WebhookDelivery.id`).")


# NotFound on a create: an idempotent replay whose subscription was deleted since.
CreateWebhookError = error_union("CreateWebhookError", ValidationError, NotFoundError, note=REPLAYED_CREATE)
UpdateWebhookError = error_union("UpdateWebhookError", NotFoundError, ValidationError)
DeleteWebhookError = error_union("DeleteWebhookError", NotFoundError)
RotateWebhookSecretError = error_union("RotateWebhookSecretError", NotFoundError)
RetryWebhookDeliveryError = error_union("RetryWebhookDeliveryError", NotFoundError)


@payload("createWebhook", "the subscription and its signing secret")
class CreateWebhookPayload:
    webhook: Webhook | None = result("The subscription as created")
    secret: str | None = strawberry.field(default=None, description=SECRET_DESCRIPTION)
    error: CreateWebhookError | None = failure()


@payload("updateWebhook", "the changed subscription")
class UpdateWebhookPayload:
    webhook: Webhook | None = result("The subscription as saved")
    error: UpdateWebhookError | None = failure()


@payload("deleteWebhook", "the deleted subscription's id")
class DeleteWebhookPayload:
    deleted_webhook_id: strawberry.ID | None = result("Id of the deleted subscription")
    error: DeleteWebhookError | None = failure()


@payload("rotateWebhookSecret", "the subscription and its new secret")
class RotateWebhookSecretPayload:
    webhook: Webhook | None = result("The subscription")
    secret: str | None = strawberry.field(default=None, description="The new signing secret; the previous ones "
                                                                    "keep signing alongside it for 24 hours.")
    error: RotateWebhookSecretError | None = failure()


@payload("retryWebhookDelivery", "the delivery")
class RetryWebhookDeliveryPayload:
    delivery: WebhookDelivery | None = result("The delivery, queued again (status pending)")
    error: RetryWebhookDeliveryError | None = failure()


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="Subscribe a URL to events; the payload carries the signing secret once.")
    def create_webhook(self, info: Info, input: CreateWebhookInput,
                       idempotency_key: Annotated[str | None, strawberry.argument(
                           description=KEY_DESCRIPTION)] = None) -> CreateWebhookPayload:
        ctx = info.context
        webhooks = ctx.services.webhooks
        secrets: list[str] = []

        def create() -> Any:
            subscription, secret = webhooks.create(ctx.workspace_id, changes(input, skip=("id",)))
            secrets.append(secret)
            return subscription

        return outcome(info, CreateWebhookPayload, lambda: CreateWebhookPayload(
            webhook=Webhook.from_domain(once(info, "createWebhook", idempotency_key, input, create,
                                             lambda made: made.id,
                                             lambda made_id: webhooks.get(ctx.workspace_id, made_id))),
            secret=secrets[0] if secrets else None))

    @strawberry.mutation(description="Change url, events, description or enabled.")
    def update_webhook(self, info: Info, input: UpdateWebhookInput) -> UpdateWebhookPayload:
        ctx = info.context
        return outcome(info, UpdateWebhookPayload, lambda: UpdateWebhookPayload(webhook=Webhook.from_domain(
            ctx.services.webhooks.update(ctx.workspace_id, str(input.id), changes(input, skip=("id",))))))

    @strawberry.mutation(description="Delete a subscription: nothing more is delivered to it.")
    def delete_webhook(self, info: Info, input: DeleteWebhookInput) -> DeleteWebhookPayload:
        ctx = info.context

        def delete() -> DeleteWebhookPayload:
            ctx.services.webhooks.delete(ctx.workspace_id, str(input.id))
            return DeleteWebhookPayload(deleted_webhook_id=input.id)

        return outcome(info, DeleteWebhookPayload, delete)

    @strawberry.mutation(description="A new signing secret; the old ones keep signing for 24 hours.")
    def rotate_webhook_secret(self, info: Info, input: RotateWebhookSecretInput) -> RotateWebhookSecretPayload:
        ctx = info.context

        def rotate() -> RotateWebhookSecretPayload:
            subscription, secret = ctx.services.webhooks.rotate_secret(ctx.workspace_id, str(input.id))
            return RotateWebhookSecretPayload(webhook=Webhook.from_domain(subscription), secret=secret)

        return outcome(info, RotateWebhookSecretPayload, rotate)

    @strawberry.mutation(description="Attempt a delivery again now, whatever its state.")
    def retry_webhook_delivery(self, info: Info, input: RetryWebhookDeliveryInput) -> RetryWebhookDeliveryPayload:
        ctx = info.context
        return outcome(info, RetryWebhookDeliveryPayload, lambda: RetryWebhookDeliveryPayload(
            delivery=WebhookDelivery.from_domain(ctx.services.webhooks.retry(
                ctx.workspace_id, str(input.webhook_id), str(input.delivery_id)))))

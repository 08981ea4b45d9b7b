"""The delivery queue on SQS: one message per delivery, so one slow receiver holds up nothing else."""
from __future__ import annotations

import json
from typing import Any

from ..ports import DeliveryRef


class SqsDeliveryQueue:
    def __init__(self, queue_url: str | None, dead_letter_url: str | None, region: str):
        self._queue_url = queue_url
        self._dead_letter_url = dead_letter_url
        self._region = region
        self._client: Any = None

    def _sqs(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("sqs", region_name=self._region)
        return self._client

    def enqueue(self, ref: DeliveryRef, delay_seconds: int = 0) -> None:
        if not self._queue_url:
            raise RuntimeError("no delivery queue configured (DELIVERY_QUEUE_URL)")
        self._sqs().send_message(QueueUrl=self._queue_url, MessageBody=message(ref),
                                 DelaySeconds=max(0, min(int(delay_seconds), 900)))

    def park(self, ref: DeliveryRef) -> None:
        if self._dead_letter_url:
            self._sqs().send_message(QueueUrl=self._dead_letter_url, MessageBody=message(ref))


def message(ref: DeliveryRef) -> str:
    return json.dumps({"workspaceId": ref.workspace_id, "webhookId": ref.webhook_id,
                       "deliveryId": ref.delivery_id})


def ref_from_message(body: str) -> DeliveryRef:
    data = json.loads(body)
    return DeliveryRef(data["workspaceId"], data["webhookId"], data["deliveryId"])

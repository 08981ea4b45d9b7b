"""The bulk queue on SQS: chunks of imports and whole exports, one message each (S3 upload events arrive on the
same queue, sent by the bucket)."""
from __future__ import annotations

import json
from typing import Any

from .. import aws_clients


class SqsBulkQueue:
    def __init__(self, queue_url: str | None, region: str):
        self._queue_url = queue_url
        self._region = region

    def send(self, message: dict[str, Any]) -> None:
        if not self._queue_url:
            raise RuntimeError("no bulk queue configured (BULK_QUEUE_URL)")
        aws_clients.client("sqs", self._region).send_message(QueueUrl=self._queue_url,
                                                              MessageBody=json.dumps(message))

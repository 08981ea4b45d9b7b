"""DeliveryFunction: consumes the delivery queue; each message is one attempt of one delivery.

Messages of a batch run side by side, so a receiver that takes its full timeout delays no other; a message
whose processing fails is reported alone (partial batch response) and comes back after its visibility timeout.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools import Logger

from ..wiring import services
from .queue import ref_from_message

logger = Logger(service="contacthub")


def _deliver(record: dict[str, Any]) -> str | None:
    try:
        services().webhooks.deliver(ref_from_message(record["body"]))
        return None
    except Exception:
        logger.exception("Delivery failed", extra={"messageId": record.get("messageId")})
        return str(record["messageId"])


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = event.get("Records") or []
    services()  # built once, before the threads share it
    with ThreadPoolExecutor(max_workers=max(1, min(10, len(records)))) as pool:
        failed = [f for f in pool.map(_deliver, records) if f]
    return {"batchItemFailures": [{"itemIdentifier": f} for f in failed]}

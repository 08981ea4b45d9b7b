"""EventsFunction: DynamoDB Streams records of CrmTable -> events in the log, and deliveries queued.

A record that fails is reported with its sequence number (partial batch response): the event source mapping
retries from there, bisecting the batch, and sends what still fails to its failure destination. Recording
is idempotent, so a retried record never doubles an event or a delivery.
"""
from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from ..wiring import services
from .mapper import events_from_record

logger = Logger(service="contacthub")


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    feed = services().feed
    for record in event.get("Records") or []:
        try:
            feed.record(events_from_record(record))
        except Exception:
            logger.exception("Stream record failed", extra={"eventID": record.get("eventID")})
            return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    return {"batchItemFailures": []}

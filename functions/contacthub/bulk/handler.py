"""BulkFunction: consumes the bulk queue. A message is an S3 upload event (an import's file arrived), one chunk
of an import, or one chunk of an export; each chunk queues the next, so no invocation runs long.

Messages are handled one after the other; one that fails is reported alone (partial batch response) and comes
back after its visibility timeout, then to the dead-letter queue. Work is idempotent (see services/imports.py).
When the last delivery the queue allows fails too, its job is marked failed (its message still goes to the
dead-letter queue, for the operator): a client polling the job learns it stopped.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger

from ..domain.bulk_jobs import parse_upload_key
from ..wiring import services

logger = Logger(service="contacthub")

MAX_RECEIVES = 5  # template.yaml: BulkQueue's RedrivePolicy maxReceiveCount (a test keeps the two equal)


def handle(body: dict[str, Any]) -> None:
    built = services()
    if "Records" in body:  # S3 event notification (s3:TestEvent has no Records)
        for record in body["Records"]:
            if str(record.get("eventName", "")).startswith("ObjectCreated"):
                built.imports.uploaded(unquote_plus(record["s3"]["object"]["key"]))
    elif body.get("type") == "import-chunk":
        built.imports.run_chunk(body["workspaceId"], body["jobId"], int(body["chunk"]))
    elif body.get("type") == "export":
        chunk = body.get("chunk")  # none in a message queued by the version that wrote a file in one run
        built.exports.run(body["workspaceId"], body["jobId"], None if chunk is None else int(chunk))
    else:
        logger.warning("Unknown bulk message dropped", extra={"keys": sorted(body)})


def give_up(body: dict[str, Any], error: Exception) -> None:
    """The job of a message whose last delivery failed is marked failed, saying so."""
    built = services()
    reason = (f"processing stopped: it failed {MAX_RECEIVES} times ({type(error).__name__}); "
              "start the job again, or ask the operator")
    if "Records" in body:
        for record in body["Records"]:
            ids = parse_upload_key(unquote_plus(record.get("s3", {}).get("object", {}).get("key", "")))
            if ids:
                built.imports.abandon(*ids, reason)
    elif body.get("type") == "import-chunk":
        built.imports.abandon(body["workspaceId"], body["jobId"], reason)
    elif body.get("type") == "export":
        built.exports.abandon(body["workspaceId"], body["jobId"], reason)


def _last_delivery(record: dict[str, Any]) -> bool:
    return int(record.get("attributes", {}).get("ApproximateReceiveCount", "1")) >= MAX_RECEIVES


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failed = []
    for record in event.get("Records") or []:
        body: Any = None
        try:
            body = json.loads(record["body"])
            handle(body)
        except Exception as error:
            logger.exception("Bulk message failed", extra={"messageId": record.get("messageId")})
            failed.append({"itemIdentifier": record["messageId"]})
            if isinstance(body, dict) and _last_delivery(record):
                try:
                    give_up(body, error)
                except Exception:  # noqa: BLE001 - the message still reaches the dead-letter queue
                    logger.exception("Could not mark the job failed", extra={"messageId": record.get("messageId")})
    return {"batchItemFailures": failed}

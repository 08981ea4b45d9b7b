"""BulkFunction: consumes the bulk queue. A message is an S3 upload event (an import's file arrived), one chunk
of an import, or one export; each chunk queues the next, so no invocation runs long.

Messages are handled one after the other; one that fails is reported alone (partial batch response) and comes
back after its visibility timeout, then to the dead-letter queue. Work is idempotent (see services/imports.py).
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger

from ..wiring import services

logger = Logger(service="contacthub")


def handle(body: dict[str, Any]) -> None:
    built = services()
    if "Records" in body:  # S3 event notification (s3:TestEvent has no Records)
        for record in body["Records"]:
            if str(record.get("eventName", "")).startswith("ObjectCreated"):
                built.imports.uploaded(unquote_plus(record["s3"]["object"]["key"]))
    elif body.get("type") == "import-chunk":
        built.imports.run_chunk(body["workspaceId"], body["jobId"], int(body["chunk"]))
    elif body.get("type") == "export":
        built.exports.run(body["workspaceId"], body["jobId"])
    else:
        logger.warning("Unknown bulk message dropped", extra={"keys": sorted(body)})


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failed = []
    for record in event.get("Records") or []:
        try:
            handle(json.loads(record["body"]))
        except Exception:
            logger.exception("Bulk message failed", extra={"messageId": record.get("messageId")})
            failed.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failed}
